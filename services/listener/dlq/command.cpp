#include "services/listener/dlq/command.hpp"

#include <charconv>

namespace listener::dlq {

namespace {

wire::Result<long> positive(const std::string& option, const std::string& text, long max) {
  long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max) {
    return wire::make_error(2, option + " must be an integer from 1 to " + std::to_string(max));
  }
  return n;
}

}  // namespace

const char* usage() {
  return "usage: dlq list   [--limit N] [--prefix P] [--timeout SECONDS]\n"
         "       dlq count  [--prefix P] [--timeout SECONDS]\n"
         "       dlq replay (--id MESSAGE_ID | --all) [--prefix P] [--timeout SECONDS]\n"
         "RABBIT_URL names the broker; AMQP_DELIVERY_LIMIT must match the services'.\n";
}

wire::Result<Command> parse_command(const std::vector<std::string>& args) {
  if (args.empty()) return wire::make_error(2, "missing command");
  Command c;
  if (args[0] == "list") {
    c.verb = Command::Verb::list;
  } else if (args[0] == "count") {
    c.verb = Command::Verb::count;
  } else if (args[0] == "replay") {
    c.verb = Command::Verb::replay;
  } else {
    return wire::make_error(2, "unknown command \"" + args[0] + "\"");
  }
  bool all = false;
  bool limited = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--all") {
      all = true;
      continue;
    }
    if (a != "--limit" && a != "--id" && a != "--prefix" && a != "--timeout") {
      return wire::make_error(2, "unknown option \"" + a + "\"");
    }
    if (i + 1 >= args.size()) return wire::make_error(2, a + " needs a value");
    const std::string& value = args[++i];
    if (a == "--limit") {
      auto n = positive(a, value, 65535);
      if (!n) return n.error();
      c.limit = static_cast<std::size_t>(n.value());
      limited = true;
    } else if (a == "--timeout") {
      auto n = positive(a, value, 3600);
      if (!n) return n.error();
      c.timeout_seconds = static_cast<int>(n.value());
    } else if (a == "--id") {
      if (value.empty()) return wire::make_error(2, "--id must not be empty");
      c.id = value;
    } else {
      c.prefix = value;
    }
  }
  if (c.verb == Command::Verb::replay && all == c.id.has_value()) {
    return wire::make_error(2, "replay needs exactly one of --id MESSAGE_ID and --all");
  }
  if (c.verb != Command::Verb::replay && (all || c.id)) {
    return wire::make_error(2, "--id and --all go with replay only");
  }
  if (c.verb != Command::Verb::list && limited) {
    return wire::make_error(2, "--limit goes with list only");
  }
  return c;
}

}  // namespace listener::dlq
