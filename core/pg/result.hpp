#pragma once
// The rows one statement returned, read in place from libpq's result (move-only, freed with
// it). Values are text format; get<T>() parses them and throws pg::Error naming the column when
// a value is NULL where T cannot hold it, or does not parse as T.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

struct pg_result;  // PGresult, from libpq-fe.h (kept out of public headers)

namespace core::pg {

namespace detail {
// Text-format decoders: false when `text` is not a valid T.
bool parse(std::string_view text, std::string& out);
bool parse(std::string_view text, std::int64_t& out);
bool parse(std::string_view text, int& out);
bool parse(std::string_view text, bool& out);
bool parse(std::string_view text, double& out);

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
}  // namespace detail

class Result {
 public:
  Result() noexcept = default;
  /// Takes ownership of a PGresult.
  explicit Result(pg_result* res) noexcept : res_(res) {}
  Result(Result&&) noexcept = default;
  Result& operator=(Result&&) noexcept = default;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() = default;

  int rows() const noexcept;
  int columns() const noexcept;
  bool empty() const noexcept { return rows() == 0; }

  /// Name of column c. Throws std::out_of_range.
  std::string_view column_name(int c) const;
  /// Index of the column named exactly `name`. Throws std::out_of_range when there is none.
  int column(std::string_view name) const;

  /// Throws std::out_of_range for a row or column outside the result.
  bool is_null(int row, int col) const;
  bool is_null(int row, std::string_view col) const { return is_null(row, column(col)); }
  /// The raw text of a value ("" for NULL); valid as long as this Result.
  std::string_view text(int row, int col) const;

  /// The value at (row, col) as T: std::string, std::int64_t, int, bool, double, or
  /// std::optional of one of them (nullopt for NULL).
  template <class T>
  T get(int row, int col) const;
  template <class T>
  T get(int row, std::string_view col) const {
    return get<T>(row, column(col));
  }

  /// Rows inserted, updated, deleted (or selected) by the command; 0 when it does not say.
  std::int64_t affected() const;
  /// The command tag, e.g. "INSERT 0 1".
  std::string_view command_status() const;

 private:
  void check(int row, int col) const;
  [[noreturn]] void null_value(int row, int col) const;
  [[noreturn]] void conversion_failed(int row, int col, const char* type) const;

  struct Free {
    void operator()(pg_result* res) const noexcept;
  };
  std::unique_ptr<pg_result, Free> res_;
};

namespace detail {
template <class T>
constexpr const char* type_name() {
  if constexpr (std::is_same_v<T, std::string>)
    return "text";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return "int64";
  else if constexpr (std::is_same_v<T, int>)
    return "int";
  else if constexpr (std::is_same_v<T, bool>)
    return "bool";
  else
    return "double";
}
}  // namespace detail

template <class T>
T Result::get(int row, int col) const {
  if constexpr (detail::IsOptional<T>::value) {
    if (is_null(row, col)) return std::nullopt;
    return get<typename T::value_type>(row, col);
  } else {
    if (is_null(row, col)) null_value(row, col);
    T out{};
    if (!detail::parse(text(row, col), out)) conversion_failed(row, col, detail::type_name<T>());
    return out;
  }
}

}  // namespace core::pg
