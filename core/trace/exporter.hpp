#pragma once
/// @file
/// The background exporter: finished spans are handed over with submit() (a short mutex and a
/// swap with a spent slot of a vector, never a wait on I/O nor an allocation once the vector
/// has grown, so a loop never blocks on it) into a bounded queue; one thread of its own takes
/// the whole queue at once (swapping vectors), encodes it there, off the loops, and POSTs it in
/// batches as OTLP/HTTP protobuf (or JSON). Sent spans are never destroyed: their slots, with
/// the storage of their strings and attribute lists, go back to the queue and from there to
/// the loop that hands in the next span, which records its next span into them. So, once warm,
/// recording a span with short attribute values allocates nothing, and span storage is, as a
/// rule, no longer freed by another thread than the one that allocated it (glibc's malloc pays
/// for that with arena locks and heaps that grow and shrink). When the queue is full or the
/// collector is slow, down or refuses, spans are dropped and counted, never retried without end:
///   trace_spans_exported_total, trace_spans_dropped_total{reason="queue_full"|"export_failed"},
///   trace_export_requests_total{outcome="ok"|"error"}, trace_export_queue (gauge: spans
///   waiting or being sent, as of the exporter's last round).
#include <condition_variable>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics/metrics.hpp"
#include "core/trace/config.hpp"
#include "wire/trace/span.hpp"

namespace core::trace {

class Exporter {
 public:
  /// Starts the thread; config.enabled() must hold.
  explicit Exporter(Config config);
  /// Sends what is queued (within the export timeout), then stops the thread.
  ~Exporter();
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  /// Takes `span`; leaves in it a spent span (its storage kept, its content stale) to record
  /// the caller's next span into.
  void submit(wire::trace::SpanData& span) noexcept;
  /// Blocks until everything submitted before was sent or dropped (tests, shutdown).
  void flush();

 private:
  void run();
  // Encodes and POSTs spans in batches of batch_size; the lock is not held.
  void send(std::span<const wire::trace::SpanData> spans);
  // POSTs one encoded batch; true on a 2xx answer.
  bool post(const std::string& body);

  Config config_;
  std::string host_, target_, authority_;
  int port_ = 80;

  std::mutex mu_;
  std::condition_variable wake_;     // the thread: spans arrived, flush asked, stopping
  std::condition_variable flushed_;  // flush(): a round ended
  // The first queued_ slots hold spans to send, the rest spent ones to recycle; swapped with
  // the thread's own as a whole.
  std::vector<wire::trace::SpanData> queue_;
  std::size_t queued_ = 0;
  std::uint64_t submitted_ = 0, done_ = 0;  // spans handed in / sent or dropped
  bool stopping_ = false;
  bool flush_asked_ = false;

  metrics::Counter& exported_;
  metrics::Counter& dropped_full_;
  metrics::Counter& dropped_failed_;
  metrics::Counter& requests_ok_;
  metrics::Counter& requests_failed_;
  metrics::Gauge& queue_gauge_;
  std::thread thread_;
};

}  // namespace core::trace
