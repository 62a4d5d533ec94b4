#pragma once
// The process-wide set of metrics and its Prometheus text rendering (format 0.0.4).
// Registration takes a mutex; it happens once per (name, labels), after which callers keep
// the returned reference and update it lock-free.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/metrics/metrics.hpp"

namespace core::metrics {

/// Label pairs: `{{"method", "GET"}, {"status", "200"}}`. Order does not matter.
using Labels = std::vector<std::pair<std::string, std::string>>;

/// Content-Type of render()'s output.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// The cell for (name, labels), created on first use. Registering a name again with another
  /// type or other buckets, or an invalid metric or label name, throws std::invalid_argument
  /// (a programming error). `help` is taken from the first registration.
  Counter& counter(std::string_view name, std::string_view help, Labels labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, Labels labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, Labels labels = {},
                       const std::vector<double>& buckets = default_latency_buckets());

  /// Every family, sorted by name, series sorted by labels:
  /// `# HELP`, `# TYPE`, then samples; histograms as cumulative `_bucket{le=...}` (with
  /// `+Inf`), `_sum` and `_count`.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  struct Family;
  // Under mutex_: the family `name`, created if new, checked against `type` and `buckets`.
  Family& family(std::string_view name, std::string_view help, Type type,
                 const std::vector<double>& buckets);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

/// The registry every service exposes on /metrics (never destroyed, so worker threads may
/// still update cells during exit).
Registry& registry();

}  // namespace core::metrics
