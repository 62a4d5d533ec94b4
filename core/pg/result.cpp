#include "core/pg/result.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>
#include <stdexcept>

#include "core/pg/error.hpp"
#include "core/pg/wrappers.hpp"

namespace core::pg {

namespace detail {

bool parse(std::string_view text, std::string& out) {
  out.assign(text);
  return true;
}

template <class N>
static bool parse_number(std::string_view text, N& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

bool parse(std::string_view text, std::int64_t& out) { return parse_number(text, out); }
bool parse(std::string_view text, int& out) { return parse_number(text, out); }
bool parse(std::string_view text, double& out) {
  // from_chars does not read PostgreSQL's spellings of the special values.
  if (text == "NaN") {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text == "Infinity" || text == "-Infinity") {
    out = text[0] == '-' ? -std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::infinity();
    return true;
  }
  return parse_number(text, out);
}

bool parse(std::string_view text, bool& out) {
  if (text != "t" && text != "f") return false;
  out = text == "t";
  return true;
}

}  // namespace detail

void Result::Free::operator()(pg_result* res) const noexcept { PQclear(res); }

int Result::rows() const noexcept { return res_ ? PQntuples(res_.get()) : 0; }

int Result::columns() const noexcept { return res_ ? PQnfields(res_.get()) : 0; }

std::string_view Result::column_name(int c) const {
  if (c < 0 || c >= columns()) throw std::out_of_range(fmt::format("no column {}", c));
  return PQfname(res_.get(), c);
}

int Result::column(std::string_view name) const {
  for (int c = 0, n = columns(); c < n; ++c) {
    if (name == PQfname(res_.get(), c)) return c;
  }
  throw std::out_of_range(fmt::format("no column \"{}\" in the result", name));
}

void Result::check(int row, int col) const {
  if (col < 0 || col >= columns()) throw std::out_of_range(fmt::format("no column {}", col));
  if (row < 0 || row >= rows()) {
    throw std::out_of_range(fmt::format("no row {} (the result has {})", row, rows()));
  }
}

bool Result::is_null(int row, int col) const {
  check(row, col);
  return PQgetisnull(res_.get(), row, col) != 0;
}

std::string_view Result::text(int row, int col) const {
  check(row, col);
  return {PQgetvalue(res_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
}

void Result::null_value(int row, int col) const {
  throw Error(fmt::format("column \"{}\" of row {} is NULL (read it as std::optional)",
                          column_name(col), row));
}

void Result::conversion_failed(int row, int col, const char* type) const {
  throw Error(fmt::format("column \"{}\" of row {}: \"{}\" is not a valid {}", column_name(col),
                          row, text(row, col), type));
}

std::int64_t Result::affected() const {
  if (!res_) return 0;
  std::int64_t n = 0;
  detail::parse(PQcmdTuples(res_.get()), n);
  return n;
}

std::string_view Result::command_status() const {
  return res_ ? PQcmdStatus(res_.get()) : std::string_view();
}

}  // namespace core::pg
