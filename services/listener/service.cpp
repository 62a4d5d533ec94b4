#include "services/listener/service.hpp"

#include <atomic>
#include <memory>
#include <vector>

#include "core/runtime/spawn.hpp"
#include "services/listener/queue_depths.hpp"
#include "services/listener/subscriptions.hpp"

namespace listener {

namespace {

using namespace std::chrono_literals;

// Whether each worker consumes both queues. /readyz runs on whichever worker took the probe,
// and a worker's connection may be read only on that worker's loop, so every worker copies
// its own state here a few times a second.
class ConsumingWorkers {
 public:
  explicit ConsumingWorkers(int workers) : flags_(static_cast<std::size_t>(workers)) {}
  void set(int worker, bool consuming) noexcept {
    flags_[static_cast<std::size_t>(worker)].store(consuming, std::memory_order_relaxed);
  }
  bool all() const noexcept {
    for (const auto& f : flags_) {
      if (!f.load(std::memory_order_relaxed)) return false;
    }
    return true;
  }

 private:
  std::vector<std::atomic<bool>> flags_;
};

core::Task<void> report_consuming(std::shared_ptr<Subscriptions> subscriptions,
                                  std::shared_ptr<ConsumingWorkers> board, int worker) {
  while (!core::current_worker().draining()) {
    board->set(worker, subscriptions->ready());
    co_await core::sleep(200ms);
  }
  board->set(worker, false);
}

core::Task<bool> all_consuming(std::shared_ptr<ConsumingWorkers> board) { co_return board->all(); }

core::Task<void> drain(std::shared_ptr<Subscriptions> subscriptions,
                       std::shared_ptr<ConsumingWorkers> board, int worker, core::Duration grace) {
  board->set(worker, false);
  co_await subscriptions->stop(grace);
}

// What the consumers get of DRAIN_GRACE: closing the channels and the connection afterwards
// takes up to a couple of seconds more, and the worker stops its loop when the grace is over.
core::Duration consumer_grace(core::Duration drain_grace) {
  return drain_grace > 4s ? drain_grace - 2s : drain_grace / 2;
}

SubscriptionOptions subscription_options(const Settings& s) {
  SubscriptionOptions o;
  o.url = core::amqp::parse_amqp_url(s.rabbit_url).value_or(core::amqp::AmqpUrl{});
  o.delivery_limit = s.delivery_limit;
  o.prefetch = s.prefetch;
  o.concurrency = s.concurrency;
  o.relay.logger_url = s.logger_url;
  o.relay.mail_url = s.mail_url;
  o.relay.internal_token = s.internal_token;
  o.relay.timeout = s.timeout;
  return o;
}

}  // namespace

void register_workers(core::service::App& app, const Settings& settings) {
  auto board = std::make_shared<ConsumingWorkers>(app.limits().worker_count());
  app.readiness("rabbitmq", [board]() { return all_consuming(board); });
  const core::Duration grace = consumer_grace(app.limits().drain_grace);
  app.on_worker([board, settings, grace](core::Worker& worker, core::http::Router&) {
    auto subscriptions = std::make_shared<Subscriptions>(subscription_options(settings));
    subscriptions->start();  // keeps retrying while RabbitMQ is down; never exits for it
    const int index = worker.index();
    core::spawn(report_consuming(subscriptions, board, index), &worker.shutdown(),
                "listener readiness");
    if (index == 0) {  // one reader per process is enough: the depths are RabbitMQ's
      const SubscriptionOptions o = subscription_options(settings);
      core::spawn(watch_queue_depths(o.url, wire::amqp::names(o.prefix), 15s), &worker.shutdown(),
                  "listener queue depths");
    }
    worker.on_drain([subscriptions, board, index, grace]() {
      return drain(subscriptions, board, index, grace);
    });
  });
}

}  // namespace listener
