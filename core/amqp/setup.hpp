#pragma once
// The blocking steps of a connection, run on a pool thread, never on a loop: TCP connect,
// login, channel open, confirm.select, declares, basic.qos, basic.consume. Each RPC is bounded
// by what is left of one deadline.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/amqp/url.hpp"
#include "core/amqp/wrappers.hpp"
#include "wire/amqp/topology.hpp"

namespace core::amqp::detail {

/// The channel our publisher uses (confirm mode); consumers get 2, 3, ...
inline constexpr std::uint16_t kPublishChannel = 1;

/// A consumer to (re)establish during set-up.
struct ConsumerSpec {
  std::uint16_t channel = 0;
  std::string queue;
  std::uint16_t prefetch = 0;
  std::string tag;
};

struct SetupRequest {
  AmqpUrl url;
  std::string connection_name;
  int heartbeat_seconds = 30;
  std::chrono::milliseconds timeout{5000};
  wire::amqp::Topology topology;
  std::vector<ConsumerSpec> consumers;
};

struct Negotiated {
  int heartbeat_seconds = 0;  ///< what the broker agreed to; 0 = none
  std::uint32_t frame_max = 0;
  int channel_max = 0;
};

struct SetupResult {
  ConnectionPtr conn;
  Negotiated negotiated;
  /// Consumers the broker refused (channel-level error, e.g. no such queue): channel, reason.
  /// The connection is fine without them; they are retried later.
  std::vector<std::pair<std::uint16_t, std::string>> failed_consumers;
};

/// A steady-clock deadline handing out what is left of it as a timeval for librabbitmq.
class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds timeout)
      : at_(std::chrono::steady_clock::now() + timeout) {}
  /// Throws ConnectionError naming `what` once the deadline has passed.
  struct timeval remaining(const char* what) const;

 private:
  std::chrono::steady_clock::time_point at_;
};

/// Opens socket + logs in; the library's own heartbeat handling is switched off afterwards
/// (the transport sends and checks heartbeats on the loop).
SetupResult open_connection(const SetupRequest& request, const Deadline& deadline);

/// Everything of SetupRequest, in order. Throws ConnectionError / ServerError.
SetupResult setup_connection(const SetupRequest& request);

/// Declares exchanges, queues and bindings on an open channel.
void declare_blocking(amqp_connection_state_t conn, std::uint16_t channel,
                      const wire::amqp::Topology& topology, const Deadline& deadline);

void open_channel_blocking(amqp_connection_state_t conn, std::uint16_t channel,
                           const Deadline& deadline);

}  // namespace core::amqp::detail
