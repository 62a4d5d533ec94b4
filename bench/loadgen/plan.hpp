#pragma once
// What every worker thread shares, read-only: the schedule of the run (start, end of the
// warm-up, end), each connection's share of the requests and of the rate, and the request bytes.
#include <chrono>
#include <cstdint>
#include <string>

#include "bench/loadgen/body_template.hpp"
#include "bench/loadgen/options.hpp"

namespace loadgen {

using Clock = std::chrono::steady_clock;

struct Plan {
  Plan(const Options& options, Clock::time_point start);

  const Options& options;
  Clock::time_point start;
  Clock::time_point measure_from;  ///< end of the warm-up
  Clock::time_point end;           ///< nothing is recorded after it (cap in --requests mode)
  /// Open loop: time between two intended sends of one sender (a connection for HTTP, a call
  /// slot for RPC); zero in a closed loop.
  std::chrono::nanoseconds interval{0};
  int senders = 0;  ///< connections (HTTP) or call slots (RPC) over all threads

  BodyTemplate body;
  std::string head;  ///< HTTP request line and headers, without Content-Length and the blank line
  std::string fixed_request;  ///< the whole HTTP request when the body has no placeholder

  /// Measured requests sender `index` makes in --requests mode (0 in duration mode).
  std::uint64_t quota(int index) const noexcept;
  /// First intended send time of sender `index` (open loop: staggered over one interval).
  Clock::time_point first_send(int index) const noexcept;
  /// Appends request number `counter` to out.
  void append_http_request(std::uint64_t counter, std::string& out) const;
};

}  // namespace loadgen
