#pragma once
// What the PostgreSQL driver throws. Callers map ConnectionError and PoolTimeout to 503 (the
// database is unreachable or saturated), Error with a sqlstate to the case it names (23505 ->
// 409, ...) and anything else to 500. Deadlines and cancellation surface as core::TimeoutError
// and core::Cancelled, as everywhere in the runtime.
#include <stdexcept>
#include <string>
#include <string_view>

namespace core::pg {

/// A statement failed, or the driver could not run it. sqlstate() is the server's five-character
/// code ("23505" unique violation, "42P01" undefined table, ...), empty when the failure did not
/// come from the server.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::string sqlstate = {})
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

/// The connection could not be made or was lost (server down or restarting, network, EOF,
/// administrator shutdown): the statement may or may not have run. Maps to 503.
class ConnectionError : public Error {
 public:
  using Error::Error;
};

/// No connection or pipeline slot freed up within the pool's acquire timeout, or the queue of
/// waiting requests is full. Maps to 503 with Retry-After.
class PoolTimeout : public Error {
 public:
  using Error::Error;
};

/// SQLSTATE codes callers commonly branch on.
namespace sqlstate {
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kForeignKeyViolation = "23503";
inline constexpr std::string_view kNotNullViolation = "23502";
inline constexpr std::string_view kCheckViolation = "23514";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";
inline constexpr std::string_view kQueryCanceled = "57014";
inline constexpr std::string_view kUndefinedTable = "42P01";
inline constexpr std::string_view kSyntaxError = "42601";
}  // namespace sqlstate

}  // namespace core::pg
