// The broker's downstream calls against a real HTTP server on 127.0.0.1: which answers count
// against the circuit breaker and what the broker answers in their place.
#include "services/broker/downstream.hpp"

#include <gtest/gtest.h>

#include "core/rpc/errors.hpp"
#include "wire/contracts/log_errors.hpp"

#include "core/grpc/methods.hpp"
#include "core/http/json_io.hpp"
#include "tests/core/http/http_test_support.hpp"
#include "tests/support/coro_test.hpp"

namespace broker {
namespace {

using namespace std::chrono_literals;
using core::http::testing::local_options;
using core::http::testing::start_server;
using core::http::testing::stop_server;
using core::http::testing::url_of;

core::Task<core::http::Response> shedding(core::http::Context&) {
  auto r = core::http::error_json(503, "hashing queue full");
  r.headers.push_back({"Retry-After", "1"});
  co_return r;
}
core::Task<core::http::Response> broken(core::http::Context&) {
  co_return core::http::error_json(500, "boom");
}

core::http::Router routes() {
  core::http::Router r;
  r.add("POST", "/shed", shedding);
  r.add("POST", "/broken", broken);
  return r;
}

// Calls `path` `times` times; the last outcome.
core::Task<HttpOutcome> call(core::http::Client* client, Downstream* d, std::string url, int times) {
  HttpOutcome last;
  for (int i = 0; i < times; ++i) {
    last = co_await post_json(client, d, core::http::HttpUrl::parse(url), "{}", {}, 2s);
  }
  co_return last;
}

CORO_TEST(BrokerDownstream, A503WithRetryAfterIsLoadSheddingNotAFailure) {
  auto server = start_server(local_options(), routes());
  core::http::Client client;
  Downstream d{"auth", core::service::CircuitBreaker()};
  HttpOutcome shed = co_await call(&client, &d, url_of(*server, "/shed"), 20);
  EXPECT_TRUE(shed.ok);  // the service's own answer, passed on by the action
  EXPECT_EQ(shed.response.status, 503);
  EXPECT_FALSE(d.breaker.open());

  HttpOutcome failing = co_await call(&client, &d, url_of(*server, "/broken"), 5);
  EXPECT_EQ(failing.response.status, 500);
  EXPECT_TRUE(d.breaker.open());  // five real failures do
  HttpOutcome refused = co_await call(&client, &d, url_of(*server, "/shed"), 1);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.response.status, 503);
  co_await stop_server(server.get());
}

TEST(BrokerDownstream, FailureAnswersNameTheService) {
  auto unavailable = failure_response("logger", Failure::unavailable);
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_NE(unavailable.body.find("logger service unavailable"), std::string::npos);
  EXPECT_EQ(failure_response("mail", Failure::timed_out).status, 504);
  EXPECT_EQ(failure_response("auth", Failure::bad_reply).status, 502);
}

// What the logger's gRPC statuses become (docs/grpc.md, "The broker's gRPC route").
TEST(BrokerDownstream, GrpcStatusesMapToTheSameFailures) {
  using core::grpc::Error;
  using core::grpc::StatusCode;
  auto of = [](StatusCode code) { return classify(std::make_exception_ptr(Error(code, "x"))); };
  EXPECT_EQ(of(StatusCode::unavailable), Failure::unavailable);
  EXPECT_EQ(of(StatusCode::resource_exhausted), Failure::unavailable);
  EXPECT_EQ(of(StatusCode::deadline_exceeded), Failure::timed_out);
  EXPECT_EQ(of(StatusCode::unknown), Failure::bad_reply);
  EXPECT_EQ(of(StatusCode::invalid_argument), Failure::bad_reply);
  EXPECT_EQ(of(StatusCode::unimplemented), Failure::bad_reply);
  EXPECT_EQ(of(StatusCode::internal), Failure::bad_reply);
  EXPECT_EQ(classify(std::make_exception_ptr(core::NetError(UV_ECONNREFUSED, "refused"))), Failure::unavailable);
  EXPECT_EQ(classify(std::make_exception_ptr(core::TimeoutError())), Failure::timed_out);
}

// A Go RPC error reply is only text: the logger's store texts (wire/contracts/log_errors.hpp)
// answer as on the other transports, any other text is an error reply.
TEST(BrokerDownstream, RpcErrorTextsOfTheStoreMapToTheSameFailures) {
  auto of = [](std::string_view text) {
    return classify(std::make_exception_ptr(core::rpc::Error(std::string(text))));
  };
  EXPECT_EQ(of(wire::contracts::kStoreUnavailable), Failure::unavailable);
  EXPECT_EQ(of(wire::contracts::kStoreBusy), Failure::unavailable);
  EXPECT_EQ(of(wire::contracts::kStoreTimedOut), Failure::timed_out);
  EXPECT_EQ(of(wire::contracts::kStoreFailed), Failure::bad_reply);
  EXPECT_EQ(of("missing field: Name"), Failure::bad_reply);
  EXPECT_EQ(of("database unavailable, or not"), Failure::bad_reply);
}

}  // namespace
}  // namespace broker
