#pragma once
// RAII for the libmongoc/libbson handles the driver uses, and the one helper that turns a
// bson_error_t into a core::mongo::Error. Internal to core/mongo: the only header that
// includes mongoc.h.
#include <mongoc/mongoc.h>

#include <memory>
#include <string_view>
#include <utility>

#include "core/mongo/error.hpp"

namespace core::mongo::detail {

struct UriDeleter {
  void operator()(mongoc_uri_t* p) const noexcept { mongoc_uri_destroy(p); }
};
struct PoolDeleter {
  void operator()(mongoc_client_pool_t* p) const noexcept { mongoc_client_pool_destroy(p); }
};
struct CollectionDeleter {
  void operator()(mongoc_collection_t* p) const noexcept { mongoc_collection_destroy(p); }
};
struct DatabaseDeleter {
  void operator()(mongoc_database_t* p) const noexcept { mongoc_database_destroy(p); }
};
struct CursorDeleter {
  void operator()(mongoc_cursor_t* p) const noexcept { mongoc_cursor_destroy(p); }
};

using UriPtr = std::unique_ptr<mongoc_uri_t, UriDeleter>;
using PoolPtr = std::unique_ptr<mongoc_client_pool_t, PoolDeleter>;
using CollectionPtr = std::unique_ptr<mongoc_collection_t, CollectionDeleter>;
using DatabasePtr = std::unique_ptr<mongoc_database_t, DatabaseDeleter>;
using CursorPtr = std::unique_ptr<mongoc_cursor_t, CursorDeleter>;
/// An owned heap bson_t (bson_new), freed with bson_destroy. Not a unique_ptr: bson_t is
/// declared 128-byte aligned, and unique_ptr<bson_t>::pointer loses that attribute.
class BsonPtr {
 public:
  BsonPtr() noexcept = default;
  explicit BsonPtr(bson_t* owned) noexcept : p_(owned) {}
  BsonPtr(BsonPtr&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  BsonPtr& operator=(BsonPtr&& other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~BsonPtr() {
    if (p_ != nullptr) bson_destroy(p_);
  }
  bson_t* get() const noexcept { return p_; }

 private:
  bson_t* p_ = nullptr;
};

inline BsonPtr make_bson() { return BsonPtr(bson_new()); }

/// A reply document the driver initializes (always, even on failure) and we destroy.
class Reply {
 public:
  Reply() noexcept { bson_init(&doc_); }
  ~Reply() { bson_destroy(&doc_); }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  bson_t* get() noexcept { return &doc_; }
  const bson_t& operator*() const noexcept { return doc_; }

 private:
  bson_t doc_;
};

/// A client popped from the pool for the length of one blocking call, pushed back after.
/// Throws Error(unavailable) when none frees up within the URI's waitQueueTimeoutMS.
class PooledClient {
 public:
  explicit PooledClient(mongoc_client_pool_t* pool);
  ~PooledClient() { mongoc_client_pool_push(pool_, client_); }
  PooledClient(const PooledClient&) = delete;
  PooledClient& operator=(const PooledClient&) = delete;
  mongoc_client_t* get() const noexcept { return client_; }

 private:
  mongoc_client_pool_t* pool_;
  mongoc_client_t* client_;
};

/// The Error for a failed libmongoc call: "mongo <what>: <message>", classified by domain/code.
Error to_error(const bson_error_t& error, std::string_view what);

/// Throws to_error(error, what) unless ok.
inline void check(bool ok, const bson_error_t& error, std::string_view what) {
  if (!ok) throw to_error(error, what);
}

}  // namespace core::mongo::detail
