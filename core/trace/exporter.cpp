#include "core/trace/exporter.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <span>
#include <vector>

#include "core/http/client.hpp"
#include "core/log/log.hpp"
#include "core/metrics/registry.hpp"
#include "wire/trace/otlp_json.hpp"
#include "wire/trace/otlp_proto.hpp"

namespace core::trace {

namespace {

using Clock = std::chrono::steady_clock;

metrics::Counter& dropped(std::string_view reason) {
  return metrics::registry().counter("trace_spans_dropped_total",
                                     "Spans dropped instead of exported",
                                     {{"reason", std::string(reason)}});
}
metrics::Counter& requests(std::string_view outcome) {
  return metrics::registry().counter("trace_export_requests_total",
                                     "OTLP export requests by outcome",
                                     {{"outcome", std::string(outcome)}});
}

int remaining_ms(Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd until the deadline; false on timeout or error.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return (p.revents & (events | POLLHUP)) != 0 && (p.revents & POLLNVAL) == 0;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

// A non-blocking connection to host:port within the deadline, or -1.
int connect_to(const std::string& host, int port, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    int err = 0;
    socklen_t len = sizeof err;
    if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) &&
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
      break;
    }
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  return fd;
}

// Sends all of `data` on the non-blocking fd before the deadline; false on an error or timeout.
bool send_all(int fd, std::string_view data, int flags, Clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | flags);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(fd, POLLOUT, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

Exporter::Exporter(Config config)
    : config_(std::move(config)),
      exported_(metrics::registry().counter("trace_spans_exported_total",
                                            "Spans the collector accepted")),
      dropped_full_(dropped("queue_full")),
      dropped_failed_(dropped("export_failed")),
      requests_ok_(requests("ok")),
      requests_failed_(requests("error")),
      queue_gauge_(metrics::registry().gauge("trace_export_queue", "Spans waiting for export")) {
  http::HttpUrl url = http::HttpUrl::parse(config_.endpoint);  // throws for a bad URL
  host_ = url.host;
  port_ = url.port;
  target_ = url.target;
  authority_ = url.authority;
  thread_ = std::thread([this] { run(); });
}

Exporter::~Exporter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Exporter::submit(wire::trace::SpanData& span) noexcept {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    ++submitted_;
    if (queued_ >= config_.queue_capacity) {
      ++done_;
      dropped_full_.inc();
      return;
    }
    if (queued_ < queue_.size()) {
      std::swap(queue_[queued_], span);
    } else {
      queue_.push_back(std::move(span));
    }
    wake = ++queued_ == config_.batch_size;
  }
  if (wake) wake_.notify_one();
}

void Exporter::flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = submitted_;
  flush_asked_ = true;
  wake_.notify_one();
  flushed_.wait(lock, [&] { return done_ >= target || stopping_; });
}

void Exporter::run() {
  // Its slots, once sent, are the spent ones queue_ hands back to the loops.
  std::vector<wire::trace::SpanData> sending;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, std::chrono::milliseconds(config_.flush_interval_ms), [this] {
      return stopping_ || flush_asked_ || queued_ >= config_.batch_size;
    });
    flush_asked_ = false;
    while (queued_ > 0) {
      sending.swap(queue_);
      const std::size_t n = std::exchange(queued_, 0);
      queue_gauge_.set(static_cast<double>(n));
      lock.unlock();
      send(std::span<const wire::trace::SpanData>(sending.data(), n));
      lock.lock();
      done_ += n;
    }
    queue_gauge_.set(0);
    flushed_.notify_all();
    if (stopping_) return;
  }
}

void Exporter::send(std::span<const wire::trace::SpanData> spans) {
  for (std::size_t at = 0; at < spans.size(); at += config_.batch_size) {
    const std::size_t n = std::min(config_.batch_size, spans.size() - at);
    const std::span<const wire::trace::SpanData> batch = spans.subspan(at, n);
    const bool ok = post(config_.protocol == Protocol::json
                             ? wire::trace::encode_otlp_json(config_.service, {}, batch)
                             : wire::trace::encode_otlp_proto(config_.service, {}, batch));
    (ok ? requests_ok_ : requests_failed_).inc();
    (ok ? exported_ : dropped_failed_).inc(n);
    queue_gauge_.dec(static_cast<double>(n));
  }
}

bool Exporter::post(const std::string& body) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(config_.export_timeout_ms);
  int fd = connect_to(host_, port_, deadline);
  if (fd < 0) return false;
  const std::string head_out = fmt::format(
      "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n",
      target_, authority_,
      config_.protocol == Protocol::json ? "application/json" : "application/x-protobuf",
      body.size());
  // The head, then the body as it is (no copy of a whole batch); MSG_MORE lets the kernel
  // send them in the same segments.
  bool ok = send_all(fd, head_out, MSG_MORE, deadline) && send_all(fd, body, 0, deadline);
  // The status line is all we need: "HTTP/1.1 200 OK".
  std::string head;
  while (ok && head.find("\r\n") == std::string::npos && head.size() < 4096) {
    char buf[1024];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      head.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      ok = wait_fd(fd, POLLIN, deadline);
    } else {
      ok = false;
    }
  }
  ::close(fd);
  if (!ok || head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return false;
  const std::size_t sp = head.find(' ');
  return sp != std::string::npos && sp + 1 < head.size() && head[sp + 1] == '2';
}

}  // namespace core::trace
