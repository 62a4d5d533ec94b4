// dlq: counts, lists and replays the listener's dead letters (scripts/dlq is the way in).
#include <cstdio>
#include <string>
#include <vector>

#include "core/amqp/url.hpp"
#include "core/config/env.hpp"
#include "core/log/log.hpp"
#include "core/runtime/run.hpp"
#include "services/listener/dlq/command.hpp"
#include "services/listener/dlq/dead_letter_queue.hpp"

namespace {

using listener::dlq::Command;

core::Task<int> run(Command c, listener::dlq::QueueOptions o) {
  switch (c.verb) {
    case Command::Verb::count:
      std::printf("%u\n", co_await listener::dlq::count_dead_letters(o));
      co_return 0;
    case Command::Verb::list: {
      auto listing = co_await listener::dlq::list_dead_letters(o, c.limit);
      for (const auto& letter : listing.letters) {
        std::printf("%s\n", listener::dlq::format_line(letter).c_str());
      }
      std::printf("%u dead letters (%zu shown)\n", listing.total, listing.letters.size());
      co_return 0;
    }
    case Command::Verb::replay: {
      auto replay = co_await listener::dlq::replay_dead_letters(o, c.id);
      for (const auto& letter : replay.replayed) {
        std::printf("replayed %s  %s\n", letter.message_id.c_str(), letter.routing_key.c_str());
      }
      for (const auto& [letter, why] : replay.failed) {
        std::fprintf(stderr, "not replayed %s  %s: %s\n", letter.message_id.c_str(),
                     letter.routing_key.c_str(), why.c_str());
      }
      std::printf("%zu replayed, %zu failed\n", replay.replayed.size(), replay.failed.size());
      if (c.id && replay.replayed.empty() && replay.failed.empty()) {
        std::fprintf(stderr, "no dead letter with message_id %s\n", c.id->c_str());
        co_return 1;
      }
      co_return replay.failed.empty() ? 0 : 1;
    }
  }
  co_return 2;
}

}  // namespace

int main(int argc, char** argv) {
  auto command = listener::dlq::parse_command(std::vector<std::string>(argv + 1, argv + argc));
  if (!command) {
    std::fprintf(stderr, "dlq: %s\n%s", command.error().message.c_str(), listener::dlq::usage());
    return 2;
  }
  core::config::Env env;
  // The driver's connection notes would mix into the output: warnings and errors only.
  core::log::set_level(core::log::parse_level(env.str("LOG_LEVEL", "warn"), core::log::Level::warn));
  core::log::set_service("dlq");
  const std::string url = env.str("RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/");
  listener::dlq::QueueOptions o;
  o.prefix = command->prefix;
  o.timeout = std::chrono::seconds(command->timeout_seconds);
  o.delivery_limit = env.integer("AMQP_DELIVERY_LIMIT", wire::amqp::kDefaultDeliveryLimit, 1, 1000);
  auto parsed = core::amqp::parse_amqp_url(url);
  if (!parsed) env.fail("RABBIT_URL must be amqp://user:pass@host:port/vhost");
  core::config::exit_if_invalid(env);
  o.url = *parsed;
  try {
    return core::run_sync(run(std::move(command).value(), o));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dlq: %s\n", e.what());
    return 1;
  }
}
