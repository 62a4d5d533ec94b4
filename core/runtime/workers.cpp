#include "core/runtime/workers.hpp"

#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

#include "core/log/log.hpp"
#include "core/runtime/spawn.hpp"

namespace core {

namespace {
thread_local Worker* tls_worker = nullptr;

Task<void> drain_then_stop(Worker* w, Duration grace) {
  co_await w->drain(grace);
}
}  // namespace

Worker& current_worker() {
  if (!tls_worker) throw std::logic_error("not on a worker thread");
  return *tls_worker;
}

Task<void> Worker::drain(Duration grace) {
  if (draining_) co_return;
  draining_ = true;
  auto started = std::chrono::steady_clock::now();
  for (auto& hook : drain_hooks_) {
    auto spent = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started);
    Duration left = grace > spent ? grace - spent : Duration{1};
    try {
      co_await with_timeout(hook(), left);
    } catch (const TimeoutError&) {
      log::warn("worker {}: drain grace period over, cancelling what is left", index_);
    } catch (const std::exception& e) {
      log::error("worker {}: drain step failed: {}", index_, e.what());
    }
  }
  shutdown_.cancel();
  // One more turn so that cancelled tasks unwind before the loop stops.
  co_await yield();
  loop_.stop();
}

int resolve_worker_count(int requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

int run_workers(const WorkerOptions& options, std::function<void(Worker&)> setup) {
  std::signal(SIGPIPE, SIG_IGN);
  int n = resolve_worker_count(options.workers);
  Loop main_loop;
  std::vector<Loop*> loops(static_cast<std::size_t>(n), nullptr);
  std::vector<Worker*> workers(static_cast<std::size_t>(n), nullptr);
  std::vector<std::thread> threads;
  std::mutex mu;
  std::condition_variable ready_cv;
  int ready = 0;
  int failed = 0;
  int finished = 0;

  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      Loop loop;
      Worker worker(i, loop);
      tls_worker = &worker;
      bool ok = true;
      try {
        setup(worker);
      } catch (const std::exception& e) {
        log::error("worker {} failed to start: {}", i, e.what());
        ok = false;
      }
      {
        std::lock_guard lock(mu);
        loops[static_cast<std::size_t>(i)] = &loop;
        workers[static_cast<std::size_t>(i)] = &worker;
        ++ready;
        if (!ok) ++failed;
      }
      ready_cv.notify_all();
      if (ok) loop.run();
      tls_worker = nullptr;
      std::lock_guard lock(mu);  // nobody may post to this loop from now on
      loops[static_cast<std::size_t>(i)] = nullptr;
      main_loop.post([&] {
        if (++finished == n) main_loop.stop();
      });
    });
  }
  {
    std::unique_lock lock(mu);
    ready_cv.wait(lock, [&] { return ready == n; });
  }

  auto drain_all = [&] {
    std::lock_guard lock(mu);
    for (int i = 0; i < n; ++i) {
      Loop* l = loops[static_cast<std::size_t>(i)];
      Worker* w = workers[static_cast<std::size_t>(i)];
      if (l && w) l->post([w, grace = options.drain_grace] { spawn(drain_then_stop(w, grace)); });
    }
  };

  struct SignalCtx {
    std::function<void()> drain;
    int count = 0;
  } ctx{drain_all};
  uv_signal_t* signals[2] = {new_handle<uv_signal_t>(), new_handle<uv_signal_t>()};
  int numbers[2] = {SIGTERM, SIGINT};
  for (int k = 0; k < 2; ++k) {
    uv_signal_init(main_loop.uv(), signals[k]);
    signals[k]->data = &ctx;
    uv_signal_start(
        signals[k],
        [](uv_signal_t* s, int signum) {
          auto* c = static_cast<SignalCtx*>(s->data);
          if (++c->count > 1) {
            log::warn("second signal {}: exiting now", signum);
            std::_Exit(1);
          }
          log::info("signal {}: draining", signum);
          c->drain();
        },
        numbers[k]);
  }
  if (failed > 0) drain_all();
  main_loop.run();  // until every worker has finished
  for (auto& t : threads) t.join();
  for (auto* s : signals) close_handle(s);
  return failed > 0 ? 1 : 0;
}

}  // namespace core
