#include "bench/loadgen/options.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "bench/loadgen/amqp_target.hpp"
#include "bench/loadgen/body_template.hpp"
#include "bench/loadgen/plan.hpp"

namespace loadgen {
namespace {

using namespace std::chrono_literals;

Options parse(std::vector<std::string_view> args) { return parse_options(args); }

TEST(LoadgenOptions, DefaultsAndTheUrl) {
  const Options o = parse({"http://127.0.0.1:8080/logs?limit=5"});
  EXPECT_EQ(o.protocol, Protocol::http);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 8080);
  EXPECT_EQ(o.authority, "127.0.0.1:8080");
  EXPECT_EQ(o.target, "/logs?limit=5");
  EXPECT_EQ(o.method, "GET");
  EXPECT_EQ(o.connections, 16);
  EXPECT_EQ(o.threads, 1);
  EXPECT_EQ(o.depth, 1);
  EXPECT_EQ(o.rate, 0);
  EXPECT_EQ(o.duration, 10s);
  EXPECT_EQ(o.requests, 0u);
}

TEST(LoadgenOptions, EveryOption) {
  const Options o = parse({"-c", "64", "-t", "2", "-d", "3s", "--warmup=500ms", "-R", "2500.5",
                           "-p", "8", "-H", "Content-Type:  application/json", "--header",
                           "X-A: b", "-b", "{\"n\":{{counter}}}", "--timeout", "2", "--json",
                           "-q", "http://localhost/"});
  EXPECT_EQ(o.connections, 64);
  EXPECT_EQ(o.threads, 2);
  EXPECT_EQ(o.duration, 3s);
  EXPECT_EQ(o.warmup, 500ms);
  EXPECT_DOUBLE_EQ(o.rate, 2500.5);
  EXPECT_EQ(o.depth, 8);
  ASSERT_EQ(o.headers.size(), 2u);
  EXPECT_EQ(o.headers[0].name, "Content-Type");
  EXPECT_EQ(o.headers[0].value, "application/json");
  EXPECT_EQ(o.headers[1].value, "b");
  EXPECT_EQ(o.body, "{\"n\":{{counter}}}");
  EXPECT_EQ(o.method, "POST");  // a body makes it a POST unless -m says otherwise
  EXPECT_EQ(o.timeout, 2s);
  EXPECT_TRUE(o.json);
  EXPECT_FALSE(o.progress);
  EXPECT_EQ(o.port, 80);
}

TEST(LoadgenOptions, ShortOptionsTakeTheirValueAttachedAsInWrk) {
  const Options o = parse({"-c256", "-t2", "-d5s", "-HX-A: b", "http://h/"});
  EXPECT_EQ(o.connections, 256);
  EXPECT_EQ(o.threads, 2);
  EXPECT_EQ(o.duration, 5s);
  ASSERT_EQ(o.headers.size(), 1u);
  EXPECT_EQ(o.headers[0].name, "X-A");
  EXPECT_THROW(parse({"-x5", "http://h/"}), UsageError);
}

TEST(LoadgenOptions, RpcTargetAndCodec) {
  const Options o = parse({"--codec", "json", "-n", "1000", "rpc://127.0.0.1:5001"});
  EXPECT_EQ(o.protocol, Protocol::rpc);
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 5001);
  EXPECT_EQ(o.codec, wire::rpc::Codec::json);
  EXPECT_EQ(o.requests, 1000u);
  EXPECT_EQ(o.body, "load {{counter}}");  // Data gets a counter by default
  EXPECT_FALSE(o.duration_set);
}

TEST(LoadgenOptions, AmqpTargetAndItsTopology) {
  const Options o = parse({"amqp://u:p@127.0.0.1:5673/v"});
  EXPECT_EQ(o.protocol, Protocol::amqp);
  EXPECT_EQ(o.amqp_url.host, "127.0.0.1");
  EXPECT_EQ(o.amqp_url.port, 5673);
  EXPECT_EQ(o.amqp_url.vhost, "v");
  EXPECT_EQ(o.exchange, "logs_topic");
  EXPECT_EQ(o.routing_key, "log.INFO");
  EXPECT_EQ(o.body, "{\"name\":\"bench\",\"data\":\"load {{counter}}\"}");
  // Publishing to logs_topic declares the project's topology, as the broker does.
  const auto shared = AmqpTarget::topology(o);
  ASSERT_FALSE(shared.exchanges.empty());
  EXPECT_EQ(shared.exchanges[0].name, "logs_topic");

  const Options q = parse({"--exchange", "bx", "--queue", "bq", "--routing-key", "k.1", "amqp://h/"});
  const auto own = AmqpTarget::topology(q);
  ASSERT_EQ(own.queues.size(), 1u);
  EXPECT_EQ(own.queues[0].name, "bq");
  ASSERT_EQ(own.bindings.size(), 1u);
  EXPECT_EQ(own.bindings[0].routing_key, "k.1");

  const Options none = parse({"--exchange", "elsewhere", "amqp://h/"});
  EXPECT_TRUE(AmqpTarget::topology(none).exchanges.empty());
  EXPECT_THROW(parse({"amqp://"}), UsageError);
}

TEST(LoadgenOptions, BodyFromAFile) {
  const std::string path = ::testing::TempDir() + "/loadgen_body.json";
  std::ofstream(path) << "{\"id\":{{counter}}}";
  const Options o = parse({"--body-file", path, "-m", "PUT", "http://h:1/"});
  EXPECT_EQ(o.body, "{\"id\":{{counter}}}");
  EXPECT_EQ(o.method, "PUT");
  std::remove(path.c_str());
  EXPECT_THROW(parse({"--body-file", path, "http://h:1/"}), UsageError);
}

TEST(LoadgenOptions, BadUsageNamesTheProblem) {
  auto message = [](std::vector<std::string_view> args) {
    try {
      parse_options(args);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({}).find("URL is required"), std::string::npos);
  EXPECT_NE(message({"-c", "x", "http://h/"}).find("-c"), std::string::npos);
  EXPECT_NE(message({"-c", "0", "http://h/"}).find("-c"), std::string::npos);
  EXPECT_NE(message({"--bogus", "http://h/"}).find("--bogus"), std::string::npos);
  EXPECT_NE(message({"-c", "1", "-t", "2", "http://h/"}).find("--threads"), std::string::npos);
  EXPECT_NE(message({"-H", "no colon", "http://h/"}).find("--header"), std::string::npos);
  EXPECT_NE(message({"-d", "soon", "http://h/"}).find("-d"), std::string::npos);
  EXPECT_NE(message({"-R", "-5", "http://h/"}).find("-R"), std::string::npos);
  EXPECT_NE(message({"https://h/"}).find("URL"), std::string::npos);
  EXPECT_NE(message({"rpc://nohost"}).find("rpc"), std::string::npos);
  EXPECT_NE(message({"--codec", "xml", "rpc://h:1"}).find("--codec"), std::string::npos);
  EXPECT_NE(message({"http://a/", "http://b/"}).find("one URL"), std::string::npos);
  EXPECT_NE(message({"-c"}).find("wants a value"), std::string::npos);
}

TEST(LoadgenOptions, Durations) {
  EXPECT_EQ(parse_duration("10", "-d"), 10s);
  EXPECT_EQ(parse_duration("10s", "-d"), 10s);
  EXPECT_EQ(parse_duration("250ms", "-d"), 250ms);
  EXPECT_EQ(parse_duration("2m", "-d"), 120s);
  EXPECT_EQ(parse_duration("1.5s", "-d"), 1500ms);
  EXPECT_THROW(parse_duration("", "-d"), UsageError);
  EXPECT_THROW(parse_duration("5h", "-d"), UsageError);
  EXPECT_THROW(parse_duration("-1s", "-d"), UsageError);
}

TEST(BodyTemplate, WithoutPlaceholderItIsConstant) {
  const BodyTemplate t("{\"a\":1}");
  EXPECT_TRUE(t.constant());
  EXPECT_EQ(t.render(7), "{\"a\":1}");
  EXPECT_EQ(t.size(7), 7u);
}

TEST(BodyTemplate, EveryPlaceholderGetsTheCounter) {
  const BodyTemplate t("{{counter}}-x-{{counter}}{{counter}}.{{counte");
  EXPECT_FALSE(t.constant());
  EXPECT_EQ(t.render(42), "42-x-4242.{{counte");
  for (std::uint64_t c : {0ull, 9ull, 10ull, 99999ull, 18446744073709551615ull}) {
    EXPECT_EQ(t.size(c), t.render(c).size()) << c;
  }
  EXPECT_EQ(BodyTemplate("").render(3), "");
}

TEST(LoadgenPlan, RequestBytes) {
  Options o = parse({"-H", "Content-Type: application/json", "-b", "{\"n\":{{counter}}}",
                     "http://127.0.0.1:8080/handle"});
  const Plan p(o, Clock::now());
  std::string out;
  p.append_http_request(12, out);
  EXPECT_EQ(out,
            "POST /handle HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
            "Content-Length: 8\r\n\r\n{\"n\":12}");
  Options get = parse({"http://h:81/x"});
  const Plan g(get, Clock::now());
  out.clear();
  g.append_http_request(1, out);
  EXPECT_EQ(out, "GET /x HTTP/1.1\r\nHost: h:81\r\n\r\n");
  Options post = parse({"-m", "POST", "http://h/"});
  const Plan e(post, Clock::now());
  out.clear();
  e.append_http_request(1, out);
  EXPECT_EQ(out, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

TEST(LoadgenPlan, QuotasAddUpAndOpenLoopSpacing) {
  Options o = parse({"-c", "7", "-n", "1000", "-R", "700", "http://h/"});
  const auto start = Clock::now();
  const Plan p(o, start);
  std::uint64_t sum = 0;
  for (int i = 0; i < 7; ++i) sum += p.quota(i);
  EXPECT_EQ(sum, 1000u);
  EXPECT_EQ(p.interval, 10ms);  // 7 connections sharing 700/s: 100/s each
  EXPECT_EQ(p.first_send(0), start);
  EXPECT_LT(p.first_send(6), start + 10ms);
  Options rpc = parse({"-c", "2", "-p", "5", "-R", "1000", "rpc://h:1"});
  const Plan r(rpc, start);
  EXPECT_EQ(r.senders, 10);
  EXPECT_EQ(r.interval, 10ms);
}

}  // namespace
}  // namespace loadgen
