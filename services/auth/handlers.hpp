#pragma once
// The auth service's HTTP API: POST /authenticate.
#include <memory>
#include <string>

#include "core/runtime/cancel.hpp"
#include "core/runtime/timer.hpp"
#include "core/service/app.hpp"
#include "services/auth/hasher.hpp"
#include "services/auth/login_log.hpp"
#include "services/auth/login_throttle.hpp"
#include "services/auth/settings.hpp"
#include "services/auth/startup.hpp"
#include "services/auth/users.hpp"

namespace auth {

/// What POST /authenticate works with: one per worker (tests make their own).
struct Service {
  UserStore& users;
  Hasher& hasher;
  const std::string& dummy_hash;
  std::shared_ptr<LoginLogger> logger;
  core::Duration deadline;      // of the whole check: lookup, verification, upgrade
  core::Duration log_deadline;  // of the detached login log
  core::CancelToken* shutdown = nullptr;  // the worker's; cancels pending login logs
  const std::string* legacy_dummy_hash = nullptr;  // see Credentials
  LoginThrottle* throttle = nullptr;  // the process's; null: no throttle
};

/// POST /authenticate {"email","password"}: 202 "Logged in user <email>" with the user,
/// 401 "invalid credentials", 429 with Retry-After after repeated failures of the same email
/// from the same client (see LoginThrottle), 400 naming a bad field, 503 (hashing busy, database down) with
/// Retry-After, 504 past the deadline.
core::Task<core::http::Response> authenticate(Service* service, core::http::Context& ctx);

/// Routes and the postgres readiness check; each worker gets its own pool and logger client.
void register_routes(core::service::App& app, const Settings& settings, const Prepared& prepared);

}  // namespace auth
