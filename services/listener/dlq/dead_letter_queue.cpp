#include "services/listener/dlq/dead_letter_queue.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/amqp/connection.hpp"
#include "core/amqp/declare.hpp"
#include "core/runtime/wait_list.hpp"
#include "core/runtime/thread_pool.hpp"

namespace listener::dlq {

namespace {

using core::amqp::Delivery;
using core::amqp::Outcome;

// basic.qos takes a 16-bit prefetch: one pass sees at most this many deliveries.
constexpr std::size_t kMaxPass = 65535;

core::ThreadPool& admin_pool() {
  static core::ThreadPool pool("dlq", 1, 16);
  return pool;
}

wire::amqp::Topology topology_of(const QueueOptions& o) {
  return wire::amqp::shared_topology({o.prefix, o.delivery_limit});
}

// One pass over the dead queue: each of the first `want` deliveries is replayed (then acked)
// or held unacked until the pass ends and given back then.
struct Pass {
  wire::amqp::Names names;
  std::size_t want = 0;
  std::size_t seen = 0;
  bool replay = false;
  std::optional<std::string> id;  // replay: only this message_id; nullopt: every one
  core::amqp::Publisher* publisher = nullptr;
  core::Duration timeout{0};
  core::WaitList arrived;  // notified on every delivery
  bool release = false;                  // the pass is over: held deliveries go back
  core::WaitList released;
  std::vector<DeadLetter> listed;
  Replay result;
};

// Bounded by the consumer's stop: the pass releases before it stops the consumer, and a
// handler still waiting when the grace is over is cancelled (and its delivery given back).
core::Task<void> hold(Pass* pass) {
  while (!pass->release) co_await pass->released.wait();
}

core::Task<void> all_arrived(Pass* pass) {
  while (pass->seen < pass->want) co_await pass->arrived.wait();
}

bool to_replay(const Pass& pass, const Delivery& d, std::size_t position) {
  return pass.replay && position <= pass.want && (!pass.id || *pass.id == d.message_id);
}

core::Task<Outcome> on_dead_letter(Pass* pass, Delivery& d) {
  const std::size_t position = ++pass->seen;
  pass->arrived.notify_all();
  DeadLetter letter = describe(d, pass->names);
  if (to_replay(*pass, d, position)) {
    std::string error;
    try {
      co_await core::with_timeout(
          pass->publisher->publish(pass->names.exchange, d.routing_key, d.body,
                                   replay_properties(d.properties), /*mandatory=*/true),
          pass->timeout);
      pass->result.replayed.push_back(std::move(letter));
      co_return Outcome::ack;  // only now: the republished copy is confirmed
    } catch (const core::Cancelled&) {
      throw;
    } catch (const std::exception& e) {
      error = e.what();
    }
    pass->result.failed.emplace_back(std::move(letter), std::move(error));
  } else if (!pass->replay && position <= pass->want) {
    pass->listed.push_back(std::move(letter));
  }
  // Held, not requeued at once: a delivery given back while the consumer still runs would
  // come straight back to it.
  co_await hold(pass);
  co_return Outcome::requeue;
}

core::Task<void> run_pass(QueueOptions o, Pass* pass) {
  core::amqp::ConnectionOptions co;
  co.url = o.url;
  co.name = "dlq";
  co.topology = topology_of(o);
  core::amqp::Connection conn(co);
  conn.start();
  bool opened = true;
  try {
    co_await conn.wait_open(o.timeout);
  } catch (const core::TimeoutError&) {
    opened = false;
  }
  if (!opened) {
    throw std::runtime_error(fmt::format("RabbitMQ at {} not reachable: {}", o.url.redacted(),
                                         conn.last_error()));
  }
  pass->publisher = &conn.publisher();
  pass->timeout = o.timeout;
  const auto prefetch = static_cast<std::uint16_t>(pass->want);
  conn.consume(
      pass->names.dead_queue, prefetch,
      [pass](Delivery& d) { return on_dead_letter(pass, d); }, prefetch);
  // Until every delivery wanted arrived (fewer when another client took some meanwhile).
  try {
    co_await core::with_timeout(all_arrived(pass), o.timeout);
  } catch (const core::TimeoutError&) {
  }
  pass->release = true;
  pass->released.notify_all();  // they resume after basic.cancel went out, below
  // basic.cancel, then the held deliveries go back, then running replays finish and ack.
  co_await conn.close(o.timeout);
}

// RabbitMQ takes given-back deliveries into the queue asynchronously, after channel.close-ok:
// wait (briefly) until they show again, so that what runs next sees the queue as it was.
core::Task<void> wait_returned(QueueOptions o, std::string queue, std::uint32_t expected) {
  const auto deadline = std::chrono::steady_clock::now() + std::min(o.timeout, core::Duration(5000));
  while (co_await core::amqp::queue_depth(o.url, queue, admin_pool(), o.timeout) < expected &&
         std::chrono::steady_clock::now() < deadline) {
    co_await core::sleep(core::Duration(20));
  }
}

}  // namespace

core::Task<std::uint32_t> count_dead_letters(QueueOptions o) {
  const wire::amqp::Names names = wire::amqp::names(o.prefix);
  co_await core::amqp::declare_topology(o.url, topology_of(o), admin_pool(), o.timeout);
  co_return co_await core::amqp::queue_depth(o.url, names.dead_queue, admin_pool(), o.timeout);
}

core::Task<Listing> list_dead_letters(QueueOptions o, std::size_t limit) {
  Listing listing;
  listing.total = co_await count_dead_letters(o);
  Pass pass;
  pass.names = wire::amqp::names(o.prefix);
  pass.want = std::min({static_cast<std::size_t>(listing.total), limit, kMaxPass});
  if (pass.want > 0) {
    co_await run_pass(o, &pass);
    co_await wait_returned(o, pass.names.dead_queue, listing.total);
  }
  listing.letters = std::move(pass.listed);
  co_return listing;
}

core::Task<Replay> replay_dead_letters(QueueOptions o, std::optional<std::string> id) {
  const std::uint32_t total = co_await count_dead_letters(o);
  Pass pass;
  pass.names = wire::amqp::names(o.prefix);
  pass.want = std::min(static_cast<std::size_t>(total), kMaxPass);
  pass.replay = true;
  pass.id = std::move(id);
  if (pass.want > 0) {
    co_await run_pass(o, &pass);
    const auto replayed = static_cast<std::uint32_t>(pass.result.replayed.size());
    co_await wait_returned(o, pass.names.dead_queue, total > replayed ? total - replayed : 0);
  }
  co_return std::move(pass.result);
}

}  // namespace listener::dlq
