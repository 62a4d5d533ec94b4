#pragma once
// What a failed store becomes, the same on every transport: the store unreachable or its
// queue full is "unavailable" (HTTP 503, gRPC UNAVAILABLE / RESOURCE_EXHAUSTED), its deadline
// passed is "timed out" (504, DEADLINE_EXCEEDED), anything else "failed" (500, INTERNAL). The
// texts are part of the contract: over Go RPC an error reply carries only its text, and the
// broker tells an outage and a timeout from other errors by it (wire/contracts/log_errors.hpp).
#include <exception>
#include <string_view>

#include "wire/contracts/log_errors.hpp"

namespace logger {

struct StoreFailure {
  enum class Kind { unavailable, busy, timed_out, failed };
  Kind kind;
  std::string_view message;  // one of wire::contracts' store texts
};

/// Classifies what the store threw; the unexpected failures are logged here, once.
StoreFailure describe_store_failure(const std::exception_ptr& error);

}  // namespace logger
