#include "bench/loadgen/report.hpp"

#include <fmt/format.h>

#include "wire/json/escape.hpp"

namespace loadgen {

namespace {

struct Percentile {
  const char* label;  // table
  const char* key;    // JSON
  double q;
};
constexpr Percentile kPercentiles[] = {
    {"p50", "p50", 50}, {"p90", "p90", 90}, {"p99", "p99", 99}, {"p99.9", "p99_9", 99.9}};

std::string quoted(std::string_view s) {
  std::string out;
  wire::json::append_json_string(out, s);
  return out;
}

double ms(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }
double us(std::uint64_t ns) { return static_cast<double>(ns) / 1e3; }

std::string mode(const Options& o) {
  std::string m = o.rate > 0 ? fmt::format("open loop at {:.0f}/s", o.rate) : "closed loop";
  if (o.depth > 1) m += fmt::format(", {} in flight per connection", o.depth);
  return m;
}

std::string status_label(const Options& o, std::size_t code) {
  if (o.protocol != Protocol::http) {
    return code == static_cast<std::size_t>(kRpcOk) ? "ok" : "error reply";
  }
  return std::to_string(code);
}

const char* protocol_name(const Options& o) {
  switch (o.protocol) {
    case Protocol::http: return "http";
    case Protocol::rpc: return "rpc";
    case Protocol::amqp: return "amqp";
  }
  return "?";
}

}  // namespace

std::string format_table(const Options& o, const RunResult& r) {
  std::string out;
  std::string what = o.method + " " + o.url;
  if (o.protocol == Protocol::rpc) {
    what = fmt::format("{} {} ({})", o.rpc_method, o.url,
                       o.codec == wire::rpc::Codec::gob ? "gob" : "json");
  } else if (o.protocol == Protocol::amqp) {
    what = fmt::format("publish {} to {} {} with confirms", o.amqp_url.redacted(), o.exchange,
                       o.routing_key);
  }
  out += fmt::format("target     {}\n", what);
  out += fmt::format("load       {} connections, {} thread{}, {}\n", o.connections, o.threads,
                     o.threads == 1 ? "" : "s", mode(o));
  out += fmt::format("measured   {:.2f} s after {:.2f} s of warm-up\n", r.seconds,
                     std::chrono::duration<double>(o.warmup).count());
  out += fmt::format("answered   {} ({:.1f}/s)\n", r.answered, r.rate());
  const auto& h = r.latency;
  out += fmt::format("latency ms mean {:.3f}", ms(static_cast<std::uint64_t>(h.mean())));
  for (const auto& p : kPercentiles) out += fmt::format("  {} {:.3f}", p.label, ms(h.percentile(p.q)));
  out += fmt::format("  max {:.3f}\n", ms(h.max()));
  out += "status    ";
  bool any = false;
  for (std::size_t code = 0; code < r.status.size(); ++code) {
    if (r.status[code] == 0) continue;
    out += fmt::format(" {}: {}", status_label(o, code), r.status[code]);
    any = true;
  }
  out += any ? "\n" : " -\n";
  out += fmt::format("errors     connect {}  reset {}  timeout {}  parse {}\n", r.errors.connect,
                     r.errors.reset, r.errors.timeout, r.errors.parse);
  return out;
}

std::string format_json(const Options& o, const RunResult& r) {
  std::string status;
  for (std::size_t code = 0; code < r.status.size(); ++code) {
    if (r.status[code] == 0) continue;
    if (!status.empty()) status += ",";
    status += fmt::format("\"{}\":{}", status_label(o, code), r.status[code]);
  }
  const auto& h = r.latency;
  std::string latency = fmt::format("\"min\":{:.1f},\"mean\":{:.1f}", us(h.min()), h.mean() / 1e3);
  for (const auto& p : kPercentiles) latency += fmt::format(",\"{}\":{:.1f}", p.key, us(h.percentile(p.q)));
  latency += fmt::format(",\"max\":{:.1f}", us(h.max()));
  return fmt::format(
      "{{\"target\":{},\"protocol\":\"{}\",\"method\":{},\"connections\":{},\"threads\":{},"
      "\"depth\":{},\"rate\":{},\"warmup_s\":{:.3f},\"seconds\":{:.3f},\"answered\":{},"
      "\"per_second\":{:.1f},\"latency_us\":{{{}}},\"status\":{{{}}},"
      "\"errors\":{{\"connect\":{},\"reset\":{},\"timeout\":{},\"parse\":{}}}}}\n",
      quoted(o.protocol == Protocol::amqp ? o.amqp_url.redacted() : o.url), protocol_name(o),
      quoted(o.protocol == Protocol::http  ? o.method
             : o.protocol == Protocol::rpc ? o.rpc_method
                                           : "publish " + o.exchange + " " + o.routing_key), o.connections,
      o.threads, o.depth, o.rate, std::chrono::duration<double>(o.warmup).count(), r.seconds,
      r.answered, r.rate(), latency, status, r.errors.connect, r.errors.reset, r.errors.timeout,
      r.errors.parse);
}

std::string format_progress(const Progress& p) {
  return fmt::format("{:7.1f}s {:<8} answered {:>11}  rate {:>10.0f}/s  errors {}", p.elapsed,
                     p.warming_up ? "warm-up" : "measure", p.answered, p.rate, p.errors);
}

}  // namespace loadgen
