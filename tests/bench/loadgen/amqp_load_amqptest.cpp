// loadgen's AMQP mode against the real RabbitMQ of the test servers (RABBIT_URL): every
// confirmed publish is in the queue, and an unroutable one is an error reply.
#include <gtest/gtest.h>

#include "bench/loadgen/load_run.hpp"
#include "core/runtime/run.hpp"
#include "tests/core/amqp/amqp_test_support.hpp"

namespace loadgen {
namespace {

std::string url_of(const core::amqp::AmqpUrl& u) {
  std::string vhost = u.vhost == "/" ? "%2F" : u.vhost;
  return "amqp://" + u.user + ":" + u.password + "@" + u.host + ":" + std::to_string(u.port) + "/" + vhost;
}

TEST(LoadgenAmqp, EveryConfirmedPublishIsInTheQueue) {
  AMQP_TEST_URL_OR_SKIP(u);
  const std::string prefix = amqp_test::unique_prefix();
  const amqp_test::TestQueue q(prefix);
  const std::string url = url_of(u);
  const RunResult r = run_load(parse_options({"-c", "2", "-t", "2", "-p", "16", "-n", "600",
                                              "--exchange", q.exchange, "--queue", q.queue,
                                              "--routing-key", q.routing_key, "-q", url}),
                               {});
  EXPECT_EQ(r.answered, 600u);
  EXPECT_EQ(r.status[kRpcOk], 600u);
  EXPECT_EQ(r.errors.total(), 0u);
  const auto depth = core::run_sync(core::amqp::queue_depth(u, q.queue, amqp_test::admin_pool()));
  EXPECT_EQ(depth, 600u);

  // No queue bound to this key: the mandatory publish comes back, an error reply.
  const RunResult lost = run_load(parse_options({"-c", "1", "-n", "20", "--exchange", q.exchange,
                                                 "--routing-key", "nobody.listens", url}),
                                  {});
  EXPECT_EQ(lost.status[kRpcErrorReply], 20u);
  core::run_sync(core::amqp::delete_topology(u, q.topology, amqp_test::admin_pool()));
}

}  // namespace
}  // namespace loadgen
