// Drives our AMQP driver from the outside, for interop tests with other clients:
//   amqp_tool publish --exchange X --routing-key K --count N [--prefix P] [--header k=v]
//     publishes N persistent JSON messages with message_id P-<i> (confirmed, pipelined) and
//     prints each message id once its confirm arrived;
//   amqp_tool consume --queue Q --count N [--timeout-ms T]
//     consumes N messages (manual ack) and prints one line per message:
//     message_id \t routing_key \t content_type \t redelivered \t request_id header \t body
//   amqp_tool bench --count N [--body-size B] [--queue-type quorum|classic]
//     declares a queue of its own, publishes N messages with confirms (window 1024, all
//     pipelined), then consumes and acks them (prefetch 256), prints msg/s of both, deletes it
// The broker comes from RABBIT_URL. Exit status 0 on success, 1 on failure, 2 on bad usage.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "core/amqp/connection.hpp"
#include "core/amqp/declare.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"

namespace {

using core::Task;
using namespace std::chrono_literals;

struct Args {
  std::string mode, exchange, routing_key, queue, prefix = "cpp";
  std::string queue_type = "quorum";
  int count = 1;
  int body_size = 100;
  int timeout_ms = 10'000;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct PublishState {
  int done = 0;
  int failed = 0;
};

Task<void> publish_one(core::amqp::Publisher* p, const Args* a, int i, PublishState* st) {
  core::amqp::Properties props;
  props.message_id = a->prefix + "-" + std::to_string(i);
  for (const auto& [k, v] : a->headers) props.header(k, v);
  const std::string body = R"({"name":"interop","data":")" + props.message_id + "\"}";
  const std::string id = props.message_id;
  try {
    co_await p->publish(a->exchange, a->routing_key, body, std::move(props));
    std::printf("%s\n", id.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "publish %s: %s\n", id.c_str(), e.what());
    ++st->failed;
  }
  ++st->done;
}

Task<int> publish(core::amqp::Connection& conn, const Args& a) {
  co_await conn.wait_open(core::Duration(a.timeout_ms));
  PublishState st;
  for (int i = 0; i < a.count; ++i) core::spawn(publish_one(&conn.publisher(), &a, i, &st));
  while (st.done < a.count) co_await core::sleep(5ms);
  std::fflush(stdout);
  co_return st.failed == 0 ? 0 : 1;
}

struct ConsumeState {
  int seen = 0;
};

Task<core::amqp::Outcome> print_delivery(ConsumeState* st, core::amqp::Delivery& d) {
  std::printf("%s\t%s\t%s\t%d\t%s\t%s\n", d.message_id.c_str(), d.routing_key.c_str(),
              d.properties.content_type.c_str(), d.redelivered ? 1 : 0,
              d.header("request_id").c_str(), d.body.c_str());
  ++st->seen;
  co_return core::amqp::Outcome::ack;
}

Task<int> consume(core::amqp::Connection& conn, const Args& a) {
  ConsumeState st;
  conn.consume(a.queue, 64, [&st](core::amqp::Delivery& d) { return print_delivery(&st, d); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(a.timeout_ms);
  while (st.seen < a.count && std::chrono::steady_clock::now() < deadline) {
    co_await core::sleep(5ms);
  }
  std::fflush(stdout);
  if (st.seen < a.count) std::fprintf(stderr, "consumed %d of %d\n", st.seen, a.count);
  co_return st.seen >= a.count ? 0 : 1;
}

// --- bench ---------------------------------------------------------------------------------

struct BenchState {
  int published = 0;
  int failed = 0;
  int consumed = 0;
};

Task<void> bench_publish_one(core::amqp::Publisher* p, std::string exchange, std::string body,
                             BenchState* st) {
  try {
    co_await p->publish(std::move(exchange), "bench", std::move(body));
  } catch (const std::exception&) {
    ++st->failed;
  }
  ++st->published;
}

Task<core::amqp::Outcome> bench_ack(BenchState* st, core::amqp::Delivery&) {
  ++st->consumed;
  co_return core::amqp::Outcome::ack;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

Task<int> bench(Args a, core::amqp::AmqpUrl url) {
  const std::string name = "bench." + std::to_string(::getpid());
  wire::amqp::Topology topology;
  topology.exchanges.push_back({name + ".ex", "direct", true, false, false, {}});
  wire::amqp::Arguments args;
  if (a.queue_type == "quorum") args.push_back({"x-queue-type", std::string("quorum")});
  topology.queues.push_back({name, true, false, false, args});
  topology.bindings.push_back({name, name + ".ex", "bench", {}});

  core::amqp::ConnectionOptions options;
  options.url = url;
  options.name = "amqp_tool bench";
  options.topology = topology;
  core::amqp::Connection conn(options);
  conn.start();
  co_await conn.wait_open(std::chrono::seconds(10));

  BenchState st;
  const std::string body(static_cast<std::size_t>(a.body_size), 'x');
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < a.count; ++i) {
    core::spawn(bench_publish_one(&conn.publisher(), name + ".ex", body, &st));
  }
  while (st.published < a.count) co_await core::sleep(1ms);
  const double publish_s = seconds_since(t0);

  t0 = std::chrono::steady_clock::now();
  conn.consume(name, 256, [&st](core::amqp::Delivery& d) { return bench_ack(&st, d); });
  while (st.consumed < a.count - st.failed) co_await core::sleep(1ms);
  const double consume_s = seconds_since(t0);
  co_await conn.close();
  core::ThreadPool admin("bench-admin", 1, 4);
  co_await core::amqp::delete_topology(url, topology, admin);

  std::printf("queue %s, %d messages of %d bytes, one loop\n", a.queue_type.c_str(), a.count,
              a.body_size);
  std::printf("publish+confirm (window 1024): %.0f msg/s (%.2f s, %d failed)\n",
              a.count / publish_s, publish_s, st.failed);
  std::printf("consume+ack (prefetch 256):    %.0f msg/s (%.2f s)\n", st.consumed / consume_s,
              consume_s);
  co_return st.failed == 0 ? 0 : 1;
}

Task<int> run(Args a, core::amqp::AmqpUrl url) {
  if (a.mode == "bench") co_return co_await bench(std::move(a), std::move(url));
  core::amqp::ConnectionOptions options;
  options.url = std::move(url);
  options.name = "amqp_tool " + a.mode;
  core::amqp::Connection conn(options);
  conn.start();
  int rc = 1;
  try {
    rc = a.mode == "publish" ? co_await publish(conn, a) : co_await consume(conn, a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", a.mode.c_str(), e.what());
  }
  co_await conn.close(2s);
  co_return rc;
}

bool parse(int argc, char** argv, Args& a) {
  if (argc < 2) return false;
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--exchange")
      a.exchange = value;
    else if (flag == "--routing-key")
      a.routing_key = value;
    else if (flag == "--queue")
      a.queue = value;
    else if (flag == "--prefix")
      a.prefix = value;
    else if (flag == "--count")
      a.count = std::atoi(value.c_str());
    else if (flag == "--timeout-ms")
      a.timeout_ms = std::atoi(value.c_str());
    else if (flag == "--body-size")
      a.body_size = std::atoi(value.c_str());
    else if (flag == "--queue-type")
      a.queue_type = value;
    else if (flag == "--header" && value.find('=') != std::string::npos) {
      a.headers.emplace_back(value.substr(0, value.find('=')), value.substr(value.find('=') + 1));
    } else {
      return false;
    }
  }
  if (a.mode == "publish") return !a.routing_key.empty() && a.count > 0;
  if (a.mode == "consume") return !a.queue.empty() && a.count > 0;
  if (a.mode == "bench") return a.count > 0 && a.body_size >= 0;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse(argc, argv, args)) {
    std::cerr << "usage: amqp_tool publish --exchange X --routing-key K --count N "
                 "[--prefix P] [--header k=v]\n"
                 "       amqp_tool consume --queue Q --count N [--timeout-ms T]\n"
                 "       amqp_tool bench --count N [--body-size B] [--queue-type quorum|classic]\n";
    return 2;
  }
  const char* env = std::getenv("RABBIT_URL");
  auto url = core::amqp::parse_amqp_url(env ? env : "");
  if (!url) {
    std::cerr << "RABBIT_URL is missing or not an amqp:// URL\n";
    return 2;
  }
  return core::run_sync(run(std::move(args), std::move(*url)));
}
