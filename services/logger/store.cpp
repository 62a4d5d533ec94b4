#include "services/logger/store.hpp"

#include <algorithm>

#include "core/trace/semconv.hpp"

namespace logger {

using wire::json::Value;

Value make_document(const wire::contracts::LogPayload& p, const std::string& id, std::int64_t now_ms) {
  Value doc = Value::object();
  if (!id.empty()) doc.set("_id", Value::string(id));
  doc.set("name", Value::string(p.name));
  doc.set("data", Value::string(p.data));
  doc.set("created_at", core::mongo::date(now_ms));
  doc.set("updated_at", core::mongo::date(now_ms));
  return doc;
}

core::mongo::FindQuery recent_query(std::size_t limit, const std::optional<std::string>& name) {
  core::mongo::FindQuery q;
  q.filter = Value::object();
  if (name) q.filter.set("name", Value::string(*name));
  q.sort = Value::object();
  q.sort.set("$natural", Value::integer(-1));
  q.limit = static_cast<std::int64_t>(limit);
  return q;
}

namespace {
core::mongo::GroupCommitOptions with_mirror(core::mongo::GroupCommitOptions o, std::string mirror) {
  o.mirror = std::move(mirror);
  return o;
}
}  // namespace

Store::Store(std::shared_ptr<core::mongo::Client> client, const Settings& settings)
    : client_(std::move(client)),
      collection_(settings.collection),
      recent_(settings.recent),
      recent_docs_(settings.recent_docs),
      timeout_(settings.timeout),
      group_(*client_, settings.collection, with_mirror(settings.group, settings.recent)) {}

core::Task<void> Store::ensure_recent() {
  // One creation per worker: the requests of a first burst wait for it instead of each
  // sending its own (a thousand at once would fill the driver's queue).
  while (recent_creating_) co_await recent_created_.wait();
  if (recent_ready_) co_return;
  // The capped collection must exist before the first insert into it (an insert would create
  // an ordinary one, on which FerretDB refuses $natural order). Another worker may have
  // created it already: that is fine. The document cap is what bounds the window; the byte
  // cap is only a backstop and must stay well above the data: FerretDB compares it with the
  // table's size on disk, which on PostgreSQL includes the space of trimmed rows awaiting
  // reuse, and once over it deletes a tenth of the window every sweep (docs/mongo.md).
  constexpr std::int64_t kMinBytes = std::int64_t{64} << 20;
  recent_creating_ = true;
  struct Done {
    Store* store;
    ~Done() {  // success or failure: the requests waiting look again (and retry on a failure)
      store->recent_creating_ = false;
      store->recent_created_.notify_all();
    }
  } done{this};
  co_await client_->create_capped(recent_, std::max(kMinBytes, recent_docs_ * 8192), recent_docs_);
  recent_ready_ = true;
}

core::Task<void> Store::add(wire::contracts::LogPayload p, std::string id, const core::trace::Span* parent) {
  core::trace::Span span = core::trace::db_span(parent, "mongodb", "insert", "logs");
  span.set("db.namespace", std::string("logs"));
  Value doc = make_document(p, id, core::mongo::now_ms());
  std::exception_ptr error;
  try {
    if (!recent_ready_) co_await core::with_timeout(ensure_recent(), timeout_);
    // One batch writes the history and the window in parallel; with a caller-given id a retry
    // after a partial failure stores nothing twice.
    co_await core::with_timeout(group_.add(std::move(doc)), timeout_);
  } catch (...) {
    error = std::current_exception();
  }
  if (error) {
    core::trace::record_exception(span, error);
    std::rethrow_exception(error);
  }
}

namespace {
std::string string_field(const Value& doc, const char* key) {
  auto s = doc.get(key).as_string();
  return s ? std::string(*s) : std::string();
}
}  // namespace

core::Task<std::vector<Entry>> Store::recent(std::size_t limit, std::optional<std::string> name) {
  if (!recent_ready_) co_await core::with_timeout(ensure_recent(), timeout_);
  auto docs = co_await core::with_timeout(client_->find(recent_, recent_query(limit, name)), timeout_);
  std::vector<Entry> out;
  out.reserve(docs.size());
  for (const auto& d : docs) {
    out.push_back(Entry{string_field(d, "_id"), string_field(d, "name"), string_field(d, "data"),
                        string_field(d, "created_at")});
  }
  co_return out;
}

}  // namespace logger
