#pragma once
/// @file
/// Spans: `Span s = Span::remote("POST /handle", SpanKind::server, traceparent, tracestate);`
/// then `Span call = s.child("POST", SpanKind::client);`, attributes with set(), and end()
/// (or the destructor) hands a recorded span to the background exporter.
///
/// A span always knows where it sits in its trace when there is a trace to sit in, so the next
/// hop gets a traceparent even when this one is not recorded:
///   - tracing on (an OTLP endpoint): a valid remote parent decides (sampled: recorded,
///     unsampled: never), else TRACE_SAMPLE_RATIO; an unrecorded span still has ids and
///     passes on the unsampled flag;
///   - tracing off: a remote parent is passed on unchanged; without one there is no context.
/// Move-only; one owner on one loop.
#include <memory>
#include <string>
#include <string_view>

#include "core/log/trace_ids.hpp"
#include "core/trace/config.hpp"
#include "wire/trace/span.hpp"

namespace core::trace {

/// Start-up, before the workers run: remembers the settings and starts the exporter when an
/// endpoint is set. Calling it again replaces both (tests).
void init(Config config);
/// Sends what is queued and stops the exporter (end of the process, tests).
void shutdown();
/// Blocks until every span ended so far was sent or dropped (tests).
void flush();
const Config& config();

class Span {
 public:
  Span() = default;
  Span(Span&& other) noexcept = default;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span() { end(); }

  /// A span continuing the caller's trace (incoming HTTP request, RPC call, AMQP delivery)
  /// from the header values as received ("" when absent; a malformed traceparent starts a
  /// new trace).
  static Span remote(std::string_view name, wire::trace::SpanKind kind,
                     std::string_view traceparent, std::string_view tracestate = {});
  /// A child of this span (a downstream call, a query). Without a context: an empty span.
  Span child(std::string_view name, wire::trace::SpanKind kind) const;

  bool has_context() const noexcept { return has_context_; }
  bool recording() const noexcept { return data_ != nullptr; }
  const wire::trace::SpanContext& context() const noexcept { return context_; }
  /// The header the next hop gets ("" without a context).
  std::string traceparent() const;
  const std::string& tracestate() const noexcept { return context_.tracestate; }
  std::string trace_id() const;  ///< hex, "" without a context
  /// The ids log lines of this span's work carry (core/log/trace_ids.hpp).
  log::TraceIds log_ids() const noexcept;
  std::string span_id() const;

  /// Recorded spans only; no-ops otherwise.
  void set_name(std::string name);
  /// `key` is a string literal (wire::trace::AttributeKey): no allocation for it.
  void set(wire::trace::AttributeKey key, wire::trace::AttributeValue value);
  void set_error(std::string message);
  /// Ends and exports (once; later calls do nothing).
  void end() noexcept;

 private:
  static Span start(std::string_view name, wire::trace::SpanKind kind,
                    const wire::trace::SpanContext* parent, bool recorded);
  wire::trace::SpanContext context_;
  bool has_context_ = false;
  std::unique_ptr<wire::trace::SpanData> data_;  // null: not recorded
};

}  // namespace core::trace
