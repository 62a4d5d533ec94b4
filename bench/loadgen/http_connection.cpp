#include "bench/loadgen/http_connection.hpp"

#include <deque>
#include <string>

#include "core/net/tcp_connect.hpp"
#include "core/runtime/timer.hpp"
#include "wire/http/response_parser.hpp"

namespace loadgen {

namespace {

using namespace std::chrono_literals;
using std::chrono::duration_cast;

struct ParseFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Per-connection state that survives reconnects.
struct Sender {
  int index = 0;
  std::uint64_t quota = 0;          // 0: duration mode
  std::uint64_t measured_sent = 0;  // requests meant for the measured window
  Clock::time_point next_send;      // open loop: the next intended send time
  std::deque<Clock::time_point> in_flight;  // intended send times, oldest first
  std::string out;

  bool quota_done() const noexcept { return quota != 0 && measured_sent >= quota; }
  // Requests lost with their connection are sent again in --requests mode, so the quota
  // counts answers.
  void forget_in_flight(const Plan& plan) noexcept {
    for (auto t : in_flight) {
      if (t >= plan.measure_from) --measured_sent;
    }
    in_flight.clear();
  }
};

core::Duration ms_until(Clock::time_point t, Clock::time_point now) {
  return t > now ? duration_cast<core::Duration>(t - now) : core::Duration{0};
}

// One connection's life; true when the sender is done, false to reconnect.
core::Task<bool> session(WorkerContext* w, Sender* s, core::TcpStream* stream) {
  const Plan& plan = w->plan;
  const Options& o = plan.options;
  const bool open_loop = plan.interval.count() > 0;
  const auto depth = static_cast<std::size_t>(o.depth);
  const auto timeout = duration_cast<core::Duration>(o.timeout);
  const bool head = o.method == "HEAD";
  wire::http::ResponseParser parser;
  core::Buffer& in = stream->input();
  while (true) {
    auto now = Clock::now();
    if (now >= plan.end) co_return true;
    s->out.clear();
    while (s->in_flight.size() < depth && !s->quota_done()) {
      const auto intended = open_loop ? s->next_send : now;
      if (intended > now) break;
      plan.append_http_request(w->take_counter(), s->out);
      s->in_flight.push_back(intended);
      if (intended >= plan.measure_from) ++s->measured_sent;
      if (open_loop) s->next_send += plan.interval;
    }
    if (!s->out.empty()) co_await stream->write(s->out, timeout);
    if (s->in_flight.empty()) {
      if (s->quota_done()) co_return true;
      co_await core::sleep(ms_until(s->next_send, now));  // open loop, ahead of schedule
      continue;
    }
    // Open loop with room for more: wake up for the next send even if no answer came.
    const bool more_due = open_loop && s->in_flight.size() < depth && !s->quota_done();
    std::size_t got = 0;
    if (more_due) {
      bool idle = false;
      try {
        got = co_await stream->read_some(std::clamp(ms_until(s->next_send, now) + 1ms, 1ms, timeout));
      } catch (const core::TimeoutError&) {
        idle = true;
      }
      if (idle) {
        if (Clock::now() - s->in_flight.front() > o.timeout) throw core::TimeoutError();
        continue;
      }
    } else {
      got = co_await stream->read_some(timeout);
    }
    if (got == 0) throw core::NetError(UV_EOF, "closed with requests in flight");
    while (!in.empty()) {
      parser.expect_head_response(head);
      const auto p = parser.feed(in.readable());
      if (p.state == wire::http::ParseState::error) {
        throw ParseFailure(std::string(parser.error_message()));
      }
      in.consume(p.consumed);
      if (p.state != wire::http::ParseState::complete) break;
      const int status = parser.take().status;
      if (s->in_flight.empty()) throw ParseFailure("a response nobody asked for");
      w->record(s->in_flight.front(), Clock::now(), status);
      s->in_flight.pop_front();
      if (!parser.keep_alive()) {
        s->forget_in_flight(plan);
        co_return false;
      }
    }
  }
}

}  // namespace

core::Task<void> http_connection(WorkerContext* w, int index) {
  const Plan& plan = w->plan;
  const Options& o = plan.options;
  Sender s;
  s.index = index;
  s.quota = plan.quota(index);
  s.next_send = plan.first_send(index);
  const auto timeout = duration_cast<core::Duration>(o.timeout);
  while (Clock::now() < plan.end) {
    std::uint64_t ErrorCounts::*failed = nullptr;
    bool done = false;
    bool cancelled = false;
    core::TcpStream stream;
    try {
      stream = co_await core::tcp_connect(o.host, o.port, timeout);
      stream.set_nodelay(true);
    } catch (const core::Cancelled&) {
      cancelled = true;
    } catch (const std::exception&) {
      failed = &ErrorCounts::connect;
    }
    if (stream.is_open()) {
      try {
        done = co_await session(w, &s, &stream);
      } catch (const core::Cancelled&) {
        cancelled = true;
      } catch (const core::TimeoutError&) {
        failed = &ErrorCounts::timeout;
      } catch (const ParseFailure&) {
        failed = &ErrorCounts::parse;
      } catch (const std::exception&) {
        failed = &ErrorCounts::reset;
      }
      s.forget_in_flight(plan);
    }
    if (done || cancelled) break;
    if (failed) w->record_error(failed);
    if (failed == &ErrorCounts::connect) {
      try {
        co_await core::sleep(100ms);  // a refused connect is not retried in a tight loop
      } catch (const core::Cancelled&) {
        break;
      }
    }
  }
  --w->running;
  w->finished.notify_all();
}

}  // namespace loadgen
