// The decision after one downstream attempt, case by case.
#include "services/listener/verdict.hpp"

#include <gtest/gtest.h>

namespace {

using listener::CallResult;
using listener::Verdict;
using listener::verdict_for;

CallResult answered(int status) { return CallResult{CallResult::Kind::answered, status, {}}; }

TEST(ListenerVerdict, SuccessIsAcked) {
  for (int s : {200, 201, 202, 204, 299}) EXPECT_EQ(verdict_for(answered(s)), Verdict::ack) << s;
}

TEST(ListenerVerdict, ARequestRefusedForGoodIsDeadLettered) {
  for (int s : {400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 431, 499}) {
    EXPECT_EQ(verdict_for(answered(s)), Verdict::dead) << s;
  }
}

TEST(ListenerVerdict, NotNowIsRetried) {
  for (int s : {408, 429, 500, 501, 502, 503, 504, 599}) {
    EXPECT_EQ(verdict_for(answered(s)), Verdict::retry) << s;
  }
}

TEST(ListenerVerdict, StatusesNoServiceOfOursSendsAreRetried) {
  for (int s : {100, 301, 302, 304}) EXPECT_EQ(verdict_for(answered(s)), Verdict::retry) << s;
}

TEST(ListenerVerdict, TransportFailuresAreRetried) {
  for (auto kind : {CallResult::Kind::timed_out, CallResult::Kind::unreachable,
                    CallResult::Kind::bad_reply}) {
    EXPECT_EQ(verdict_for(CallResult{kind, 0, {}}), Verdict::retry);
  }
}

TEST(ListenerVerdict, AFailedRepublishRequeues) {
  EXPECT_EQ(listener::settlement_after_republish(true), listener::Settlement::ack);
  EXPECT_EQ(listener::settlement_after_republish(false), listener::Settlement::requeue);
}

TEST(ListenerVerdict, DescriptionsNameTheServiceAndWhatHappened) {
  EXPECT_EQ(listener::describe(answered(503), "logger"), "logger answered 503");
  EXPECT_EQ(listener::describe(CallResult{CallResult::Kind::answered, 400, "invalid address"}, "mail"),
            "mail answered 400: invalid address");
  EXPECT_EQ(listener::describe(CallResult{CallResult::Kind::timed_out, 0, {}}, "mail"),
            "mail timed out");
  EXPECT_EQ(listener::describe(CallResult{CallResult::Kind::unreachable, 0, "connection refused"},
                               "logger"),
            "logger unreachable: connection refused");
}

TEST(ListenerVerdict, ReplyDetailIsTheEnvelopeMessageOrTheBodyStart) {
  EXPECT_EQ(listener::reply_detail(R"({"error":true,"message":"missing field: to"})"),
            "missing field: to");
  EXPECT_EQ(listener::reply_detail("Bad Gateway\r\n"), "Bad Gateway  ");
  EXPECT_EQ(listener::reply_detail(std::string(500, 'x')).size(), 200u);
  EXPECT_EQ(listener::reply_detail(""), "");
}

}  // namespace
