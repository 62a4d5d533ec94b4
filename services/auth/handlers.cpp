#include "services/auth/handlers.hpp"

#include "core/http/json_io.hpp"
#include "core/http/rate_limit.hpp"
#include "core/log/log.hpp"
#include "core/pg/pool.hpp"
#include "core/runtime/thread_pool.hpp"
#include "services/auth/login.hpp"
#include "wire/contracts/payloads.hpp"

namespace auth {

namespace {

// A worker's own connections and clients, behind its copy of the routes.
struct WorkerState {
  WorkerState(const Settings& s, const Prepared& p, core::CancelToken* shutdown, LoginThrottle* throttle)
      : db(core::pg::PoolOptions{.dsn = s.dsn, .size = s.db_pool_size}),
        users(db),
        hasher(p.hash_pool),
        service{users, hasher, p.dummy_hash,
                make_rpc_login_logger(s.logger_host, s.logger_port, s.logger_codec, s.log_timeout),
                s.request_timeout, s.log_timeout, shutdown, &p.legacy_dummy_hash, throttle} {
    // Hash results still on their way when this worker's loop stops are dropped, not posted.
    on_shutdown.subscribe(shutdown, [](void* h) { static_cast<PooledHasher*>(h)->close(); }, &hasher);
  }
  core::pg::Pool db;
  PgUserStore users;
  PooledHasher hasher;
  Service service;
  core::CancelToken::Subscription on_shutdown;
};

thread_local WorkerState* t_worker = nullptr;  // for the readiness check, which is not per worker

core::Task<bool> postgres_ready() {
  if (t_worker == nullptr) co_return false;
  co_return co_await t_worker->db.ping();
}

}  // namespace

core::Task<core::http::Response> authenticate(Service* s, core::http::Context& ctx) {
  auto body = core::http::read_json(ctx.request);
  if (!body) co_return core::http::error_json(400, body.error().message);
  auto creds = wire::contracts::parse_auth(body.value());
  if (!creds) co_return core::http::error_json(400, creds.error().message);
  std::string email = creds->email;
  // Who is asking: the server's client address (a trusted proxy's X-Forwarded-For hop), or the
  // peer's host when the request did not come through the server (tests).
  const std::string client =
      ctx.client.empty() ? std::string(core::http::peer_host(ctx.peer)) : ctx.client;
  if (s->throttle) {
    // Before the lookup: the same answer, as fast, whether or not the email exists.
    if (const int wait = s->throttle->retry_after(email, client); wait > 0) {
      core::http::Response r = core::http::error_json(429, "too many failed logins, retry later");
      r.headers.push_back({"Retry-After", std::to_string(wait)});
      co_return r;
    }
  }

  std::optional<User> user;
  try {
    Credentials check{s->users, s->hasher, s->dummy_hash, Clock::now() + s->deadline, s->legacy_dummy_hash,
                      &ctx.span};
    user = co_await core::with_timeout(check_credentials(check, email, std::move(creds->password)), s->deadline);
  } catch (const core::PoolFull&) {
    // Counted in http_requests_total{status="503"}; a line per refusal would flood the log.
    core::log::debug_with({{"request_id", ctx.request_id}}, "hash pool full: refusing a login");
    co_return core::http::unavailable_json("authentication busy, retry later");
  } catch (const core::pg::ConnectionError& e) {
    core::log::warn_with({{"request_id", ctx.request_id}}, "database unavailable: {}", e.what());
    co_return core::http::unavailable_json("database unavailable");
  } catch (const core::pg::PoolTimeout& e) {
    core::log::warn_with({{"request_id", ctx.request_id}}, "database unavailable: {}", e.what());
    co_return core::http::unavailable_json("database unavailable");
  } catch (const core::TimeoutError&) {
    co_return core::http::error_json(504, "authentication timed out");
  }
  if (!user) {
    if (s->throttle) s->throttle->failed(email, client);
    co_return core::http::error_json(401, "invalid credentials");
  }
  if (s->throttle) s->throttle->succeeded(email, client);

  log_login_detached(s->logger, email, ctx.request_id, s->log_deadline, s->shutdown, &ctx.span);
  co_return core::http::write_json(202, "Logged in user " + email, to_json(*user));
}

void register_routes(core::service::App& app, const Settings& settings, const Prepared& prepared) {
  app.readiness("postgres", postgres_ready);
  auto throttle = std::make_shared<LoginThrottle>();  // one for all workers
  app.on_worker([settings, prepared, throttle](core::Worker& worker, core::http::Router& router) {
    auto state = std::make_shared<WorkerState>(settings, prepared, &worker.shutdown(), throttle.get());
    t_worker = state.get();
    router.add("POST", "/authenticate",
               [state](core::http::Context& c) { return authenticate(&state->service, c); });
  });
}

}  // namespace auth
