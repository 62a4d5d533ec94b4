// The broker's auth action against a fake auth service on 127.0.0.1: it names the client in
// X-Forwarded-For (auth's failed-login throttle is per client) and relays a 429 with its
// Retry-After.
#include <gtest/gtest.h>

#include "core/http/json_io.hpp"
#include "services/broker/actions.hpp"
#include "services/broker/settings.hpp"
#include "tests/core/http/http_test_support.hpp"
#include "tests/support/coro_test.hpp"

namespace broker {
namespace {

using namespace std::chrono_literals;
using core::http::testing::local_options;
using core::http::testing::start_server;
using core::http::testing::stop_server;

std::string seen_forwarded_for;

core::Task<core::http::Response> throttled(core::http::Context& ctx) {
  const std::string* xff = ctx.request.header("X-Forwarded-For");
  seen_forwarded_for = xff ? *xff : "(none)";
  auto r = core::http::error_json(429, "too many failed logins, retry later");
  r.headers.push_back({"Retry-After", "30"});
  co_return r;
}

CORO_TEST(BrokerAuth, NamesTheClientAndRelaysTheLoginThrottle) {
  core::http::Router routes;
  routes.add("POST", "/authenticate", throttled);
  auto server = start_server(local_options(), std::move(routes));
  {
    Settings s;
    s.auth_url = "http://127.0.0.1:" + std::to_string(server->port());
    s.logger_url = s.mail_url = s.auth_url;
    s.rabbit_url = "amqp://guest:guest@127.0.0.1:1/";
    s.timeout = 2s;
    State state(s);
    core::http::Response r =
        co_await authenticate(&state, {"a@example.com", "x"}, "req-1", "203.0.113.7");
    EXPECT_EQ(r.status, 429);
    const std::string* retry = wire::http::find_header(r.headers, "Retry-After");
    EXPECT_TRUE(retry && *retry == "30");
    EXPECT_EQ(seen_forwarded_for, "203.0.113.7");
  }
  co_await stop_server(server.get());
}

}  // namespace
}  // namespace broker
