#pragma once
/// @file
/// What the AMQP driver throws. Callers map them to HTTP: ConnectionError and Blocked -> 503
/// with Retry-After, Nacked/Unroutable -> 502 or 503, core::TimeoutError -> 504.
#include <stdexcept>
#include <string>

namespace core::amqp {

/// Base of every AMQP driver error.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Not connected, or the connection was lost while the operation was in flight (an
/// unconfirmed publish may or may not have reached the broker: retry, the store is idempotent).
struct ConnectionError : Error {
  using Error::Error;
};

/// The broker closed a channel or the connection with an error (a failed declare, a publish
/// to a missing exchange, ...). `code` is the AMQP reply code (404, 406, 320, ...).
struct ServerError : ConnectionError {
  ServerError(int code, const std::string& what) : ConnectionError(what), code(code) {}
  int code;
};

/// The broker blocked publishing (connection.blocked: memory or disk alarm). Answer 503 at
/// once rather than waiting.
struct Blocked : Error {
  Blocked() : Error("amqp: the broker is blocking publishers (resource alarm)") {}
};

/// The broker refused the message (basic.nack).
struct Nacked : Error {
  Nacked() : Error("amqp: the broker nacked the message") {}
};

/// A mandatory message matched no queue (basic.return).
struct Unroutable : Error {
  explicit Unroutable(const std::string& what) : Error(what) {}
};

}  // namespace core::amqp
