#pragma once
// BSON <-> wire::json::Value, with the date rules of document.hpp. Internal to core/mongo.
#include "core/mongo/document.hpp"
#include "core/mongo/wrappers.hpp"

namespace core::mongo::detail {

/// A JSON object as a BSON document. Throws Error(invalid) for a non-object or a key BSON
/// cannot hold (embedded NUL). An absent or null value gives an empty document.
BsonPtr to_bson(const wire::json::Value& object);

/// A BSON document as a JSON object (dates as RFC 3339, ObjectIds as hex, decimals as
/// strings, rarer types as libbson's relaxed extended JSON).
wire::json::Value to_json(const bson_t& doc);

}  // namespace core::mongo::detail
