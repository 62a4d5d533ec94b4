#pragma once
// The command line of loadgen, parsed into one Options value (no I/O besides reading
// --body-file). Bad usage throws UsageError with a message naming the option.
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/amqp/url.hpp"
#include "wire/http/headers.hpp"
#include "wire/rpc/codec.hpp"

namespace loadgen {

struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

enum class Protocol { http, rpc, amqp };

struct Options {
  Protocol protocol = Protocol::http;
  std::string url;   ///< as given
  std::string host;  ///< to connect to
  int port = 80;
  // HTTP
  std::string authority;  ///< Host header
  std::string target = "/";
  std::string method;  ///< GET, or POST when a body is given
  wire::http::Headers headers;
  // RPC (rpc://host:port): the logger's RPCServer.LogInfo with {Name, Data = body}
  wire::rpc::Codec codec = wire::rpc::Codec::gob;
  std::string rpc_method = "RPCServer.LogInfo";
  std::string rpc_name = "bench";
  // AMQP (amqp://user:pass@host:port/vhost): publishes with confirms
  core::amqp::AmqpUrl amqp_url;
  std::string exchange = "logs_topic";
  std::string routing_key = "log.INFO";
  std::string amqp_queue;  ///< declared and bound to exchange/routing_key when set

  std::string body;  ///< template text ({{counter}} placeholders); RPC: Data; AMQP: the message
  int connections = 16;
  int threads = 1;
  int depth = 1;      ///< HTTP pipelining depth / RPC calls or publishes in flight per connection
  double rate = 0;    ///< requests per second over all connections; 0 = closed loop
  std::chrono::nanoseconds warmup{0};
  std::chrono::nanoseconds duration{std::chrono::seconds(10)};
  std::uint64_t requests = 0;  ///< measured requests instead of a duration (0 = use duration)
  bool duration_set = false;   ///< -d given: with -n it caps the run (else 10 minutes do)
  std::chrono::nanoseconds timeout{std::chrono::seconds(10)};
  bool json = false;
  bool progress = true;  ///< a live line when stdout is a terminal
};

/// args without the program name. Throws UsageError.
Options parse_options(const std::vector<std::string_view>& args);

/// "10", "10s", "250ms", "2m", "1.5s" -> nanoseconds. Throws UsageError naming `option`.
std::chrono::nanoseconds parse_duration(std::string_view text, std::string_view option);

/// The --help text.
std::string_view usage();

}  // namespace loadgen
