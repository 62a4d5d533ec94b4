#include "core/grpc/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "core/runtime/spawn.hpp"
#include "wire/grpc/metadata.hpp"

namespace core::grpc {

namespace {

Duration jittered(Duration d) {
  static thread_local std::minstd_rand random{std::random_device{}()};
  std::uniform_real_distribution<double> factor(0.8, 1.2);
  return Duration(static_cast<Duration::rep>(static_cast<double>(d.count()) * factor(random)));
}

// `headers` and `request` belong to the awaiting caller (call_retrying), alive until this ends.
Task<std::string> call_on(std::shared_ptr<ClientConnection> c, const http2::Headers& call_headers,
                          const std::string& request, std::uint64_t started_ms, std::uint64_t deadline_ms,
                          std::size_t max_message, std::size_t max_in_flight) {
  co_await c->opened();
  if (c->calls() >= max_in_flight) {
    throw NetError(UV_EBUSY, fmt::format("grpc: {} calls in flight to {}", c->calls(), c->address()));
  }
  std::uint64_t now = Loop::current().now_ms();
  if (deadline_ms <= now) throw TimeoutError();
  // The time left now, not the whole timeout: connecting took some of it.
  http2::Headers headers = call_headers;
  headers.push_back({"grpc-timeout", wire::grpc::format_timeout(std::chrono::milliseconds(deadline_ms - now))});
  std::string framed;
  framed.reserve(request.size() + wire::grpc::kPrefixSize);
  wire::grpc::append_message(framed, request);
  ClientCall call(c.get(), max_message);
  c->start(call, headers, std::move(framed), started_ms);
  co_return co_await call;
}

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)), authority_(fmt::format("{}:{}", options_.host, options_.port)) {}

Client::~Client() {
  *self_ = nullptr;
  auto closed = std::make_exception_ptr(NetError(UV_ECANCELED, "grpc client closed"));
  if (current_) retiring_.push_back(std::move(current_));
  for (auto& c : retiring_) {
    c->token()->cancel();
    c->fail(closed);
  }
}

Task<void> Client::close() {
  closed_ = true;
  auto closed = std::make_exception_ptr(NetError(UV_ECANCELED, "grpc client closed"));
  std::vector<std::shared_ptr<ClientConnection>> all = std::move(retiring_);
  retiring_.clear();
  if (current_) all.push_back(std::move(current_));
  for (auto& c : all) {
    c->token()->cancel();
    c->fail(closed);
  }
  for (auto& c : all) co_await c->ended();
}

std::size_t Client::open_connections() const noexcept {
  std::size_t n = current_ && current_->state() == ClientConnection::State::open;
  for (const auto& c : retiring_) n += c->state() == ClientConnection::State::open;
  return n;
}

std::shared_ptr<ClientConnection> Client::connection() {
  if (closed_) throw NetError(UV_ECANCELED, "grpc client closed");
  std::erase_if(retiring_, [](const auto& c) { return c->state() == ClientConnection::State::broken; });
  if (current_ && (current_->state() == ClientConnection::State::connecting || current_->usable()))
    return current_;
  std::uint64_t now = Loop::current().now_ms();
  if (current_) {
    if (current_->connect_failed()) {
      backoff_ = backoff_.count() == 0 ? options_.backoff_initial
                                       : std::min(backoff_ * 2, options_.backoff_max);
      retry_at_ms_ = current_->failed_at_ms() + static_cast<std::uint64_t>(jittered(backoff_).count());
    } else {
      backoff_ = Duration{0};  // it was up: the first reconnect goes at once
      retry_at_ms_ = 0;
      if (current_->state() == ClientConnection::State::open) retiring_.push_back(current_);
    }
    current_.reset();
  }
  if (now < retry_at_ms_) {
    throw NetError(UV_ECONNREFUSED, fmt::format("grpc: {} unreachable, next connect in {} ms",
                                                authority_, retry_at_ms_ - now));
  }
  current_ = std::make_shared<ClientConnection>(options_.host, options_.port, options_.limits,
                                                options_.call_timeout);
  ++connects_;
  spawn(ClientConnection::run(current_, options_.connect_timeout), current_->token(),
        "grpc client connection");
  return current_;
}

http2::Headers Client::headers_for(std::string path, const CallOptions& options) const {
  http2::Headers h{{":method", "POST"},
                   {":scheme", "http"},
                   {":path", std::move(path)},
                   {":authority", authority_},
                   {"te", "trailers"},
                   {"content-type", "application/grpc"},
                   {"user-agent", "microservices-grpc/1"}};
  if (!options_.token.empty()) h.push_back({"authorization", "Bearer " + options_.token});
  if (!options.idempotency_key.empty()) h.push_back({"idempotency-key", options.idempotency_key});
  for (const auto& m : options.metadata) h.push_back(m);
  return h;
}

Task<std::string> Client::call(std::string path, std::string request, CallOptions options) {
  if (request.size() > options_.max_message) {
    throw Error(StatusCode::resource_exhausted,
                fmt::format("request message of {} bytes is over the {} byte limit", request.size(),
                            options_.max_message));
  }
  Duration timeout = options.timeout.value_or(options_.call_timeout);
  if (timeout.count() <= 0) throw TimeoutError();
  std::uint64_t deadline_ms = Loop::current().now_ms() + static_cast<std::uint64_t>(timeout.count());
  co_return co_await with_timeout(call_retrying(self_, headers_for(std::move(path), options),
                                                std::move(request), Loop::current().now_ms(), deadline_ms),
                                  timeout);
}

Task<std::string> Client::call_retrying(std::shared_ptr<Client*> client, http2::Headers headers,
                                        std::string request, std::uint64_t started_ms,
                                        std::uint64_t deadline_ms) {
  for (int attempt = 1;; ++attempt) {
    Client* self = *client;
    if (self == nullptr) throw NetError(UV_ECANCELED, "grpc client closed");
    try {
      co_return co_await call_on(self->connection(), headers, request, started_ms, deadline_ms,
                                 self->options_.max_message, self->options_.max_in_flight);
    } catch (const StreamRefused&) {
      if (attempt == 2) throw;
    }
  }
}

}  // namespace core::grpc
