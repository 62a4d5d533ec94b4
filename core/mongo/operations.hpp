#pragma once
// The blocking libmongoc calls behind Client, each run on one of its pool threads.
// Internal to core/mongo.
#include <cstdint>
#include <string>
#include <vector>

#include "core/mongo/client.hpp"
#include "core/mongo/wrappers.hpp"

namespace core::mongo::detail {

/// Server codes the driver gives a meaning to.
inline constexpr std::uint32_t kNamespaceNotFound = 26;
inline constexpr std::uint32_t kNamespaceExists = 48;

/// Where a call goes. The strings are copies, so a call abandoned by its caller stays valid.
struct Target {
  mongoc_client_pool_t* pool;
  std::string database;
  std::string collection;
};

/// insert_one; a duplicate _id is success.
void insert_one(const Target& t, const wire::json::Value& doc);
/// insert_many with ordered=false, each document's outcome.
BatchOutcome insert_unordered(const Target& t, const std::vector<wire::json::Value>& docs);
std::vector<wire::json::Value> find(const Target& t, const FindQuery& q);
/// A command on t.database; the reply as JSON.
wire::json::Value command(const Target& t, const wire::json::Value& cmd);
/// Drops t.collection; a missing one is fine.
void drop(const Target& t);

}  // namespace core::mongo::detail
