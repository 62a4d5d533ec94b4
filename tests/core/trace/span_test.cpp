#include "core/trace/span.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/metrics/registry.hpp"
#include "wire/trace/trace_context.hpp"

namespace core::trace {
namespace {

using wire::trace::SpanKind;

constexpr const char* kSampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* kUnsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

// Tracing on, towards a port where nothing listens: every export fails, honestly.
Config refusing_collector(double ratio) {
  Config c;
  c.endpoint = "http://127.0.0.1:1/v1/traces";
  c.service = "span-test";
  c.sample_ratio = ratio;
  return c;
}

// A collector on an ephemeral port of its own: answers every POST with 200 and keeps its body.
class BodyCollector {
 public:
  BodyCollector() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
        ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "no listening socket for the test collector";
      return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~BodyCollector() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  int port() const { return port_; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string in;
      char buf[4096];
      std::size_t need = std::string::npos;
      while (need == std::string::npos || in.size() < need) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        const std::size_t end = in.find("\r\n\r\n");
        const std::size_t cl = in.find("Content-Length: ");
        if (need == std::string::npos && end != std::string::npos && cl != std::string::npos) {
          need = end + 4 + std::stoul(in.substr(cl + 16));
        }
      }
      if (need != std::string::npos && in.size() >= need) {
        std::lock_guard lock(mu_);
        bodies_.push_back(in.substr(in.find("\r\n\r\n") + 4));
      }
      const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
      (void)::send(c, ok.data(), ok.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> bodies_;
  std::thread thread_;
};

class SpanTest : public ::testing::Test {
 protected:
  void TearDown() override { init(Config{}); }
};

TEST_F(SpanTest, OffPassesTheParentOnUnchanged) {
  init(Config{});
  Span s = Span::remote("GET /", SpanKind::server, kSampled, "rojo=1");
  EXPECT_TRUE(s.has_context());
  EXPECT_FALSE(s.recording());
  EXPECT_EQ(s.traceparent(), kSampled);
  EXPECT_EQ(s.tracestate(), "rojo=1");
  EXPECT_EQ(s.child("call", SpanKind::client).traceparent(), kSampled);
  EXPECT_FALSE(Span::remote("GET /", SpanKind::server, "").has_context());
  EXPECT_FALSE(Span::remote("GET /", SpanKind::server, "garbage").has_context());
}

TEST_F(SpanTest, SampledParentIsFollowedEvenAtRatioZero) {
  init(refusing_collector(0.0));
  Span s = Span::remote("GET /", SpanKind::server, kSampled);
  EXPECT_TRUE(s.recording());
  EXPECT_EQ(s.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_NE(s.span_id(), "00f067aa0ba902b7");
  Span c = s.child("call", SpanKind::client);
  EXPECT_TRUE(c.recording());
  auto next = wire::trace::parse_traceparent(c.traceparent());
  ASSERT_TRUE(next);
  EXPECT_TRUE(next->sampled());
  EXPECT_EQ(wire::trace::to_hex(next->trace_id), s.trace_id());
  EXPECT_EQ(wire::trace::to_hex(next->span_id), c.span_id());
}

TEST_F(SpanTest, UnsampledParentIsNeverRecordedButPassedOn) {
  init(refusing_collector(1.0));
  Span s = Span::remote("GET /", SpanKind::server, kUnsampled);
  EXPECT_FALSE(s.recording());
  ASSERT_TRUE(s.has_context());
  auto next = wire::trace::parse_traceparent(s.child("call", SpanKind::client).traceparent());
  ASSERT_TRUE(next);
  EXPECT_FALSE(next->sampled());
  EXPECT_EQ(wire::trace::to_hex(next->trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(SpanTest, WithoutAParentTheRatioDecides) {
  init(refusing_collector(1.0));
  Span on = Span::remote("GET /", SpanKind::server, "");
  EXPECT_TRUE(on.recording());
  EXPECT_EQ(on.trace_id().size(), 32u);
  Span malformed = Span::remote("GET /", SpanKind::server, "00-zz");
  EXPECT_TRUE(malformed.recording());
  EXPECT_NE(malformed.trace_id(), on.trace_id());  // a new trace
  init(refusing_collector(0.0));
  Span off = Span::remote("GET /", SpanKind::server, "");
  EXPECT_FALSE(off.recording());
  EXPECT_TRUE(off.has_context());  // the next hop learns it was not sampled
  EXPECT_FALSE(wire::trace::parse_traceparent(off.traceparent())->sampled());
}

TEST_F(SpanTest, FailedExportsAreCountedAsDropped) {
  auto& failed =
      metrics::registry().counter("trace_spans_dropped_total", "", {{"reason", "export_failed"}});
  const auto before = failed.value();
  init(refusing_collector(1.0));
  for (int i = 0; i < 3; ++i) Span::remote("GET /", SpanKind::server, "").end();
  flush();
  EXPECT_EQ(failed.value(), before + 3);
}

// Sent spans' storage is recorded into again: nothing of an earlier span may show in a later one.
TEST_F(SpanTest, RecycledSpansCarryNothingOfTheirPredecessors) {
  BodyCollector collector;
  Config c;
  c.endpoint = "http://127.0.0.1:" + std::to_string(collector.port()) + "/v1/traces";
  c.service = "span-test";
  init(c);
  for (int i = 0; i < 5; ++i) {
    Span s = Span::remote("span-number-" + std::to_string(i), SpanKind::server, "");
    if (i == 0) {
      s.set("test.first_only", std::string("value-of-the-first-span"));
      s.set_error("failure-of-the-first-span");
    }
    s.end();
    flush();  // one batch per span: each later span is recorded into a sent one's storage
  }
  const std::vector<std::string> bodies = collector.bodies();
  ASSERT_EQ(bodies.size(), 5u);
  EXPECT_NE(bodies[0].find("failure-of-the-first-span"), std::string::npos);
  EXPECT_NE(bodies[0].find("value-of-the-first-span"), std::string::npos);
  for (std::size_t i = 1; i < bodies.size(); ++i) {
    EXPECT_NE(bodies[i].find("span-number-" + std::to_string(i)), std::string::npos) << i;
    EXPECT_EQ(bodies[i].find("first"), std::string::npos)
        << "batch " << i << " carries something of the first span";
  }
}

TEST_F(SpanTest, AFullQueueDropsAndCounts) {
  auto& full =
      metrics::registry().counter("trace_spans_dropped_total", "", {{"reason", "queue_full"}});
  const auto before = full.value();
  Config c = refusing_collector(1.0);
  c.queue_capacity = 2;
  c.batch_size = 100;             // the exporter does not wake for a batch...
  c.flush_interval_ms = 600'000;  // ...nor for the clock while this test runs
  init(c);
  for (int i = 0; i < 5; ++i) Span::remote("GET /", SpanKind::server, "").end();
  EXPECT_EQ(full.value(), before + 3);
}

TEST_F(SpanTest, ConfigFromEnvironment) {
  ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318/", 1);
  ::setenv("TRACE_SAMPLE_RATIO", "0.25", 1);
  ::unsetenv("OTEL_SERVICE_NAME");
  auto c = config_from_env("broker");
  ASSERT_TRUE(c.config) << c.error;
  EXPECT_EQ(c.config->endpoint, "http://127.0.0.1:4318/v1/traces");
  EXPECT_EQ(c.config->service, "broker");
  EXPECT_EQ(c.config->sample_ratio, 0.25);
  EXPECT_EQ(c.config->protocol, Protocol::protobuf);  // the specification's default
  ::setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", 1);
  EXPECT_EQ(config_from_env("broker").config->protocol, Protocol::json);
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf", 1);  // the signal's own wins
  EXPECT_EQ(config_from_env("broker").config->protocol, Protocol::protobuf);
  ::setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc", 1);
  auto grpc = config_from_env("broker");
  EXPECT_FALSE(grpc.config);
  EXPECT_NE(grpc.error.find("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), std::string::npos);
  ::unsetenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
  ::unsetenv("OTEL_EXPORTER_OTLP_PROTOCOL");
  ::setenv("TRACE_SAMPLE_RATIO", "2", 1);
  EXPECT_FALSE(config_from_env("broker").config);
  ::setenv("TRACE_SAMPLE_RATIO", "1", 1);
  ::setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318", 1);
  EXPECT_FALSE(config_from_env("broker").config);
  ::unsetenv("OTEL_EXPORTER_OTLP_ENDPOINT");
  ::unsetenv("TRACE_SAMPLE_RATIO");
  auto off = config_from_env("auth");
  ASSERT_TRUE(off.config);
  EXPECT_FALSE(off.config->enabled());
  EXPECT_EQ(off.config->sample_ratio, 1.0);
}

}  // namespace
}  // namespace core::trace
