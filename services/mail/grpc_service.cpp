#include "services/mail/grpc_service.hpp"

#include <chrono>
#include <ctime>
#include <random>

#include "core/grpc/server.hpp"
#include "core/log/log.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/smtp/error.hpp"
#include "wire/proto/messages.hpp"

namespace mail {

using core::grpc::Error;
using core::grpc::StatusCode;

namespace {

std::string message_token() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string t(24, '0');
  for (auto& c : t) c = hex[rng() & 0xf];
  return t;
}

Error send_error(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const core::TimeoutError&) {
    return Error(StatusCode::deadline_exceeded, "mail relay timed out");
  } catch (const core::smtp::Error& e) {
    core::log::warn("smtp send failed: {}", e.what());
    if (e.permanent()) return Error(StatusCode::failed_precondition, "mail relay refused the message");
  } catch (const core::PoolFull&) {
    return Error(StatusCode::resource_exhausted, "mail relay busy");
  } catch (const std::exception& e) {
    core::log::error("send failed: {}", e.what());
    return Error(StatusCode::internal, "could not send the mail");
  }
  return Error(StatusCode::unavailable, "mail relay unavailable");
}

core::Task<void> deliver(core::smtp::Client* client, core::smtp::Envelope envelope,
                         core::Duration timeout) {
  std::exception_ptr error;
  try {
    co_await core::with_timeout(client->send(std::move(envelope)), timeout);
  } catch (const core::Cancelled&) {
    throw;
  } catch (...) {
    error = std::current_exception();
  }
  if (error) throw send_error(error);
}

std::string sent_to(const std::string& to) {
  return wire::proto::encode(wire::proto::MailResponse{"sent to " + to});
}

}  // namespace

core::Task<std::string> send_mail(const Composer* composer, core::smtp::Client* client,
                                  IdempotencyTable* keys, core::Duration timeout, core::grpc::Call call) {
  const auto start = std::chrono::steady_clock::now();
  auto request = wire::proto::decode_mail_request(call.message);
  if (!request) throw Error(request.error());
  wire::contracts::MailPayload payload{std::move(request->from), std::move(request->to),
                                       std::move(request->subject), std::move(request->message)};
  auto key = parse_idempotency_key(call.find("idempotency-key"));
  if (!key) throw Error(StatusCode::invalid_argument, key.error().message);
  auto envelope = composer->compose(payload, std::time(nullptr), message_token());
  if (!envelope) throw Error(StatusCode::invalid_argument, envelope.error().message);

  if (key->empty() || keys == nullptr) {
    co_await deliver(client, std::move(envelope).value(), timeout);
    co_return sent_to(payload.to);
  }
  IdempotencyTable::Claim claim =
      co_await claim_or_wait(keys, std::move(key).value(), fingerprint(payload), timeout);
  switch (claim.verdict) {
    case IdempotencyTable::Verdict::mismatch:
      throw Error(StatusCode::failed_precondition,
                  "idempotency-key was already used with a different payload");
    case IdempotencyTable::Verdict::replay:
      co_return sent_to(payload.to);
    case IdempotencyTable::Verdict::in_flight:
      throw Error(StatusCode::unavailable, "a request with this idempotency-key is still being sent");
    case IdempotencyTable::Verdict::send:
      break;
  }
  auto used = std::chrono::duration_cast<core::Duration>(std::chrono::steady_clock::now() - start);
  co_await deliver(client, std::move(envelope).value(), std::max(timeout - used, core::Duration(1)));
  claim.lease.sent();
  co_return sent_to(payload.to);
}

void register_grpc(core::service::App& app, const Settings& settings) {
  int port = app.env().integer("MAIL_GRPC_PORT", 50002, 1, 65535);
  auto composer = std::make_shared<const Composer>(settings.policy);
  auto keys = std::make_shared<IdempotencyTable>(settings.idempotency);
  auto limits = app.limits();
  app.on_worker([composer, keys, settings, port, limits](core::Worker& worker, core::http::Router&) {
    auto client = std::make_shared<core::smtp::Client>(settings.smtp);
    auto methods = std::make_shared<core::grpc::MethodTable>();
    methods->add("/mail.MailService/SendMail",
                 [composer, client, keys, timeout = settings.timeout](core::grpc::Call c) {
                   return send_mail(composer.get(), client.get(), keys.get(), timeout, std::move(c));
                 });
    core::grpc::ServerOptions o;
    o.port = port;
    o.max_connections = limits.max_connections;
    o.connection.methods = std::move(methods);
    o.connection.token = limits.internal_token;
    auto server = std::make_shared<core::grpc::Server>(std::move(o));
    server->start();
    worker.on_drain([server]() { return server->drain(); });
  });
}

}  // namespace mail
