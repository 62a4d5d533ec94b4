#pragma once
// What the mongo driver throws. Callers map kind() to an answer: unavailable -> 503,
// everything else -> 500 (a deadline passed surfaces as core::TimeoutError, a full pool as
// core::PoolFull, both from the runtime).
#include <cstdint>
#include <stdexcept>
#include <string>

namespace core::mongo {

/// libmongoc's domain/code pair plus a coarse classification.
class Error : public std::runtime_error {
 public:
  enum class Kind {
    unavailable,    ///< no server selected in time, connection refused or dropped, socket timeout
    duplicate_key,  ///< E11000 (the driver treats it as success where the store is idempotent)
    server,         ///< the server refused the command (bad filter, unsupported feature, ...)
    invalid,        ///< the caller passed something the driver cannot encode
  };

  Error(Kind kind, std::uint32_t domain, std::uint32_t code, const std::string& message)
      : std::runtime_error(message), kind_(kind), domain_(domain), code_(code) {}

  Kind kind() const noexcept { return kind_; }
  /// libmongoc's error domain (mongoc_error_domain_t); 0 for errors raised by this driver.
  std::uint32_t domain() const noexcept { return domain_; }
  /// libmongoc's or the server's error code (11000 for a duplicate key).
  std::uint32_t code() const noexcept { return code_; }

 private:
  Kind kind_;
  std::uint32_t domain_;
  std::uint32_t code_;
};

/// The server's code for a duplicate key on insert.
inline constexpr std::uint32_t kDuplicateKey = 11000;

}  // namespace core::mongo
