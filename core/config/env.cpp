#include "core/config/env.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "wire/url/url.hpp"

namespace core::config {
namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The offending value as it appears in the error line: quoted, one line, bounded.
std::string quote(std::string_view value) {
  std::string out = "\"";
  const std::size_t limit = 200;
  for (std::size_t i = 0; i < value.size() && i < limit; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (value.size() > limit) out += "...";
  out += '"';
  return out;
}

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T value{};
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || first == last) return std::nullopt;
  return value;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits])) != 0) ++digits;
  if (digits == 0) return std::nullopt;
  const auto count = parse_number<std::int64_t>(s.substr(0, digits));
  if (!count) return std::nullopt;
  const std::string_view unit = trim(s.substr(digits));
  std::int64_t scale = 0;
  if (unit.empty() || unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60 * 1000;
  } else if (unit == "h") {
    scale = 3600 * 1000;
  } else {
    return std::nullopt;
  }
  if (*count > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;
  return std::chrono::milliseconds(*count * scale);
}

// A secret from a *_FILE variable (Docker and Kubernetes secrets): the whole file but one
// trailing line break. Bounded: a secret is small, and a path to something else must not
// make start-up read without end.
std::optional<std::string> read_secret_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  std::size_t n = 0;
  constexpr std::size_t kMaxSecret = 64 * 1024;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && out.size() <= kMaxSecret) out.append(buf, n);
  const bool failed = std::ferror(f) != 0 || out.size() > kMaxSecret;
  std::fclose(f);
  if (failed) return std::nullopt;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return out;
}

}  // namespace

std::optional<std::string> getenv_lookup(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Env::Env() : lookup_(&getenv_lookup) {}

Env::Env(Lookup lookup) : lookup_(std::move(lookup)) {}

Env Env::from_map(std::map<std::string, std::string> vars) {
  return Env([vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

std::optional<std::string> Env::get(std::string_view name) const {
  auto value = lookup_(std::string(name));
  if (value && value->empty()) value.reset();
  const std::string file_var = std::string(name) + "_FILE";
  const auto path = lookup_(file_var);
  if (!path || path->empty()) return value;
  if (value) {
    record(fmt::format("set {} or {}, not both", name, file_var));
    return value;
  }
  auto content = read_secret_file(*path);
  if (!content) {
    record(fmt::format("{} names a file that cannot be read: {}", file_var, quote(*path)));
    return std::nullopt;
  }
  if (content->empty()) return std::nullopt;
  return content;
}

void Env::fail(std::string line) { record(std::move(line)); }

void Env::record(std::string line) const {
  line = "config: " + std::move(line);
  // A variable read twice (by two settings that share it) is reported once.
  if (std::find(errors_.begin(), errors_.end(), line) == errors_.end()) errors_.push_back(std::move(line));
}

void Env::invalid(std::string_view name, std::string_view expected, std::string_view got) {
  fail(fmt::format("{} must be {}, got {}", name, expected, quote(got)));
}

std::string Env::str(std::string_view name, std::string_view def) {
  return get(name).value_or(std::string(def));
}

std::string Env::required(std::string_view name) {
  auto value = get(name);
  if (!value) {
    fail(fmt::format("{} is required", name));
    return {};
  }
  return std::move(*value);
}

int Env::integer(std::string_view name, int def, int min, int max) {
  const auto value = get(name);
  if (!value) return def;
  const auto n = parse_number<long long>(trim(*value));
  if (!n || *n < min || *n > max) {
    invalid(name, fmt::format("an integer between {} and {}", min, max), *value);
    return def;
  }
  return static_cast<int>(*n);
}

std::chrono::milliseconds Env::duration(std::string_view name, std::chrono::milliseconds def,
                                        std::chrono::milliseconds min,
                                        std::chrono::milliseconds max) {
  const auto value = get(name);
  if (!value) return def;
  const auto d = parse_duration(trim(*value));
  if (!d || *d < min || *d > max) {
    invalid(name,
            fmt::format("a duration between {} and {} (like 500ms, 10s, 2m; a plain number is "
                        "milliseconds)",
                        format_duration(min), format_duration(max)),
            *value);
    return def;
  }
  return *d;
}

bool Env::boolean(std::string_view name, bool def) {
  const auto value = get(name);
  if (!value) return def;
  const std::string v = lower(trim(*value));
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  invalid(name, "a boolean (1/0, true/false, yes/no, on/off)", *value);
  return def;
}

std::vector<std::string> Env::list(std::string_view name, std::vector<std::string> def) {
  const auto value = get(name);
  if (!value) return def;
  std::vector<std::string> items;
  std::string_view rest = *value;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return items;
}

std::string Env::one_of(std::string_view name, std::string_view def,
                        std::initializer_list<std::string_view> allowed) {
  const auto value = get(name);
  if (!value) return std::string(def);
  const std::string_view v = trim(*value);
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return std::string(v);
  std::string choices;
  for (std::string_view a : allowed) {
    if (!choices.empty()) choices += '|';
    choices += a;
  }
  invalid(name, "one of " + choices, *value);
  return std::string(def);
}

std::string Env::url(std::string_view name, std::string_view def) {
  const auto value = get(name);
  if (!value) return std::string(def);
  const std::string_view v = trim(*value);
  if (!wire::parse_url(v)) {
    invalid(name, "a URL like scheme://host[:port][/path]", wire::redact_url(*value));
    return std::string(def);
  }
  return std::string(v);
}

void exit_if_invalid(const Env& env) {
  if (env.ok()) return;
  for (const std::string& line : env.errors()) std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  std::exit(2);
}

std::string format_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms != 0 && ms % 3600000 == 0) return fmt::format("{}h", ms / 3600000);
  if (ms != 0 && ms % 60000 == 0) return fmt::format("{}m", ms / 60000);
  if (ms != 0 && ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

}  // namespace core::config
