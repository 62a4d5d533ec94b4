// Tracing's own costs, without the network: a span of the HTTP server recorded on a loop
// (started, seven attributes, ended and handed to the exporter), and a batch of 512 such
// spans encoded as OTLP protobuf and as OTLP JSON (the exporter thread's work per batch).
//   build/bin/trace_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <vector>

#include "core/trace/span.hpp"
#include "wire/trace/otlp_json.hpp"
#include "wire/trace/otlp_proto.hpp"

namespace {

using wire::trace::SpanKind;

void record_server_span(core::trace::Span& span) {
  span.set("http.request.method", std::string("POST"));
  span.set("url.path", std::string("/"));
  span.set("url.scheme", std::string("http"));
  span.set("network.protocol.version", std::string("1.1"));
  span.set("http.route", std::string("/"));
  span.set_name("POST /");
  span.set("http.response.status_code", std::int64_t{200});
  span.end();
}

// Tracing on towards a port where nothing listens: every batch is encoded, then its POST is
// refused at once, so the exporter thread does its whole share of the work.
void BM_RecordSpan(benchmark::State& state) {
  core::trace::Config c;
  c.endpoint = "http://127.0.0.1:1/v1/traces";
  c.service = "trace-bench";
  c.queue_capacity = 1 << 20;
  core::trace::init(c);
  for (auto _ : state) {
    core::trace::Span span = core::trace::Span::remote("POST", SpanKind::server, "");
    record_server_span(span);
  }
  core::trace::init(core::trace::Config{});
}
BENCHMARK(BM_RecordSpan);

std::vector<wire::trace::SpanData> batch() {
  std::vector<wire::trace::SpanData> spans(512);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    auto& s = spans[i];
    s.trace_id[15] = static_cast<std::uint8_t>(i + 1);
    s.span_id[7] = static_cast<std::uint8_t>(i + 1);
    s.name = "POST /";
    s.kind = SpanKind::server;
    s.start_unix_nano = 1765000000123456789ULL + i;
    s.end_unix_nano = s.start_unix_nano + 51234;
    s.attributes = {{"http.request.method", std::string("POST")},
                    {"url.path", std::string("/")},
                    {"url.scheme", std::string("http")},
                    {"network.protocol.version", std::string("1.1")},
                    {"http.route", std::string("/")},
                    {"http.response.status_code", std::int64_t{200}}};
  }
  return spans;
}

void BM_EncodeProto512(benchmark::State& state) {
  const auto spans = batch();
  std::size_t bytes = 0;
  for (auto _ : state) bytes = wire::trace::encode_otlp_proto("broker", {}, spans).size();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeProto512);

void BM_EncodeJson512(benchmark::State& state) {
  const auto spans = batch();
  std::size_t bytes = 0;
  for (auto _ : state) bytes = wire::trace::encode_otlp_json("broker", {}, spans).size();
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_EncodeJson512);

}  // namespace

BENCHMARK_MAIN();
