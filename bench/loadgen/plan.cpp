#include "bench/loadgen/plan.hpp"

#include <fmt/format.h>

namespace loadgen {

namespace {
// --requests without --duration: the run still ends, whatever the target does.
constexpr auto kRequestModeCap = std::chrono::minutes(10);
}

Plan::Plan(const Options& o, Clock::time_point s)
    : options(o),
      start(s),
      measure_from(s + std::chrono::duration_cast<Clock::duration>(o.warmup)),
      body(o.body) {
  const auto measured = o.requests && !o.duration_set
                            ? std::chrono::duration_cast<Clock::duration>(kRequestModeCap)
                            : std::chrono::duration_cast<Clock::duration>(o.duration);
  end = measure_from + measured;
  senders = o.protocol == Protocol::http ? o.connections : o.connections * o.depth;
  if (o.rate > 0) {
    interval = std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * senders / o.rate));
    if (interval.count() == 0) interval = std::chrono::nanoseconds(1);
  }
  if (o.protocol == Protocol::http) {
    head = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\n", o.method, o.target, o.authority);
    for (const auto& h : o.headers) head += fmt::format("{}: {}\r\n", h.name, h.value);
    if (body.constant()) {
      append_http_request(0, fixed_request);
    }
  }
}

std::uint64_t Plan::quota(int index) const noexcept {
  const std::uint64_t n = options.requests;
  if (n == 0) return 0;
  const auto k = static_cast<std::uint64_t>(senders);
  return n / k + (static_cast<std::uint64_t>(index) < n % k ? 1 : 0);
}

Clock::time_point Plan::first_send(int index) const noexcept {
  if (interval.count() == 0) return start;
  return start + std::chrono::duration_cast<Clock::duration>(interval * index / senders);
}

void Plan::append_http_request(std::uint64_t counter, std::string& out) const {
  if (!fixed_request.empty()) {
    out += fixed_request;
    return;
  }
  out += head;
  const bool bodyless = options.body.empty() && (options.method == "GET" || options.method == "HEAD");
  if (bodyless) {
    out += "\r\n";
    return;
  }
  char digits[24];
  const auto end = fmt::format_to(digits, "{}", body.size(counter));
  out += "Content-Length: ";
  out.append(digits, static_cast<std::size_t>(end - digits));
  out += "\r\n\r\n";
  body.render(counter, out);
}

}  // namespace loadgen
