#include "services/logger/store.hpp"

#include <atomic>

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

Store::Store(std::shared_ptr<core::mongo::Client> client, const Settings& settings)
    : client_(std::move(client)),
      collection_(settings.collection),
      recent_(settings.recent),
      recent_docs_(settings.recent_docs),
      timeout_(settings.timeout),
      group_(*client_, settings.collection, settings.group),
      recent_group_(*client_, settings.recent, settings.group) {}

namespace {
// Once per process: the capped collection must exist before the first insert into it (an
// insert would create an ordinary one, on which FerretDB refuses $natural order).
std::atomic<bool> recent_ready{false};
}  // namespace

core::Task<void> Store::ensure_recent() {
  if (recent_ready.load(std::memory_order_acquire)) co_return;
  // About 1 KiB per entry; the document cap is what bounds the window.
  co_await client_->create_capped(recent_, recent_docs_ * 1024, recent_docs_);
  recent_ready.store(true, std::memory_order_release);
}

core::Task<void> Store::add(wire::contracts::LogPayload p, std::string id) {
  Value doc = make_document(p, id, core::mongo::now_ms());
  co_await core::with_timeout(ensure_recent(), timeout_);
  // The history first: once it holds the entry, the request may be retried safely.
  co_await core::with_timeout(group_.add(doc), timeout_);
  co_await core::with_timeout(recent_group_.add(std::move(doc)), timeout_);
}

namespace {
std::string string_field(const Value& doc, const char* key) {
  auto s = doc.get(key).as_string();
  return s ? std::string(*s) : std::string();
}
}  // namespace

core::Task<std::vector<Entry>> Store::recent(std::size_t limit, std::optional<std::string> name) {
  co_await core::with_timeout(ensure_recent(), timeout_);
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
