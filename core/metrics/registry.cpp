#include "core/metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace core::metrics {
namespace {

bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Sorted by name, so that the same set in any order is the same series.
void normalize(Labels& labels, bool histogram) {
  std::sort(labels.begin(), labels.end());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& key = labels[i].first;
    if (!valid_name(key, false) || key.starts_with("__") || (histogram && key == "le") ||
        (i > 0 && key == labels[i - 1].first)) {
      throw std::invalid_argument("invalid or duplicate metric label name: " + key);
    }
  }
}

void append_escaped(std::string& out, std::string_view s, bool quotes) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quotes && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

// `name{a="x",b="y"` + extra label (`le`) if any + `}` — nothing when there are no labels.
void append_series(std::string& out, std::string_view name, std::string_view suffix,
                   const Labels& labels, std::string_view extra_key = {},
                   std::string_view extra_value = {}) {
  out += name;
  out += suffix;
  if (labels.empty() && extra_key.empty()) return;
  out += '{';
  bool first = true;
  const auto label = [&](std::string_view k, std::string_view v) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    append_escaped(out, v, true);
    out += '"';
  };
  for (const auto& [k, v] : labels) label(k, v);
  if (!extra_key.empty()) label(extra_key, extra_value);
  out += '}';
}

}  // namespace

struct Registry::Family {
  std::string help;
  Type type;
  std::vector<double> buckets;
  // Cells never move once created: callers hold references to them.
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Registry::Family& Registry::family(std::string_view name, std::string_view help, Type type,
                                   const std::vector<double>& buckets) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    if (!valid_name(name, true)) {
      throw std::invalid_argument("invalid metric name: " + std::string(name));
    }
    auto f = std::make_unique<Family>();
    f->help = std::string(help);
    f->type = type;
    f->buckets = buckets;
    it = families_.emplace(std::string(name), std::move(f)).first;
  }
  Family& f = *it->second;
  if (f.type != type) {
    throw std::invalid_argument("metric " + std::string(name) + " registered with another type");
  }
  if (type == Type::histogram && f.buckets != buckets) {
    throw std::invalid_argument("histogram " + std::string(name) +
                                " registered with other buckets");
  }
  return f;
}

Counter& Registry::counter(std::string_view name, std::string_view help, Labels labels) {
  normalize(labels, false);
  std::lock_guard lock(mutex_);
  auto& cell = family(name, help, Type::counter, {}).counters[std::move(labels)];
  if (!cell) cell = std::make_unique<Counter>();
  return *cell;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, Labels labels) {
  normalize(labels, false);
  std::lock_guard lock(mutex_);
  auto& cell = family(name, help, Type::gauge, {}).gauges[std::move(labels)];
  if (!cell) cell = std::make_unique<Gauge>();
  return *cell;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, Labels labels,
                               const std::vector<double>& buckets) {
  normalize(labels, true);
  std::lock_guard lock(mutex_);
  auto& cell = family(name, help, Type::histogram, buckets).histograms[std::move(labels)];
  if (!cell) cell = std::make_unique<Histogram>(buckets);
  return *cell;
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, f] : families_) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_escaped(out, f->help, false);
    out += "\n# TYPE ";
    out += name;
    out += f->type == Type::counter ? " counter\n"
           : f->type == Type::gauge ? " gauge\n"
                                    : " histogram\n";
    for (const auto& [labels, c] : f->counters) {
      append_series(out, name, "", labels);
      fmt::format_to(std::back_inserter(out), " {}\n", c->value());
    }
    for (const auto& [labels, g] : f->gauges) {
      append_series(out, name, "", labels);
      out += ' ';
      append_number(out, g->value());
      out += '\n';
    }
    for (const auto& [labels, h] : f->histograms) {
      // One snapshot of the buckets, so that +Inf and _count agree even under updates.
      std::uint64_t cumulative = 0;
      std::string le;
      for (std::size_t i = 0; i <= h->bounds().size(); ++i) {
        cumulative += h->bucket_count(i);
        le.clear();
        if (i < h->bounds().size()) {
          append_number(le, h->bounds()[i]);
        } else {
          le = "+Inf";
        }
        append_series(out, name, "_bucket", labels, "le", le);
        fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
      }
      append_series(out, name, "_sum", labels);
      out += ' ';
      append_number(out, h->sum());
      out += '\n';
      append_series(out, name, "_count", labels);
      fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
    }
  }
  return out;
}

Registry& registry() {
  static Registry* const instance = new Registry();
  return *instance;
}

}  // namespace core::metrics
