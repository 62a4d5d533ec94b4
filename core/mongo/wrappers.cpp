#include "core/mongo/wrappers.hpp"

#include <string>

namespace core::mongo::detail {

PooledClient::PooledClient(mongoc_client_pool_t* pool)
    : pool_(pool), client_(mongoc_client_pool_pop(pool)) {
  // pop returns NULL only when waitQueueTimeoutMS passed with every client in use.
  if (client_ == nullptr) {
    throw Error(Error::Kind::unavailable, 0, 0,
                "mongo: no free connection in the pool within waitQueueTimeoutMS");
  }
}

namespace {

Error::Kind classify(const bson_error_t& e) {
  switch (e.domain) {
    case MONGOC_ERROR_STREAM:
    case MONGOC_ERROR_SERVER_SELECTION:
    case MONGOC_ERROR_PROTOCOL:
      return Error::Kind::unavailable;
    case MONGOC_ERROR_BSON:
      return Error::Kind::invalid;
    case MONGOC_ERROR_COMMAND:
      return e.code == MONGOC_ERROR_COMMAND_INVALID_ARG ? Error::Kind::invalid
                                                        : Error::Kind::server;
    default:
      break;
  }
  if (e.code == kDuplicateKey) return Error::Kind::duplicate_key;
  return Error::Kind::server;
}

}  // namespace

Error to_error(const bson_error_t& error, std::string_view what) {
  std::string message = "mongo ";
  message.append(what);
  message.append(": ");
  message.append(error.message);
  return Error(classify(error), error.domain, error.code, message);
}

}  // namespace core::mongo::detail
