#include "services/broker/settings.hpp"

#include <cstdlib>

#include "wire/url/url.hpp"

namespace broker {

namespace {
std::string trimmed(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// host:port from the variable `name` (default `fallback`) into host and port.
void read_address(core::config::Env& env, const char* name, const char* fallback, std::string& host,
                  int& port) {
  std::string addr = env.str(name, fallback);
  auto colon = addr.rfind(':');
  int p = 0;
  if (colon != std::string::npos) p = std::atoi(addr.c_str() + colon + 1);
  if (colon == std::string::npos || colon == 0 || p <= 0 || p > 65535) {
    env.fail(std::string(name) + " must be host:port, got \"" + addr + "\"");
    return;
  }
  host = addr.substr(0, colon);
  port = p;
}
}  // namespace

Settings read_settings(core::service::App& app) {
  auto& env = app.env();
  Settings s;
  s.auth_url = trimmed(env.url("AUTH_URL", "http://127.0.0.1:8082"));
  s.logger_url = trimmed(env.url("LOGGER_URL", "http://127.0.0.1:8083"));
  s.mail_url = trimmed(env.url("MAIL_URL", "http://127.0.0.1:8084"));
  read_address(env, "LOGGER_RPC_ADDR", "127.0.0.1:5001", s.rpc_host, s.rpc_port);
  read_address(env, "LOGGER_GRPC_ADDR", "127.0.0.1:50001", s.grpc_host, s.grpc_port);
  s.rpc_codec = env.one_of("LOGGER_RPC_CODEC", "gob", {"gob", "json"});
  s.rabbit_url = env.str("RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/");
  if (!core::amqp::parse_amqp_url(s.rabbit_url)) {
    env.fail("RABBIT_URL must be amqp://user:pass@host:port/vhost, got \"" +
             wire::redact_url(s.rabbit_url) + "\"");
  }
  s.internal_token = app.limits().downstream_token;
  s.timeout = app.limits().downstream_timeout;
  // The listener declares the same queues with it: both must agree or RabbitMQ refuses one.
  s.delivery_limit =
      env.integer("AMQP_DELIVERY_LIMIT", wire::amqp::kDefaultDeliveryLimit, 1, 1000);
  return s;
}

namespace {
core::rpc::ClientOptions rpc_options(const Settings& s) {
  core::rpc::ClientOptions o;
  o.host = s.rpc_host;
  o.port = s.rpc_port;
  o.codec = *wire::rpc::parse_codec(s.rpc_codec);
  o.call_timeout = s.timeout;
  return o;
}

core::grpc::ClientOptions grpc_options(const Settings& s) {
  core::grpc::ClientOptions o;
  o.host = s.grpc_host;
  o.port = s.grpc_port;
  o.token = s.internal_token;
  o.call_timeout = s.timeout;
  return o;
}

core::amqp::ConnectionOptions amqp_options(const Settings& s) {
  core::amqp::ConnectionOptions o;
  if (auto url = core::amqp::parse_amqp_url(s.rabbit_url)) o.url = *url;
  o.name = "broker";
  o.topology = wire::amqp::shared_topology({"", s.delivery_limit});
  return o;
}
}  // namespace

State::State(const Settings& s)
    : settings(s),
      rpc(rpc_options(s)),
      grpc(grpc_options(s)),
      amqp(amqp_options(s)),
      authenticate_url(core::http::HttpUrl::parse(s.auth_url + "/authenticate")),
      log_url(core::http::HttpUrl::parse(s.logger_url + "/log")),
      send_url(core::http::HttpUrl::parse(s.mail_url + "/send")) {}

wire::http::Headers State::headers_for(const std::string& request_id) const {
  wire::http::Headers h{{"X-Request-ID", request_id}};
  if (!settings.internal_token.empty()) h.push_back({"Authorization", "Bearer " + settings.internal_token});
  return h;
}

}  // namespace broker
