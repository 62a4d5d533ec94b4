#include "bench/loadgen/call_slot.hpp"

#include "core/runtime/timer.hpp"

namespace loadgen {

using namespace std::chrono_literals;

core::Task<void> call_slot(WorkerContext* w, CallTarget* target, int index) {
  const Plan& plan = w->plan;
  const bool open_loop = plan.interval.count() > 0;
  const std::uint64_t quota = plan.quota(index);
  std::uint64_t measured_sent = 0;
  Clock::time_point next_send = plan.first_send(index);
  while (true) {
    const auto now = Clock::now();
    if (now >= plan.end || (quota != 0 && measured_sent >= quota)) break;
    const auto intended = open_loop ? next_send : now;
    bool cancelled = false;
    if (intended > now) {
      try {
        co_await core::sleep(std::chrono::duration_cast<core::Duration>(intended - now));
      } catch (const core::Cancelled&) {
        cancelled = true;
      }
      if (cancelled) break;
      continue;
    }
    if (open_loop) next_send += plan.interval;
    const bool measured = intended >= plan.measure_from;
    if (measured) ++measured_sent;
    std::uint64_t ErrorCounts::*failed = nullptr;
    int status = kRpcOk;
    try {
      status = co_await target->call(w->take_counter());
    } catch (const core::Cancelled&) {
      cancelled = true;
    } catch (const CallFailed& e) {
      failed = e.kind;
    } catch (const std::exception&) {
      failed = &ErrorCounts::reset;
    }
    if (cancelled) break;
    if (!failed) {
      w->record(intended, Clock::now(), status);
      continue;
    }
    w->record_error(failed);
    if (measured) --measured_sent;  // sent again in --requests mode: the quota counts answers
    if (failed == &ErrorCounts::connect) {
      try {
        co_await core::sleep(100ms);  // not retried in a tight loop
      } catch (const core::Cancelled&) {
        cancelled = true;
      }
      if (cancelled) break;
    }
  }
  --w->running;
  w->finished.notify_all();
}

}  // namespace loadgen
