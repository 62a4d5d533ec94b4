#include "core/mongo/client.hpp"

#include <mutex>
#include <stdexcept>
#include <string_view>

#include "core/log/log.hpp"
#include "core/mongo/bson_json.hpp"
#include "core/mongo/operations.hpp"
#include "core/mongo/wrappers.hpp"
#include "core/runtime/thread_pool.hpp"

namespace core::mongo {

using wire::json::Value;

namespace {

void log_from_mongoc(mongoc_log_level_t level, const char* domain, const char* message, void*) {
  log::Level ours = log::Level::debug;
  switch (level) {
    case MONGOC_LOG_LEVEL_ERROR:
    case MONGOC_LOG_LEVEL_CRITICAL:
      ours = log::Level::error;
      break;
    case MONGOC_LOG_LEVEL_WARNING:
      ours = log::Level::warn;
      break;
    case MONGOC_LOG_LEVEL_MESSAGE:
    case MONGOC_LOG_LEVEL_INFO:
      ours = log::Level::info;
      break;
    default:
      break;
  }
  // FerretDB has no endSessions; libmongoc says so once when a pool closes.
  if (std::string_view(message).find("endSessions") != std::string_view::npos) {
    ours = log::Level::debug;
  }
  if (log::enabled(ours)) log::write(ours, message, {{"component", "mongoc"}, {"domain", domain}});
}

void init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    mongoc_init();
    mongoc_log_set_handler(&log_from_mongoc, nullptr);
  });
}

detail::UriPtr make_uri(const Options& o) {
  bson_error_t error;
  detail::UriPtr uri(mongoc_uri_new_with_error(o.url.c_str(), &error));
  if (!uri) throw std::invalid_argument(std::string("MONGO_URL: ") + error.message);
  auto fallback = [&](const char* key, std::int64_t value) {
    if (!mongoc_uri_has_option(uri.get(), key)) {
      mongoc_uri_set_option_as_int32(uri.get(), key, static_cast<std::int32_t>(value));
    }
  };
  if (!mongoc_uri_has_option(uri.get(), MONGOC_URI_RETRYWRITES)) {
    mongoc_uri_set_option_as_bool(uri.get(), MONGOC_URI_RETRYWRITES, false);
  }
  fallback(MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 2000);
  fallback(MONGOC_URI_CONNECTTIMEOUTMS, 2000);
  fallback(MONGOC_URI_SOCKETTIMEOUTMS, o.deadline.count());
  fallback(MONGOC_URI_MAXPOOLSIZE, static_cast<std::int64_t>(o.threads));
  fallback(MONGOC_URI_WAITQUEUETIMEOUTMS, 2000);
  return uri;
}

// Runs fn on the pool and bounds the wait by the client's deadline.
template <class R, class F>
Task<R> offload(ThreadPool* pool, F fn) {
  co_return co_await pool->run(std::move(fn));
}

template <class R, class F>
Task<R> bounded(ThreadPool* pool, Duration deadline, F fn) {
  co_return co_await with_timeout(offload<R>(pool, std::move(fn)), deadline);
}

}  // namespace

// Member order is destruction order reversed: the threads stop (finishing started calls)
// before the connection pool goes, and both before the options they read.
struct Client::Impl {
  explicit Impl(Options o)
      : options(std::move(o)),
        uri((init_once(), make_uri(options))),
        pool(mongoc_client_pool_new(uri.get())),
        threads("mongo", options.threads, options.queue) {
    if (!pool) throw std::invalid_argument("MONGO_URL: libmongoc refused the URI");
    mongoc_client_pool_set_error_api(pool.get(), MONGOC_ERROR_API_VERSION_2);
    mongoc_client_pool_set_appname(pool.get(), "microservices");
  }

  detail::Target target(std::string collection) const {
    return detail::Target{pool.get(), options.database, std::move(collection)};
  }

  Options options;
  detail::UriPtr uri;
  detail::PoolPtr pool;
  ThreadPool threads;
};

Client::Client(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;

const Options& Client::options() const noexcept { return impl_->options; }

std::string Client::effective_url() const { return mongoc_uri_get_string(impl_->uri.get()); }

std::size_t Client::queued() const { return impl_->threads.queued(); }

Task<void> Client::insert(std::string collection, Value doc) {
  auto t = impl_->target(std::move(collection));
  co_await bounded<void>(&impl_->threads, impl_->options.deadline,
                         [t = std::move(t), doc = std::move(doc)] { detail::insert_one(t, doc); });
}

Task<BatchOutcome> Client::insert_batch(std::string collection, std::vector<Value> docs) {
  if (docs.empty()) co_return BatchOutcome{};
  auto t = impl_->target(std::move(collection));
  co_return co_await bounded<BatchOutcome>(
      &impl_->threads, impl_->options.deadline,
      [t = std::move(t), docs = std::move(docs)] { return detail::insert_unordered(t, docs); });
}

Task<std::size_t> Client::insert_many(std::string collection, std::vector<Value> docs) {
  BatchOutcome out = co_await insert_batch(std::move(collection), std::move(docs));
  if (!out.failed.empty()) throw out.failed.front().second;
  co_return out.inserted;
}

Task<std::vector<Value>> Client::find(std::string collection, FindQuery q) {
  auto t = impl_->target(std::move(collection));
  co_return co_await bounded<std::vector<Value>>(
      &impl_->threads, impl_->options.deadline,
      [t = std::move(t), q = std::move(q)] { return detail::find(t, q); });
}

Task<Value> Client::explain(std::string collection, FindQuery q) {
  Value find = Value::object();
  find.set("find", Value::string(collection));
  if (q.filter.present()) find.set("filter", q.filter);
  if (q.sort.present()) find.set("sort", q.sort);
  if (q.limit > 0) find.set("limit", Value::integer(q.limit));
  if (q.projection.present()) find.set("projection", q.projection);
  Value cmd = Value::object();
  cmd.set("explain", find);
  cmd.set("verbosity", Value::string("executionStats"));
  co_return co_await command(std::move(cmd));
}

Task<Value> Client::command(Value cmd) {
  auto t = impl_->target("");
  co_return co_await bounded<Value>(
      &impl_->threads, impl_->options.deadline,
      [t = std::move(t), cmd = std::move(cmd)] { return detail::command(t, cmd); });
}

Task<bool> Client::ping() {
  Value cmd = Value::object();
  cmd.set("ping", Value::integer(1));
  try {
    co_await command(std::move(cmd));
  } catch (const Error& e) {
    log::debug("mongo ping failed: {}", e.what());
    co_return false;
  }
  co_return true;
}

Task<bool> Client::create_capped(std::string collection, std::int64_t max_bytes,
                                 std::int64_t max_docs) {
  Value cmd = Value::object();
  cmd.set("create", Value::string(collection));
  cmd.set("capped", Value::boolean(true));
  cmd.set("size", Value::integer(max_bytes));
  if (max_docs > 0) cmd.set("max", Value::integer(max_docs));
  try {
    co_await command(std::move(cmd));
  } catch (const Error& e) {
    if (e.kind() == Error::Kind::server && e.code() == detail::kNamespaceExists) co_return false;
    throw;
  }
  co_return true;
}

Task<void> Client::drop(std::string collection) {
  auto t = impl_->target(std::move(collection));
  co_await bounded<void>(&impl_->threads, impl_->options.deadline,
                         [t = std::move(t)] { detail::drop(t); });
}

}  // namespace core::mongo
