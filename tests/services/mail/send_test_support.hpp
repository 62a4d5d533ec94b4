#pragma once
// POST /send driven straight through mail::send(), without an HTTP server: a request built in
// memory, a Client made on the test's own loop.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/http/context.hpp"
#include "core/runtime/spawn.hpp"
#include "core/runtime/timer.hpp"
#include "core/smtp/client.hpp"
#include "services/mail/handlers.hpp"
#include "tests/support/wait.hpp"

namespace mail_test {

using core::http::Response;

inline mail::Policy policy() {
  return mail::Policy{{}, "noreply@example.com", "Microservices", "example.com"};
}

/// A POST /send to make: its body and Idempotency-Key (empty: no header).
struct Request {
  std::string body;
  std::string key;
};
inline Request request(const std::string& body, const std::string& key = "") { return {body, key}; }

/// The request as the handler sees it (a Context is not copyable: it holds the request's span).
inline void fill(core::http::Context& ctx, const Request& r) {
  ctx.request.method = "POST";
  ctx.request.target = ctx.request.path = "/send";
  ctx.request.headers.push_back({"Content-Type", "application/json"});
  if (!r.key.empty()) ctx.request.headers.push_back({"Idempotency-Key", r.key});
  ctx.request.body = r.body;
}

inline std::string mail_json(const std::string& to, const std::string& subject,
                             const std::string& message = "Hello") {
  return R"({"from":"me@example.com","to":")" + to + R"(","subject":")" + subject +
         R"(","message":")" + message + R"("})";
}

inline bool replayed(const Response& r) {
  const std::string* h = wire::http::find_header(r.headers, "Idempotent-Replayed");
  return h != nullptr && *h == "true";
}

/// A Mailer over objects the test owns (non-owning pointers).
inline mail::Mailer mailer_of(const mail::Composer* composer, core::smtp::Client* client,
                              mail::IdempotencyTable* keys, core::Duration timeout) {
  return mail::Mailer{std::shared_ptr<const mail::Composer>(std::shared_ptr<void>(), composer),
                      std::shared_ptr<mail::IdempotencyTable>(std::shared_ptr<void>(), keys),
                      std::shared_ptr<core::smtp::Client>(std::shared_ptr<void>(), client), timeout};
}

/// Posts each request in turn (each awaited before the next) through one Client.
inline core::Task<std::vector<Response>> post_in_turn(const mail::Composer* composer,
                                                     core::smtp::SmtpOptions options,
                                                     mail::IdempotencyTable* keys,
                                                     core::Duration timeout,
                                                     std::vector<Request> requests,
                                                     std::size_t* sent) {
  core::smtp::Client client(std::move(options));
  std::vector<Response> out;
  for (const auto& r : requests) {
    core::http::Context ctx;
    fill(ctx, r);
    out.push_back(co_await mail::send(mailer_of(composer, &client, keys, timeout), ctx));
  }
  *sent = client.sent();
  co_return out;
}

inline core::Task<void> post_into(const mail::Composer* composer, core::smtp::Client* client,
                                  mail::IdempotencyTable* keys, core::Duration timeout,
                                  Request r, Response* out, int* pending) {
  core::http::Context ctx;
  fill(ctx, r);
  *out = co_await mail::send(mailer_of(composer, client, keys, timeout), ctx);
  --*pending;
}

/// Starts every request at once on this loop and waits for all of them.
inline core::Task<std::vector<Response>> post_at_once(const mail::Composer* composer,
                                                     core::smtp::SmtpOptions options,
                                                     mail::IdempotencyTable* keys,
                                                     core::Duration timeout,
                                                     std::vector<Request> requests,
                                                     std::size_t* sent) {
  core::smtp::Client client(std::move(options));
  std::vector<Response> out(requests.size());
  int pending = static_cast<int>(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    core::spawn(
        post_into(composer, &client, keys, timeout, std::move(requests[i]), &out[i], &pending));
  }
  EXPECT_TRUE(co_await test_support::eventually([&] { return pending == 0; }))
      << pending << " requests still unanswered";
  *sent = client.sent();
  co_return out;
}

}  // namespace mail_test
