#pragma once
// Where log entries live: MongoDB (or FerretDB), collection logs.logs, documents
// {_id, name, data, created_at, updated_at} — the whole history, unique by _id, so a
// caller-given id makes a repeated delivery a no-op. Inserts from concurrent requests of one
// worker go out together (group commit), each batch to the history and the window at once.
//
// GET /logs reads a second, capped collection (logs_recent) holding the newest entries in
// insertion order: FerretDB's SQLite backend pushes down only $natural order, and only on a
// capped collection, and even then reads every row before applying the limit (docs/mongo.md).
// A capped window keeps that read bounded whatever the history holds; on MongoDB the same
// query is a backward scan that stops at the limit.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/mongo/client.hpp"
#include "core/mongo/group_commit.hpp"
#include "core/runtime/wait_list.hpp"
#include "core/trace/span.hpp"
#include "services/logger/settings.hpp"
#include "wire/contracts/payloads.hpp"

namespace logger {

struct Entry {
  std::string id;
  std::string name;
  std::string data;
  std::string created_at;  // RFC 3339
};

/// The document stored for an entry (`id` empty: the server assigns an ObjectId).
wire::json::Value make_document(const wire::contracts::LogPayload& p, const std::string& id, std::int64_t now_ms);

/// Newest first, without a full scan: FerretDB's SQLite backend pushes down only $natural
/// order (and MongoDB walks the collection backwards and stops at the limit).
core::mongo::FindQuery recent_query(std::size_t limit, const std::optional<std::string>& name);

class Store {
 public:
  Store(std::shared_ptr<core::mongo::Client> client, const Settings& settings);

  /// Stores one entry; a duplicate id is success. Throws mongo::Error, TimeoutError, PoolFull.
  /// `parent`: the request's span; the write is its child span (db.system.name mongodb).
  core::Task<void> add(wire::contracts::LogPayload p, std::string id, const core::trace::Span* parent = nullptr);

  core::Task<std::vector<Entry>> recent(std::size_t limit, std::optional<std::string> name);

 private:
  core::Task<void> ensure_recent();

  std::shared_ptr<core::mongo::Client> client_;
  std::string collection_;
  std::string recent_;
  std::int64_t recent_docs_;
  core::Duration timeout_;
  bool recent_ready_ = false;     // the window exists (this worker created or found it)
  bool recent_creating_ = false;  // a request of this worker is creating it
  core::WaitList recent_created_;  // the others wait here until that creation ends
  core::mongo::GroupCommit group_;  // the history, mirrored to the window
};

}  // namespace logger
