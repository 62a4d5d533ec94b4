#include "services/listener/queue_depths.hpp"

#include <string>
#include <vector>

#include "core/amqp/declare.hpp"
#include "core/log/log.hpp"
#include "core/metrics/registry.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/runtime/workers.hpp"

namespace listener {

namespace {

core::ThreadPool& depth_pool() {
  static core::ThreadPool pool("queue_depth", 1, 8);
  return pool;
}

struct Watched {
  std::string queue;
  core::metrics::Gauge* ready;
};

}  // namespace

core::Task<void> watch_queue_depths(core::amqp::AmqpUrl url, wire::amqp::Names names,
                                    core::Duration every) {
  auto& r = core::metrics::registry();
  auto& errors = r.counter("amqp_queue_depth_errors_total", "Failed reads of a queue's depth");
  std::vector<Watched> watched;
  for (const std::string* q : {&names.logs_queue, &names.mail_queue, &names.dead_queue}) {
    watched.push_back(
        {*q, &r.gauge("amqp_queue_messages_ready", "Messages ready in a queue, not yet delivered",
                      {{"queue", *q}})});
  }
  while (!core::current_worker().draining()) {
    for (Watched& w : watched) {
      try {
        std::uint32_t depth = co_await core::amqp::queue_depth(url, w.queue, depth_pool());
        w.ready->set(depth);
      } catch (const core::Cancelled&) {
        throw;
      } catch (const std::exception& e) {
        errors.inc();
        core::log::debug("depth of {}: {}", w.queue, e.what());
      }
    }
    co_await core::sleep(every);
  }
}

}  // namespace listener
