#pragma once
// Telling the logger service about a login: {"name":"authentication","data":"<email> logged in"}
// over RPC. Fire and forget with a short deadline: a logging failure never fails or delays a
// login, it is logged here as a warning.
#include <memory>
#include <string>

#include "core/trace/span.hpp"
#include "core/runtime/cancel.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"

namespace auth {

class LoginLogger {
 public:
  virtual ~LoginLogger() = default;
  /// Completes when the logger accepted the entry; throws when it did not.
  /// `traceparent`: the call's span, for the logger's span to continue ("" : none).
  virtual core::Task<void> log_login(std::string email, std::string request_id, std::string traceparent) = 0;
};

/// The logger service reached over RPC (LOGGER_RPC_ADDR, LOGGER_RPC_CODEC "gob"|"json"): one
/// connection per worker, calls multiplexed on it. Make it on the worker's loop.
std::shared_ptr<LoginLogger> make_rpc_login_logger(const std::string& host, int port, const std::string& codec,
                                                   core::Duration timeout);

/// Starts logger->log_login in a detached task under `deadline` and returns at once. Failures
/// become warnings. `shutdown` (may be null) cancels it when the worker's drain ends. The call
/// is a client span, child of `parent` (may be null), that may outlive the parent.
void log_login_detached(std::shared_ptr<LoginLogger> logger, std::string email, std::string request_id,
                        core::Duration deadline, core::CancelToken* shutdown,
                        const core::trace::Span* parent = nullptr);

}  // namespace auth
