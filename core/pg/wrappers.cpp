#include "core/pg/wrappers.hpp"

#include <fmt/format.h>

#include <string_view>

#include "core/pg/error.hpp"

namespace core::pg {

namespace {
// libpq's messages end in a newline and continue lines with "\n\t": one line for the logs.
std::string trimmed(const char* msg) {
  std::string s;
  for (const char* p = msg ? msg : ""; *p; ++p) {
    if (*p == '\n' || *p == '\t') {
      if (!s.empty() && s.back() != ' ') s.push_back(' ');
    } else {
      s.push_back(*p);
    }
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

bool means_connection_lost(std::string_view state) {
  return state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03";
}
}  // namespace

std::string conn_error(const PGconn* conn) {
  std::string s = trimmed(PQerrorMessage(conn));
  return s.empty() ? "connection failed" : s;
}

void check(bool ok, const PGconn* conn, const char* what) {
  if (!ok) throw ConnectionError(fmt::format("{}: {}", what, conn_error(conn)));
}

std::exception_ptr result_error(const PGresult* res, const char* what) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
  std::string message = primary ? primary : trimmed(PQresultErrorMessage(res));
  if (message.empty()) message = PQresStatus(PQresultStatus(res));
  if (detail) message = fmt::format("{} ({})", message, detail);
  message = fmt::format("{}: {}", what, message);
  std::string code = state ? state : "";
  if (means_connection_lost(code)) {
    return std::make_exception_ptr(ConnectionError(message, std::move(code)));
  }
  return std::make_exception_ptr(Error(message, std::move(code)));
}

}  // namespace core::pg
