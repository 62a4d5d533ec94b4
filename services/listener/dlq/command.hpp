#pragma once
// The command line of the dlq tool (scripts/dlq runs it with the profile's environment):
//   dlq list   [--limit N] [--prefix P] [--timeout SECONDS]
//   dlq count  [--prefix P] [--timeout SECONDS]
//   dlq replay (--id MESSAGE_ID | --all) [--prefix P] [--timeout SECONDS]
#include <optional>
#include <string>
#include <vector>

#include "wire/result.hpp"

namespace listener::dlq {

struct Command {
  enum class Verb { list, count, replay } verb = Verb::list;
  std::size_t limit = 100;        ///< list: how many to show
  std::optional<std::string> id;  ///< replay: this message_id only; nullopt with --all
  std::string prefix;             ///< topology name prefix (tests)
  int timeout_seconds = 30;
};

/// args without the program name. Errors say what is wrong, for a usage message.
wire::Result<Command> parse_command(const std::vector<std::string>& args);

/// The usage text.
const char* usage();

}  // namespace listener::dlq
