#include "core/trace/span.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "core/trace/exporter.hpp"
#include "wire/trace/sampler.hpp"

namespace core::trace {

namespace {

using wire::trace::SpanContext;
using wire::trace::SpanKind;

// Set before the workers start (init), read by them afterwards.
Config g_config;
std::unique_ptr<Exporter> g_exporter;

// Span attributes a span's storage holds before it grows: the HTTP server span's seven and a
// client span's six fit.
constexpr std::size_t kAttributesReserved = 8;

// SplitMix64 (Steele, Lea, Flood 2014) per thread, seeded once from the OS: a few
// instructions per id; ids need to be unique and unpredictable enough to spread, not secret.
std::uint64_t next_random() {
  thread_local std::uint64_t state = [] {
    std::random_device os;
    return (std::uint64_t{os()} << 32 | os()) ^
           (std::hash<std::thread::id>{}(std::this_thread::get_id()) << 1);
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

template <std::size_t N>
void fill_random(std::array<std::uint8_t, N>& id) {
  do {
    for (std::size_t i = 0; i < N; i += 8) {
      const std::uint64_t r = next_random();
      std::memcpy(id.data() + i, &r, std::min<std::size_t>(8, N - i));
    }
  } while (std::all_of(id.begin(), id.end(), [](std::uint8_t b) { return b == 0; }));
}

// The spent span this thread's last submit() got back: the next span recorded here reuses its
// storage (strings, attribute list), so that a warm loop allocates nothing for a span and frees
// nothing another thread allocated.
thread_local std::unique_ptr<wire::trace::SpanData> t_spare;

std::unique_ptr<wire::trace::SpanData> fresh_span_data() {
  if (!t_spare) {
    auto data = std::make_unique<wire::trace::SpanData>();
    data->attributes.reserve(kAttributesReserved);
    return data;
  }
  std::unique_ptr<wire::trace::SpanData> data = std::move(t_spare);
  data->parent_span_id = {};
  data->end_unix_nano = 0;
  data->attributes.clear();
  data->status = wire::trace::StatusCode::unset;
  data->status_message.clear();
  return data;
}

std::uint64_t now_unix_nano() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

void init(Config config) {
  g_exporter.reset();
  g_config = std::move(config);
  if (g_config.enabled()) g_exporter = std::make_unique<Exporter>(g_config);
}

void shutdown() { g_exporter.reset(); }

void flush() {
  if (g_exporter) g_exporter->flush();
}

const Config& config() { return g_config; }

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    context_ = std::move(other.context_);
    has_context_ = std::exchange(other.has_context_, false);
    data_ = std::move(other.data_);
  }
  return *this;
}

Span Span::start(std::string_view name, SpanKind kind, const SpanContext* parent, bool recorded) {
  Span s;
  s.has_context_ = true;
  if (parent) {
    s.context_.trace_id = parent->trace_id;
    s.context_.tracestate = parent->tracestate;
  } else {
    fill_random(s.context_.trace_id);
  }
  fill_random(s.context_.span_id);
  s.context_.flags = recorded ? wire::trace::kSampledFlag : 0;
  if (recorded) {
    s.data_ = fresh_span_data();
    s.data_->trace_id = s.context_.trace_id;
    s.data_->span_id = s.context_.span_id;
    if (parent) s.data_->parent_span_id = parent->span_id;
    s.data_->tracestate = s.context_.tracestate;
    s.data_->name.assign(name);
    s.data_->kind = kind;
    s.data_->start_unix_nano = now_unix_nano();
  }
  return s;
}

Span Span::remote(std::string_view name, SpanKind kind, std::string_view traceparent,
                  std::string_view tracestate) {
  std::optional<SpanContext> parent;
  if (!traceparent.empty()) {
    parent = wire::trace::parse_traceparent(traceparent);
    if (parent) parent->tracestate = wire::trace::parse_tracestate(tracestate);
  }
  if (!g_config.enabled()) {
    Span s;
    if (parent) {
      s.context_ = std::move(*parent);  // passed on unchanged
      s.has_context_ = true;
    }
    return s;
  }
  wire::trace::TraceId fresh{};
  if (!parent) fill_random(fresh);
  const bool recorded =
      wire::trace::should_sample(parent, parent ? parent->trace_id : fresh, g_config.sample_ratio);
  Span s = start(name, kind, parent ? &*parent : nullptr, recorded);
  if (!parent) {
    s.context_.trace_id = fresh;
    if (s.data_) s.data_->trace_id = fresh;
  }
  return s;
}

Span Span::child(std::string_view name, SpanKind kind) const {
  if (!has_context_) return Span();
  if (!g_config.enabled()) {
    Span s;
    s.context_ = context_;
    s.has_context_ = true;
    return s;
  }
  return start(name, kind, &context_, context_.sampled());
}

std::string Span::traceparent() const {
  return has_context_ ? wire::trace::format_traceparent(context_) : std::string();
}

log::TraceIds Span::log_ids() const noexcept {
  log::TraceIds ids;
  if (!has_context_) return ids;
  ids.trace_id = context_.trace_id;
  ids.span_id = context_.span_id;
  ids.set = true;
  return ids;
}

std::string Span::trace_id() const {
  return has_context_ ? wire::trace::to_hex(context_.trace_id) : std::string();
}
std::string Span::span_id() const {
  return has_context_ ? wire::trace::to_hex(context_.span_id) : std::string();
}

void Span::set_name(std::string name) {
  if (data_) data_->name = std::move(name);
}

void Span::set(wire::trace::AttributeKey key, wire::trace::AttributeValue value) {
  if (data_) data_->attributes.push_back({key, std::move(value)});
}

void Span::set_error(std::string message) {
  if (!data_) return;
  data_->status = wire::trace::StatusCode::error;
  data_->status_message = std::move(message);
}

void Span::end() noexcept {
  if (!data_) return;
  data_->end_unix_nano = now_unix_nano();
  if (g_exporter) {
    g_exporter->submit(*data_);  // leaves a spent span in *data_
    t_spare = std::move(data_);
  }
  data_.reset();
}

}  // namespace core::trace
