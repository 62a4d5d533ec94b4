#include "wire/http/date.hpp"

#include <fmt/format.h>

namespace wire::http {

namespace {

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct CivilDate {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Howard Hinnant's days_from_civil inverse: exact for the proleptic Gregorian calendar, and
// unlike gmtime_r it neither touches the TZ environment nor takes a lock.
CivilDate civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// Floor division: times before 1970 belong to the previous day, not to day 0.
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

std::string format_http_date(std::int64_t unix_seconds) {
  const std::int64_t days = floor_div(unix_seconds, 86400);
  const std::int64_t secs = unix_seconds - days * 86400;
  const CivilDate date = civil_from_days(days);
  const auto weekday = static_cast<std::size_t>(((days % 7) + 7 + 4) % 7);  // 1970-01-01: Thursday
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kWeekdays[weekday], date.day,
                     kMonths[date.month - 1], date.year, secs / 3600, (secs / 60) % 60, secs % 60);
}

}  // namespace wire::http
