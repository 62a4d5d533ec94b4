#include "wire/amqp/topology.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace wire::amqp;

const Queue* find_queue(const Topology& t, const std::string& name) {
  for (const auto& q : t.queues) {
    if (q.name == name) return &q;
  }
  return nullptr;
}

TEST(AmqpTopology, SharedDefinitionHasTheContractNames) {
  const Topology t = shared_topology();
  ASSERT_EQ(t.exchanges.size(), 3u);
  EXPECT_EQ(t.exchanges[0].name, "logs_topic");
  EXPECT_EQ(t.exchanges[0].type, "topic");
  EXPECT_TRUE(t.exchanges[0].durable);
  EXPECT_TRUE(t.exchanges[0].arguments.empty());  // as the Go system declares it
  EXPECT_EQ(t.exchanges[1].name, "logs_topic.dlx");
  EXPECT_EQ(t.exchanges[2].name, "logs_topic.retry");
  EXPECT_EQ(t.exchanges[2].type, "headers");

  for (const char* name : {"listener.logs", "listener.mail"}) {
    const Queue* q = find_queue(t, name);
    ASSERT_NE(q, nullptr) << name;
    EXPECT_TRUE(q->durable);
    EXPECT_EQ(*find_argument(q->arguments, "x-queue-type"), ArgValue(std::string("quorum")));
    EXPECT_EQ(*find_argument(q->arguments, "x-delivery-limit"), ArgValue(std::int64_t{5}));
    EXPECT_EQ(*find_argument(q->arguments, "x-dead-letter-exchange"),
              ArgValue(std::string("logs_topic.dlx")));
  }
  const Queue* retry = find_queue(t, "listener.retry.10s");
  ASSERT_NE(retry, nullptr);
  EXPECT_EQ(*find_argument(retry->arguments, "x-message-ttl"), ArgValue(std::int64_t{10000}));
  EXPECT_EQ(*find_argument(retry->arguments, "x-dead-letter-exchange"),
            ArgValue(std::string("logs_topic")));
  EXPECT_EQ(find_argument(retry->arguments, "x-dead-letter-routing-key"), nullptr);
  EXPECT_NE(find_queue(t, "listener.dead"), nullptr);

  std::vector<std::string> bindings;
  for (const auto& b : t.bindings)
    bindings.push_back(b.exchange + "|" + b.routing_key + "|" + b.queue);
  EXPECT_NE(std::find(bindings.begin(), bindings.end(), "logs_topic|log.*|listener.logs"),
            bindings.end());
  EXPECT_NE(std::find(bindings.begin(), bindings.end(), "logs_topic|mail.send|listener.mail"),
            bindings.end());
  EXPECT_NE(std::find(bindings.begin(), bindings.end(), "logs_topic.dlx|#|listener.dead"),
            bindings.end());
}

TEST(AmqpTopology, PrefixAndDeliveryLimitApplyEverywhere) {
  const Topology t = shared_topology({"test.", 7});
  for (const auto& e : t.exchanges) EXPECT_TRUE(e.name.starts_with("test.")) << e.name;
  for (const auto& q : t.queues) {
    EXPECT_TRUE(q.name.starts_with("test.")) << q.name;
    if (const ArgValue* dlx = find_argument(q.arguments, "x-dead-letter-exchange")) {
      EXPECT_TRUE(std::get<std::string>(*dlx).starts_with("test.")) << q.name;
    }
  }
  EXPECT_EQ(*find_argument(find_queue(t, "test.listener.logs")->arguments, "x-delivery-limit"),
            ArgValue(std::int64_t{7}));
}

TEST(AmqpRetry, AttemptComesFromRetryExpirationsInXDeath) {
  const Names n = names();
  EXPECT_EQ(attempt_of({}, 0, n), 1);
  std::vector<DeathRecord> deaths = {
      {"listener.retry.60s", "expired", 2},
      {"listener.retry.10s", "expired", 1},
      {"listener.retry.1s", "expired", 1},
      {"listener.logs", "delivery_limit", 3},  // not an attempt of ours
      {"elsewhere", "expired", 9},
  };
  EXPECT_EQ(attempt_of(deaths, 0, n), 5);
  // The attempts header wins when it says more (x-death dropped by the broker).
  EXPECT_EQ(attempt_of({}, 3, n), 4);
  EXPECT_EQ(attempt_of(deaths, 2, n), 5);
  EXPECT_EQ(attempt_of({}, -5, n), 1);
}

TEST(AmqpRetry, NextHopByAttempt) {
  const Names n = names();
  const std::vector<std::string> expected = {"listener.retry.1s", "listener.retry.10s",
                                             "listener.retry.60s", "listener.retry.60s"};
  for (int attempt = 1; attempt <= 4; ++attempt) {
    const NextHop hop = after_failure(attempt, n);
    EXPECT_FALSE(hop.dead) << attempt;
    EXPECT_EQ(hop.exchange, "logs_topic.retry");
    EXPECT_EQ(hop.retry_queue, expected[attempt - 1]);
    EXPECT_EQ(hop.failed_attempts, attempt);
  }
  for (int attempt : {5, 6, 100}) {
    const NextHop hop = after_failure(attempt, n);
    EXPECT_TRUE(hop.dead);
    EXPECT_EQ(hop.exchange, "logs_topic.dlx");
    EXPECT_TRUE(hop.retry_queue.empty());
  }
  EXPECT_TRUE(after_failure(2, n, 2).dead);
}

TEST(AmqpRetry, LogRoutingKeys) {
  EXPECT_TRUE(is_log_key(kLogInfo));
  EXPECT_TRUE(is_log_key(kLogWarning));
  EXPECT_TRUE(is_log_key(kLogError));
  EXPECT_FALSE(is_log_key("log."));
  EXPECT_FALSE(is_log_key("log.a.b"));
  EXPECT_FALSE(is_log_key(kMailSend));
}

}  // namespace
