#pragma once
// Internal to core/pg, the only place that includes libpq-fe.h: RAII owners for libpq's
// objects, and the one helper that turns libpq's error reporting into our exceptions.
#include <libpq-fe.h>

#include <exception>
#include <memory>
#include <string>

namespace core::pg {

struct ConnDeleter {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
struct CancelDeleter {
  void operator()(PGcancel* c) const noexcept { PQfreeCancel(c); }
};

using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;
using CancelPtr = std::unique_ptr<PGcancel, CancelDeleter>;

/// libpq's last error on conn, without the trailing newline.
std::string conn_error(const PGconn* conn);

/// Throws ConnectionError("<what>: <libpq's message>") unless ok. For calls whose failure
/// leaves the connection unusable (PQsendQueryParams, PQpipelineSync, PQsetnonblocking, ...).
void check(bool ok, const PGconn* conn, const char* what);

/// The exception a failed statement result stands for: Error with its sqlstate, or
/// ConnectionError for the classes that mean the session is gone (08xxx, 57P01..57P03).
/// `what` (the statement's name) prefixes the message.
std::exception_ptr result_error(const PGresult* res, const char* what);

}  // namespace core::pg
