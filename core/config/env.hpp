#pragma once
// Configuration from the environment (12-factor). Getters never throw: a bad value records one
// line naming the variable and the getter returns the default, so a service reads everything,
// then exit_if_invalid() reports every mistake at once.
#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core::config {

/// Reads one variable; nullopt when unset.
using Lookup = std::function<std::optional<std::string>(const std::string& name)>;

/// Lookup through getenv(3).
std::optional<std::string> getenv_lookup(const std::string& name);

/// A variable set to the empty string counts as unset everywhere (compose files write `X=`).
/// Every variable NAME may instead be given as NAME_FILE, the path of a file holding the value
/// (one trailing line break dropped; read when the variable is read, at start-up): how
/// secrets (DSN, MAIL_PASSWORD, INTERNAL_TOKEN, RABBIT_URL) reach a container without being in
/// its environment. Both set, or an unreadable file, is an error naming them.
class Env {
 public:
  Env();  // reads the process environment
  explicit Env(Lookup lookup);
  /// For tests: the given variables and nothing else.
  static Env from_map(std::map<std::string, std::string> vars);

  /// The raw value, or `def`.
  std::string str(std::string_view name, std::string_view def);
  /// The raw value; unset records "config: NAME is required".
  std::string required(std::string_view name);
  /// A base-10 integer in [min, max].
  int integer(std::string_view name, int def, int min, int max);
  /// "500ms", "10s", "2m", "1h", or a plain number of milliseconds, in [min, max].
  std::chrono::milliseconds duration(std::string_view name, std::chrono::milliseconds def,
                                     std::chrono::milliseconds min = std::chrono::milliseconds(0),
                                     std::chrono::milliseconds max = std::chrono::hours(24));
  /// 1/0, true/false, yes/no, on/off (any case).
  bool boolean(std::string_view name, bool def);
  /// Comma-separated, each item trimmed, empty items dropped.
  std::vector<std::string> list(std::string_view name, std::vector<std::string> def = {});
  /// One of `allowed` (exact match after trimming).
  std::string one_of(std::string_view name, std::string_view def,
                     std::initializer_list<std::string_view> allowed);
  /// scheme://[user[:pass]@]host[:port][/path][?query] (see url.hpp); an unset variable with
  /// an empty default gives "" without error.
  std::string url(std::string_view name, std::string_view def);

  bool ok() const noexcept { return errors_.empty(); }
  const std::vector<std::string>& errors() const noexcept { return errors_; }
  /// Records a custom error line ("config: " is prefixed).
  void fail(std::string line);

 private:
  std::optional<std::string> get(std::string_view name) const;
  void invalid(std::string_view name, std::string_view expected, std::string_view got);
  void record(std::string line) const;

  Lookup lookup_;
  mutable std::vector<std::string> errors_;  // get() records a bad NAME_FILE
};

/// Prints each error line to stderr and exits with status 2 when there is any.
void exit_if_invalid(const Env& env);

/// "500ms", "10s", "2m", "1h": the largest unit that divides the value exactly.
std::string format_duration(std::chrono::milliseconds d);

}  // namespace core::config
