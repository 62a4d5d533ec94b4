#include "bench/loadgen/load_run.hpp"

#include <memory>
#include <thread>
#include <vector>

#include "bench/loadgen/amqp_target.hpp"
#include "bench/loadgen/http_connection.hpp"
#include "bench/loadgen/rpc_target.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"

namespace loadgen {

namespace {

using namespace std::chrono_literals;

// Cancels `stop` at the end of the plan (the senders then unwind); ends early when its own
// token is cancelled. Sets *done last.
core::Task<void> end_timer(WorkerContext* w, core::CancelToken* stop, bool* done) {
  try {
    const auto left = w->plan.end - Clock::now();
    co_await core::sleep(std::chrono::duration_cast<core::Duration>(left) + 1ms);
  } catch (const core::Cancelled&) {
  }
  stop->cancel();
  *done = true;
  w->finished.notify_all();
}

core::Task<void> run_thread(WorkerContext* w, int thread, int threads) {
  const Options& o = w->plan.options;
  core::CancelToken stop;
  core::CancelToken timer_stop;
  bool timer_done = false;
  core::spawn(end_timer(w, &stop, &timer_done), &timer_stop, "end timer");
  int mine = 0;
  for (int c = thread; c < o.connections; c += threads) ++mine;
  // HTTP: one coroutine per connection. RPC: one client holding this thread's connections.
  // AMQP: one connection each. Both of the latter get `depth` call slots per connection.
  std::vector<std::unique_ptr<CallTarget>> targets;
  if (o.protocol == Protocol::rpc) targets.push_back(std::make_unique<RpcTarget>(w->plan, mine));
  for (int c = thread; c < o.connections; c += threads) {
    if (o.protocol == Protocol::http) {
      ++w->running;
      core::spawn(http_connection(w, c), &stop, "http connection");
      continue;
    }
    if (o.protocol == Protocol::amqp) targets.push_back(std::make_unique<AmqpTarget>(w->plan));
    for (int k = 0; k < o.depth; ++k) {
      ++w->running;
      core::spawn(call_slot(w, targets.back().get(), c * o.depth + k), &stop, "call slot");
    }
  }
  // Every sender finishes (its share done, or the end timer cancelled it); then the timer
  // goes too, so nothing of this thread outlives its loop.
  while (w->running > 0) co_await w->finished.wait_uncancellable();
  timer_stop.cancel();
  while (!timer_done) co_await w->finished.wait_uncancellable();
  for (auto& t : targets) co_await t->close();
  targets.clear();
  co_await core::yield();  // lets closing handles finish before the loop goes
}

}  // namespace

RunResult run_load(const Options& o, const std::function<void(const Progress&)>& on_progress) {
  const int threads = o.threads;
  std::vector<std::unique_ptr<ThreadStats>> stats;
  for (int t = 0; t < threads; ++t) stats.push_back(std::make_unique<ThreadStats>());
  const Plan plan(o, Clock::now());
  std::atomic<int> finished{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      WorkerContext w{plan, *stats[static_cast<std::size_t>(t)], static_cast<std::uint64_t>(t),
                      static_cast<std::uint64_t>(threads)};
      try {
        core::run_sync(run_thread(&w, t, threads));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "loadgen: thread %d: %s\n", t, e.what());
      }
      finished.fetch_add(1);
    });
  }
  auto last_tick = Clock::now();
  std::uint64_t last_answered = 0;
  while (finished.load() < threads) {
    std::this_thread::sleep_for(50ms);
    const auto now = Clock::now();
    if (!on_progress || now - last_tick < 1s) continue;
    Progress p;
    p.elapsed = std::chrono::duration<double>(now - plan.start).count();
    p.warming_up = now < plan.measure_from;
    for (const auto& s : stats) {
      p.answered += s->live_answered.load(std::memory_order_relaxed);
      p.errors += s->live_errors.load(std::memory_order_relaxed);
    }
    p.rate = static_cast<double>(p.answered - last_answered) /
             std::chrono::duration<double>(now - last_tick).count();
    last_tick = now;
    last_answered = p.answered;
    on_progress(p);
  }
  for (auto& t : workers) t.join();
  RunResult r;
  Clock::time_point last{};
  for (const auto& s : stats) {
    r.add(*s);
    last = std::max(last, s->last_answer);
  }
  if (o.requests) {
    r.seconds = last > plan.measure_from ? std::chrono::duration<double>(last - plan.measure_from).count() : 0;
  } else {
    r.seconds = std::chrono::duration<double>(plan.end - plan.measure_from).count();
  }
  return r;
}

}  // namespace loadgen
