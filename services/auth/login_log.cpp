#include "services/auth/login_log.hpp"

#include <chrono>
#include <stdexcept>

#include "core/log/log.hpp"
#include "core/metrics/downstream.hpp"
#include "core/net/tcp_stream.hpp"
#include "core/rpc/client.hpp"
#include "core/runtime/spawn.hpp"

namespace auth {

namespace {

using Clock = std::chrono::steady_clock;

// RPCServer.LogInfo on the logger, over this worker's multiplexed connection.
class RpcLoginLogger final : public LoginLogger {
 public:
  explicit RpcLoginLogger(core::rpc::ClientOptions options) : client_(std::move(options)) {}
  core::Task<void> log_login(std::string email, std::string request_id, std::string traceparent) override {
    core::rpc::Payload p;
    p.name = "authentication";
    p.data = email + " logged in";
    p.request_id = std::move(request_id);
    p.traceparent = std::move(traceparent);
    co_await client_.call("RPCServer.LogInfo", std::move(p));
  }

 private:
  core::rpc::Client client_;
};

// While the logger is down every login would warn; one line a second per worker is enough to
// tell, and says how many it stands for.
void warn_not_logged(const std::string& request_id, const std::string& email, const char* why) {
  thread_local Clock::time_point last{};
  thread_local int suppressed = 0;
  auto now = Clock::now();
  if (now - last < std::chrono::seconds(1)) {
    ++suppressed;
    return;
  }
  last = now;
  core::log::warn_with({{"request_id", request_id}, {"email", email}, {"suppressed", suppressed}},
                       "login not logged: {}", why);
  suppressed = 0;
}

core::Task<void> log_with_deadline(std::shared_ptr<LoginLogger> logger, std::string email, std::string request_id,
                                   core::Duration deadline, core::trace::Span span) {
  const auto start = Clock::now();
  auto record = [start, &span](std::string_view outcome) {
    std::chrono::duration<double> elapsed = Clock::now() - start;
    core::metrics::record_downstream_call("logger", "rpc", outcome, elapsed.count());
    if (outcome != "ok") span.set_error(std::string(outcome));
  };
  try {
    co_await core::with_timeout(logger->log_login(email, request_id, span.traceparent()), deadline);
    record("ok");
  } catch (const core::Cancelled&) {
    throw;  // the worker is shutting down: spawn logs it at debug level
  } catch (const core::TimeoutError& e) {
    record("timed_out");
    warn_not_logged(request_id, email, e.what());
  } catch (const core::NetError& e) {
    record("unavailable");
    warn_not_logged(request_id, email, e.what());
  } catch (const std::exception& e) {
    record("bad_reply");
    warn_not_logged(request_id, email, e.what());
  }
}

}  // namespace

std::shared_ptr<LoginLogger> make_rpc_login_logger(const std::string& host, int port, const std::string& codec,
                                                   core::Duration timeout) {
  core::rpc::ClientOptions o;
  o.host = host;
  o.port = port;
  o.codec = wire::rpc::parse_codec(codec).value_or(wire::rpc::Codec::gob);
  o.connections = 1;  // logins are bounded by hashing: tens a second per worker at most
  o.call_timeout = timeout;
  o.connect_timeout = timeout;
  return std::make_shared<RpcLoginLogger>(std::move(o));
}

void log_login_detached(std::shared_ptr<LoginLogger> logger, std::string email, std::string request_id,
                        core::Duration deadline, core::CancelToken* shutdown, const core::trace::Span* parent) {
  core::trace::Span span;
  if (parent) {
    span = parent->child("RPCServer/LogInfo", wire::trace::SpanKind::client);
    span.set("rpc.system", std::string("net_rpc"));
    span.set("rpc.service", std::string("RPCServer"));
    span.set("rpc.method", std::string("LogInfo"));
    span.set("peer.service", std::string("logger"));
  }
  const core::log::TraceIds ids = span.has_context() ? span.log_ids() : core::log::current_trace_ids();
  core::Task<void> task =
      log_with_deadline(std::move(logger), std::move(email), std::move(request_id), deadline, std::move(span));
  task.set_trace_ids(ids);
  core::spawn(std::move(task), shutdown, "login log");
}

}  // namespace auth
