#include "services/mail/grpc_service.hpp"

#include <ctime>

#include "core/grpc/worker_server.hpp"
#include "core/log/log.hpp"
#include "core/runtime/thread_pool.hpp"
#include "core/smtp/error.hpp"
#include "core/runtime/capture.hpp"
#include "wire/proto/messages.hpp"

namespace mail {

using core::grpc::Error;
using core::grpc::StatusCode;

namespace {

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

std::string sent_to(const std::string& to) {
  return wire::proto::encode(wire::proto::MailResponse{"sent to " + to});
}

}  // namespace

core::Task<std::string> send_mail(const Mailer& mailer, core::grpc::Call call) {
  auto request = wire::proto::decode_mail_request(call.message);
  if (!request) throw Error(request.error());
  wire::contracts::MailPayload payload{std::move(request->from), std::move(request->to),
                                       std::move(request->subject), std::move(request->message)};
  auto key = parse_idempotency_key(call.find("idempotency-key"));
  if (!key) throw Error(StatusCode::invalid_argument, key.error().message);
  auto envelope = mailer.composer->compose(payload, std::time(nullptr), message_token());
  if (!envelope) throw Error(StatusCode::invalid_argument, envelope.error().message);

  auto sent = co_await core::capture(deliver_once(mailer, std::move(key).value(), fingerprint(payload),
                                                    std::move(envelope).value(), call.span));
  if (sent.error) throw send_error(sent.error);
  switch (*sent.value) {
    case Outcome::sent:
    case Outcome::replayed:
      break;
    case Outcome::key_mismatch:
      throw Error(StatusCode::failed_precondition,
                  "idempotency-key was already used with a different payload");
    case Outcome::still_sending:
      throw Error(StatusCode::unavailable, "a request with this idempotency-key is still being sent");
  }
  co_return sent_to(payload.to);
}

void serve_grpc(core::Worker& worker, std::shared_ptr<const Mailer> mailer, int port,
                const core::config::ServerLimits& limits) {
  auto methods = std::make_shared<core::grpc::MethodTable>();
  methods->add("/mail.MailService/SendMail",
               [mailer](core::grpc::Call c) { return send_mail(*mailer, std::move(c)); });
  core::grpc::serve_on_worker(worker, std::move(methods), port, limits);
}

}  // namespace mail
