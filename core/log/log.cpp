#include "core/log/log.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <ctime>
#include <deque>
#include <mutex>

#include "core/log/trace_ids.hpp"
#include "wire/json/escape.hpp"

namespace core::log {
namespace detail {
std::atomic<int> g_level{static_cast<int>(Level::info)};
}  // namespace detail

namespace {

void write_stderr(std::string_view line) {
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n > 0) {
      p += n;
      left -= static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      // Someone made stderr non-blocking: wait for room rather than drop half a line.
      pollfd pfd{STDERR_FILENO, POLLOUT, 0};
      ::poll(&pfd, 1, 100);
    } else {
      return;  // nowhere left to report a failed log write
    }
  }
}

std::atomic<Sink> g_sink{&write_stderr};

// `,"service":"<name>"`, pre-escaped. Old versions stay alive (set_service is called once or
// twice per process) so that a thread reading the previous pointer never sees freed memory.
// Constant-initialized, so a line written during static initialization still works.
std::atomic<const std::string*> g_service{nullptr};
std::mutex g_service_mutex;
std::deque<std::string>& service_versions() {
  static auto* versions = new std::deque<std::string>();  // never destroyed: see above
  return *versions;
}

constexpr std::string_view kLevelNames[] = {"debug", "info", "warn", "error"};

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// Appends "2026-11-28T06:05:24.123Z"; the calendar part is recomputed once a second per thread.
void append_timestamp(std::string& out) {
  using namespace std::chrono;
  thread_local std::int64_t cached_second = -1;
  thread_local char cached[20];  // "YYYY-MM-DDTHH:MM:SS"
  const auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const std::int64_t second = now / 1000;
  if (second != cached_second) {
    const std::time_t t = static_cast<std::time_t>(second);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second = second;
  }
  out.append(cached, 19);
  const auto ms = static_cast<int>(now % 1000);
  const char tail[5] = {'.', static_cast<char>('0' + ms / 100),
                        static_cast<char>('0' + ms / 10 % 10), static_cast<char>('0' + ms % 10),
                        'Z'};
  out.append(tail, sizeof tail);
}

void append_field(std::string& out, const Field& f) {
  out += ',';
  wire::json::append_json_string(out, f.key);
  out += ':';
  switch (f.kind) {
    case Field::Kind::string:
      wire::json::append_json_string(out, f.str);
      break;
    case Field::Kind::signed_integer:
      fmt::format_to(std::back_inserter(out), "{}", f.i64);
      break;
    case Field::Kind::unsigned_integer:
      fmt::format_to(std::back_inserter(out), "{}", f.u64);
      break;
    case Field::Kind::real:
      if (std::isfinite(f.real)) {
        fmt::format_to(std::back_inserter(out), "{}", f.real);
      } else {
        out += "null";
      }
      break;
    case Field::Kind::boolean:
      out += f.boolean ? "true" : "false";
      break;
  }
}

// "trace_id" and "span_id" of the running coroutine's request, unless the caller gave them.
void append_trace_ids(std::string& out, std::initializer_list<Field> fields) {
  const TraceIds& ids = current_trace_ids();
  if (!ids.set) return;
  for (const Field& f : fields) {
    if (f.key == "trace_id") return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += R"(,"trace_id":")";
  for (std::uint8_t b : ids.trace_id) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  out += R"(","span_id":")";
  for (std::uint8_t b : ids.span_id) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  out += '"';
}

void write_line(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  thread_local std::string line;
  line.clear();
  line += R"({"level":")";
  line += level_name(level);
  line += R"(","ts":")";
  append_timestamp(line);
  line += '"';
  const std::string* service = g_service.load(std::memory_order_acquire);
  line += service != nullptr ? std::string_view(*service) : R"(,"service":"")";
  line += R"(,"msg":)";
  wire::json::append_json_string(line, msg);
  for (const Field& f : fields) append_field(line, f);
  append_trace_ids(line, fields);
  line += "}\n";
  g_sink.load(std::memory_order_acquire)(line);
  // Keep one long line from pinning a large buffer in every thread.
  if (line.capacity() > 64 * 1024) std::string().swap(line);
}

}  // namespace

void set_service(std::string name) {
  std::string fragment = R"(,"service":)";
  wire::json::append_json_string(fragment, name);
  std::lock_guard lock(g_service_mutex);
  g_service.store(&service_versions().emplace_back(std::move(fragment)), std::memory_order_release);
}

void set_level(Level level) noexcept {
  detail::g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

Level level() noexcept {
  return static_cast<Level>(detail::g_level.load(std::memory_order_relaxed));
}

std::optional<Level> try_parse_level(std::string_view text) noexcept {
  for (int i = 0; i < 4; ++i) {
    if (iequals(text, kLevelNames[i])) return static_cast<Level>(i);
  }
  if (iequals(text, "warning")) return Level::warn;
  return std::nullopt;
}

Level parse_level(std::string_view text, Level fallback) noexcept {
  return try_parse_level(text).value_or(fallback);
}

std::string_view level_name(Level level) noexcept {
  const auto i = static_cast<std::size_t>(level);
  return i < std::size(kLevelNames) ? kLevelNames[i] : "info";
}

void set_sink(Sink sink) noexcept {
  g_sink.store(sink != nullptr ? sink : &write_stderr, std::memory_order_release);
}

void write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  try {
    write_line(level, msg, fields);
  } catch (...) {
    // Out of memory while logging: nothing sensible to do, and logging must never throw.
  }
}

namespace detail {

void vwrite(Level level, std::initializer_list<Field> fields, fmt::string_view format,
            fmt::format_args args) {
  try {
    thread_local fmt::memory_buffer msg;
    msg.clear();
    fmt::vformat_to(std::back_inserter(msg), format, args);
    write_line(level, std::string_view(msg.data(), msg.size()), fields);
    if (msg.capacity() > 64 * 1024) msg = fmt::memory_buffer();
  } catch (...) {
    // A formatter that throws, or out of memory: logging must never throw.
  }
}

}  // namespace detail
}  // namespace core::log
