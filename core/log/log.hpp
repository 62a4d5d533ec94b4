#pragma once
// Structured logs: one JSON object per line on stderr,
//   {"level":"info","ts":"2026-11-28T06:05:24.123Z","service":"broker","msg":"...",...fields}
// Each line is formatted in a thread_local buffer and handed to the sink in one call (one
// write(2) for the default sink), so lines from different threads never interleave and no
// lock is taken. A disabled level costs one relaxed atomic load.
#include <fmt/core.h>

#include <atomic>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace core::log {

enum class Level : int { debug = 0, info = 1, warn = 2, error = 3 };

/// One extra member of a log line. Strings are written as JSON strings, numbers and booleans
/// as JSON numbers and booleans: `{"request_id", id}`, `{"status", 404}`, `{"ms", 1.5}`.
/// Holds views: the referenced strings must outlive the call.
struct Field {
  enum class Kind : unsigned char { string, signed_integer, unsigned_integer, real, boolean };

  Field(std::string_view k, std::string_view v) noexcept : key(k), kind(Kind::string), str(v) {}
  Field(std::string_view k, const char* v) noexcept : Field(k, std::string_view(v)) {}
  Field(std::string_view k, const std::string& v) noexcept : Field(k, std::string_view(v)) {}
  Field(std::string_view k, bool v) noexcept : key(k), kind(Kind::boolean), boolean(v) {}
  Field(std::string_view k, double v) noexcept : key(k), kind(Kind::real), real(v) {}
  template <std::signed_integral T>
  Field(std::string_view k, T v) noexcept : key(k), kind(Kind::signed_integer), i64(v) {}
  template <std::unsigned_integral T>
  Field(std::string_view k, T v) noexcept : key(k), kind(Kind::unsigned_integer), u64(v) {}

  std::string_view key;
  Kind kind;
  union {
    std::string_view str;
    std::int64_t i64;
    std::uint64_t u64;
    double real;
    bool boolean;
  };
};

/// Receives each finished line, newline included. Must be safe to call from any thread.
using Sink = void (*)(std::string_view line);

/// The "service" member of every line (set once at start-up, before the workers run).
void set_service(std::string name);
void set_level(Level level) noexcept;
Level level() noexcept;
/// "debug", "info", "warn" (or "warning"), "error", any case; anything else gives `fallback`.
Level parse_level(std::string_view text, Level fallback = Level::info) noexcept;
/// nullopt for an unknown name (configuration validates with this).
std::optional<Level> try_parse_level(std::string_view text) noexcept;
std::string_view level_name(Level level) noexcept;
/// Replaces the sink (tests); nullptr restores the default, write(2) to stderr.
void set_sink(Sink sink) noexcept;

namespace detail {
extern std::atomic<int> g_level;
void vwrite(Level level, std::initializer_list<Field> fields, fmt::string_view format,
            fmt::format_args args);
}  // namespace detail

inline bool enabled(Level level) noexcept {
  return static_cast<int>(level) >= detail::g_level.load(std::memory_order_relaxed);
}

/// Writes one line (if `level` is enabled) with `msg` as is.
void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

/// Formats with fmt and writes one line if `level` is enabled (arguments are not even
/// formatted otherwise).
template <class... Args>
void emit(Level level, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level)) detail::vwrite(level, {}, format, fmt::make_format_args(args...));
}

template <class... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  emit(Level::debug, format, std::forward<Args>(args)...);
}
template <class... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  emit(Level::info, format, std::forward<Args>(args)...);
}
template <class... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  emit(Level::warn, format, std::forward<Args>(args)...);
}
template <class... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  emit(Level::error, format, std::forward<Args>(args)...);
}

/// With extra members: `log::info_with({{"request_id", rid}, {"status", 200}}, "done in {}",
/// ms)`.
template <class... Args>
void emit_with(Level level, std::initializer_list<Field> fields, fmt::format_string<Args...> format,
               Args&&... args) {
  if (enabled(level)) detail::vwrite(level, fields, format, fmt::make_format_args(args...));
}
template <class... Args>
void debug_with(std::initializer_list<Field> fields, fmt::format_string<Args...> format,
                Args&&... args) {
  emit_with(Level::debug, fields, format, std::forward<Args>(args)...);
}
template <class... Args>
void info_with(std::initializer_list<Field> fields, fmt::format_string<Args...> format,
               Args&&... args) {
  emit_with(Level::info, fields, format, std::forward<Args>(args)...);
}
template <class... Args>
void warn_with(std::initializer_list<Field> fields, fmt::format_string<Args...> format,
               Args&&... args) {
  emit_with(Level::warn, fields, format, std::forward<Args>(args)...);
}
template <class... Args>
void error_with(std::initializer_list<Field> fields, fmt::format_string<Args...> format,
                Args&&... args) {
  emit_with(Level::error, fields, format, std::forward<Args>(args)...);
}

}  // namespace core::log
