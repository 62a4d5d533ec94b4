#pragma once
// How documents cross the driver's edge: callers build and read wire::json::Value, the driver
// converts to and from BSON. JSON has no date type, so the two directions are explicit:
//   to the server:   date(ms) — an object {"$date": <ms>} — becomes a BSON date;
//   from the server: a BSON date becomes an RFC 3339 string in UTC with milliseconds
//                    ("2024-05-06T07:08:09.123Z") and an ObjectId its 24-digit hex string.
// No other "$" form is interpreted, so data that happens to contain "$" keys stays data.
#include <cstdint>
#include <string>

#include "wire/json/value.hpp"

namespace core::mongo {

/// The marker for a BSON date: `doc.set("created_at", mongo::date(now_ms()))`.
wire::json::Value date(std::int64_t unix_ms);

/// Milliseconds since the Unix epoch, from the system clock.
std::int64_t now_ms() noexcept;

/// "YYYY-MM-DDTHH:MM:SS.mmmZ" for a time in milliseconds since the Unix epoch.
std::string format_rfc3339(std::int64_t unix_ms);

}  // namespace core::mongo
