#include "services/auth/handlers.hpp"

#include "core/http/json_io.hpp"
#include "core/log/log.hpp"
#include "core/pg/pool.hpp"
#include "core/runtime/thread_pool.hpp"
#include "services/auth/login.hpp"
#include "wire/contracts/payloads.hpp"

namespace auth {

namespace {

// A worker's own connections and clients, behind its copy of the routes.
struct WorkerState {
  WorkerState(const Settings& s, const Prepared& p, core::CancelToken* shutdown)
      : db(core::pg::PoolOptions{.dsn = s.dsn, .size = s.db_pool_size}),
        users(db),
        hasher(p.hash_pool),
        service{users, hasher, p.dummy_hash,
                make_rpc_login_logger(s.logger_host, s.logger_port, s.logger_codec, s.log_timeout),
                s.request_timeout, s.log_timeout, shutdown, &p.legacy_dummy_hash} {
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

  std::optional<User> user;
  try {
    Credentials check{s->users, s->hasher, s->dummy_hash, Clock::now() + s->deadline, s->legacy_dummy_hash};
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
  if (!user) co_return core::http::error_json(401, "invalid credentials");

  log_login_detached(s->logger, email, ctx.request_id, s->log_deadline, s->shutdown);
  co_return core::http::write_json(202, "Logged in user " + email, to_json(*user));
}

void register_routes(core::service::App& app, const Settings& settings, const Prepared& prepared) {
  app.readiness("postgres", postgres_ready);
  app.on_worker([settings, prepared](core::Worker& worker, core::http::Router& router) {
    auto state = std::make_shared<WorkerState>(settings, prepared, &worker.shutdown());
    t_worker = state.get();
    router.add("POST", "/authenticate",
               [state](core::http::Context& c) { return authenticate(&state->service, c); });
  });
}

}  // namespace auth
