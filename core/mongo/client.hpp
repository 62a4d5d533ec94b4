#pragma once
// MongoDB (or FerretDB) through libmongoc's synchronous API, run on a bounded thread pool of
// the driver's own so no loop ever blocks. One Client per process, shared by every worker loop.
//
// Every call is bounded twice: by Options::deadline inside the driver, and by the caller's own
// with_timeout (cancellation reaches the pool awaiter, which resumes at once; the blocking call
// itself ends within socketTimeoutMS and its result is dropped). A full queue throws
// core::PoolFull at once; driver and server failures throw core::mongo::Error.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/mongo/document.hpp"
#include "core/mongo/error.hpp"
#include "core/runtime/task.hpp"
#include "core/runtime/timer.hpp"
#include "wire/json/value.hpp"

namespace core::mongo {

struct Options {
  /// mongodb:// URI. URI options it leaves out get defaults that suit FerretDB:
  /// retryWrites=false, serverSelectionTimeoutMS=2000, connectTimeoutMS=2000,
  /// socketTimeoutMS=<deadline>, maxPoolSize=<threads>, waitQueueTimeoutMS=2000; compressors
  /// are never added (FerretDB has none).
  std::string url;
  std::string database = "logs";
  /// Threads making blocking libmongoc calls (each holds at most one pooled connection).
  std::size_t threads = 4;
  /// Calls waiting for a thread; one more throws core::PoolFull.
  std::size_t queue = 1024;
  /// Upper bound of every call (the caller may set a tighter one with with_timeout).
  Duration deadline = std::chrono::seconds(5);
};

/// A find: filter, sort and projection are JSON objects (absent = none); limit 0 = no limit.
struct FindQuery {
  wire::json::Value filter;
  wire::json::Value sort;
  std::int64_t limit = 0;
  wire::json::Value projection;
};

/// The outcome of an unordered batch insert, per document.
struct BatchOutcome {
  std::size_t inserted = 0;
  /// Documents whose _id was already stored: success for an idempotent store.
  std::size_t duplicates = 0;
  /// Documents the server refused for another reason: (index in the batch, why).
  std::vector<std::pair<std::size_t, Error>> failed;
};

class Client {
 public:
  /// Parses the URL (std::invalid_argument naming MONGO_URL when it is malformed) and sets up
  /// the connection pool; connects lazily. Thread-safe; must outlive every call made on it.
  explicit Client(Options options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const Options& options() const noexcept;
  /// The URI libmongoc uses, defaults included.
  std::string effective_url() const;

  /// Stores doc (a JSON object; date() values become BSON dates). A document with the same
  /// _id already stored counts as success, so a repeated delivery stores once.
  Task<void> insert(std::string collection, wire::json::Value doc);

  /// Unordered insert of docs in one round trip (libmongoc splits it only past the server's
  /// batch limits). Duplicate _ids are not errors. Returns how many were newly stored; throws
  /// when any document failed for another reason.
  Task<std::size_t> insert_many(std::string collection, std::vector<wire::json::Value> docs);

  /// insert_many with each document's outcome (what GroupCommit reports to each awaiter).
  Task<BatchOutcome> insert_batch(std::string collection, std::vector<wire::json::Value> docs);

  /// The documents matching q, as JSON (dates as RFC 3339 strings, ObjectIds as hex).
  Task<std::vector<wire::json::Value>> find(std::string collection, FindQuery q);

  /// The server's plan for q (explain of a find, verbosity executionStats). MongoDB answers
  /// queryPlanner/executionStats; FerretDB adds filterPushdown, sortPushdown, limitPushdown.
  Task<wire::json::Value> explain(std::string collection, FindQuery q);

  /// True when the server answers {ping: 1} (for /readyz); false on a driver or server error.
  Task<bool> ping();

  /// Runs a database command (a JSON object, first key = command name) and returns its reply.
  Task<wire::json::Value> command(wire::json::Value cmd);

  /// Creates a capped collection of max_bytes (and at most max_docs when > 0): true when
  /// created, false when a collection of that name already existed (capped or not).
  Task<bool> create_capped(std::string collection, std::int64_t max_bytes,
                           std::int64_t max_docs = 0);

  /// Drops the collection; a missing one is not an error.
  Task<void> drop(std::string collection);

  /// Calls waiting for a pool thread now.
  std::size_t queued() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace core::mongo
