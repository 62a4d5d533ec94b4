#include "core/mongo/operations.hpp"

#include "core/mongo/bson_json.hpp"

namespace core::mongo::detail {

using wire::json::Value;

namespace {

CollectionPtr collection(const PooledClient& c, const Target& t) {
  return CollectionPtr(
      mongoc_client_get_collection(c.get(), t.database.c_str(), t.collection.c_str()));
}

// Reads insert_many's reply: insertedCount and writeErrors [{index, code, errmsg}].
// False when the reply carries no per-document errors (the failure was the whole call's).
bool read_write_errors(const bson_t& reply, BatchOutcome* out) {
  bson_iter_t it;
  if (bson_iter_init_find(&it, &reply, "insertedCount") && BSON_ITER_HOLDS_NUMBER(&it)) {
    out->inserted = static_cast<std::size_t>(bson_iter_as_int64(&it));
  }
  bson_iter_t errors;
  if (!bson_iter_init_find(&it, &reply, "writeErrors") || !BSON_ITER_HOLDS_ARRAY(&it) ||
      !bson_iter_recurse(&it, &errors)) {
    return false;
  }
  while (bson_iter_next(&errors)) {
    bson_iter_t field;
    std::int64_t index = -1;
    std::uint32_t code = 0;
    std::string message = "write error";
    if (!BSON_ITER_HOLDS_DOCUMENT(&errors) || !bson_iter_recurse(&errors, &field)) continue;
    while (bson_iter_next(&field)) {
      std::string_view key = bson_iter_key(&field);
      if (key == "index") index = bson_iter_as_int64(&field);
      if (key == "code") code = static_cast<std::uint32_t>(bson_iter_as_int64(&field));
      if (key == "errmsg" && BSON_ITER_HOLDS_UTF8(&field))
        message = bson_iter_utf8(&field, nullptr);
    }
    if (index < 0) continue;
    if (code == kDuplicateKey) {
      ++out->duplicates;
    } else {
      out->failed.emplace_back(
          static_cast<std::size_t>(index),
          Error(Error::Kind::server, MONGOC_ERROR_SERVER, code, "mongo insert: " + message));
    }
  }
  return true;
}

bool has_field(const bson_t& doc, const char* key) {
  bson_iter_t it;
  return bson_iter_init_find(&it, &doc, key);
}

}  // namespace

void insert_one(const Target& t, const Value& doc) {
  BsonPtr bson = to_bson(doc);
  PooledClient client(t.pool);
  CollectionPtr coll = collection(client, t);
  Reply reply;
  bson_error_t error;
  if (mongoc_collection_insert_one(coll.get(), bson.get(), nullptr, reply.get(), &error)) return;
  Error e = to_error(error, "insert");
  if (e.kind() != Error::Kind::duplicate_key) throw e;
}

BatchOutcome insert_unordered(const Target& t, const std::vector<Value>& docs) {
  std::vector<BsonPtr> owned;
  std::vector<const bson_t*> ptrs;
  owned.reserve(docs.size());
  ptrs.reserve(docs.size());
  for (const auto& d : docs) {
    owned.push_back(to_bson(d));
    ptrs.push_back(owned.back().get());
  }
  BsonPtr opts = make_bson();
  BSON_APPEND_BOOL(opts.get(), "ordered", false);

  PooledClient client(t.pool);
  CollectionPtr coll = collection(client, t);
  Reply reply;
  bson_error_t error;
  BatchOutcome out;
  bool ok = mongoc_collection_insert_many(coll.get(), ptrs.data(), ptrs.size(), opts.get(),
                                          reply.get(), &error);
  if (ok) {
    read_write_errors(*reply, &out);
    return out;
  }
  // Per-document errors are outcomes; anything else (network, write concern) fails the batch.
  if (!read_write_errors(*reply, &out) || has_field(*reply, "writeConcernErrors")) {
    throw to_error(error, "insert_many");
  }
  return out;
}

std::vector<Value> find(const Target& t, const FindQuery& q) {
  BsonPtr filter = to_bson(q.filter);
  BsonPtr opts = make_bson();
  if (q.sort.present()) {
    BsonPtr sort = to_bson(q.sort);
    BSON_APPEND_DOCUMENT(opts.get(), "sort", sort.get());
  }
  if (q.projection.present()) {
    BsonPtr projection = to_bson(q.projection);
    BSON_APPEND_DOCUMENT(opts.get(), "projection", projection.get());
  }
  if (q.limit > 0) BSON_APPEND_INT64(opts.get(), "limit", q.limit);

  PooledClient client(t.pool);
  CollectionPtr coll = collection(client, t);
  CursorPtr cursor(mongoc_collection_find_with_opts(coll.get(), filter.get(), opts.get(), nullptr));
  std::vector<Value> out;
  const bson_t* doc = nullptr;
  while (mongoc_cursor_next(cursor.get(), &doc)) out.push_back(to_json(*doc));
  bson_error_t error;
  if (mongoc_cursor_error(cursor.get(), &error)) throw to_error(error, "find");
  return out;
}

Value command(const Target& t, const Value& cmd) {
  BsonPtr bson = to_bson(cmd);
  PooledClient client(t.pool);
  Reply reply;
  bson_error_t error;
  std::string what = "command";
  if (cmd.is_object() && cmd.size() > 0) what.append(" ").append((*cmd.members().begin()).key);
  check(mongoc_client_command_simple(client.get(), t.database.c_str(), bson.get(), nullptr,
                                     reply.get(), &error),
        error, what);
  return to_json(*reply);
}

void drop(const Target& t) {
  PooledClient client(t.pool);
  CollectionPtr coll = collection(client, t);
  bson_error_t error;
  if (mongoc_collection_drop_with_opts(coll.get(), nullptr, &error)) return;
  Error e = to_error(error, "drop");
  if (e.kind() == Error::Kind::server && e.code() == kNamespaceNotFound) return;
  throw e;
}

}  // namespace core::mongo::detail
