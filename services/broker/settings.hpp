#pragma once
// The broker's configuration (environment) and per-worker state.
#include <string>

#include "core/http/client.hpp"
#include "core/amqp/connection.hpp"
#include "core/grpc/client.hpp"
#include "core/rpc/client.hpp"
#include "core/service/app.hpp"
#include "services/broker/downstream.hpp"

namespace broker {

struct Settings {
  std::string auth_url;       // AUTH_URL
  std::string logger_url;     // LOGGER_URL
  std::string mail_url;       // MAIL_URL
  std::string rpc_host;       // LOGGER_RPC_ADDR host:port
  int rpc_port = 5001;
  std::string rpc_codec;      // LOGGER_RPC_CODEC gob|json
  std::string grpc_host;      // LOGGER_GRPC_ADDR host:port
  int grpc_port = 50001;
  std::string rabbit_url;     // RABBIT_URL
  std::string internal_token; // DOWNSTREAM_TOKEN (default INTERNAL_TOKEN), sent to auth/logger/mail
  core::Duration timeout;     // DOWNSTREAM_TIMEOUT
  int delivery_limit = 5;     // AMQP_DELIVERY_LIMIT: the quorum queues' x-delivery-limit
};

Settings read_settings(core::service::App& app);

/// What one worker uses to reach the other services.
struct State {
  explicit State(const Settings& s);
  Settings settings;
  core::http::Client http;
  core::rpc::Client rpc;  // pooled, multiplexed connections to the logger's RPC port
  core::grpc::Client grpc;  // one multiplexed h2c connection to the logger's gRPC port
  core::amqp::Connection amqp;  // publishes with confirms; declares the shared topology
  Downstream rabbit{"RabbitMQ", core::service::CircuitBreaker("RabbitMQ")};
  Downstream auth{"auth", core::service::CircuitBreaker("auth")};
  Downstream logger{"logger", core::service::CircuitBreaker("logger")};
  // Another port of the same service, which can be down on its own: a breaker of its own.
  Downstream logger_grpc{"logger", core::service::CircuitBreaker("logger-grpc")};
  Downstream mail{"mail", core::service::CircuitBreaker("mail")};
  core::http::HttpUrl authenticate_url;
  core::http::HttpUrl log_url;
  core::http::HttpUrl send_url;

  /// X-Request-ID and, when configured, the internal bearer token.
  wire::http::Headers headers_for(const std::string& request_id) const;
};

}  // namespace broker
