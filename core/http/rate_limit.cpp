#include "core/http/rate_limit.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <list>
#include <unordered_map>

#include "core/http/json_io.hpp"

namespace core::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The address in `text` (no prefix), or nullopt.
std::optional<Network> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string s(text);
  Network n;
  if (inet_pton(AF_INET, s.c_str(), n.bytes.data()) == 1) {
    n.family = AF_INET;
    n.prefix = 32;
    return n;
  }
  if (inet_pton(AF_INET6, s.c_str(), n.bytes.data()) == 1) {
    n.family = AF_INET6;
    n.prefix = 128;
    return n;
  }
  return std::nullopt;
}

bool contains(const Network& net, const Network& ip) {
  if (net.family != ip.family) return false;
  const int full = net.prefix / 8;
  if (std::memcmp(net.bytes.data(), ip.bytes.data(), static_cast<std::size_t>(full)) != 0) return false;
  const int rest = net.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (net.bytes[static_cast<std::size_t>(full)] & mask) == (ip.bytes[static_cast<std::size_t>(full)] & mask);
}

Response too_many_requests(int retry_after) {
  Response r = error_json(429, "too many requests, retry later");
  r.headers.push_back({"Retry-After", std::to_string(std::max(retry_after, 1))});
  return r;
}

constexpr std::size_t kShards = 16;

}  // namespace

wire::Result<std::vector<Network>> parse_networks(const std::vector<std::string>& entries) {
  std::vector<Network> out;
  for (const std::string& entry : entries) {
    std::string_view e = trim(entry);
    if (e.empty()) continue;
    const std::size_t slash = e.find('/');
    auto ip = parse_ip(e.substr(0, slash));
    if (!ip) return wire::make_error(400, "not an address or network: " + std::string(e));
    if (slash != std::string_view::npos) {
      const std::string_view bits = e.substr(slash + 1);
      int prefix = 0;
      if (bits.empty() || bits.size() > 3) return wire::make_error(400, "bad prefix: " + std::string(e));
      for (char c : bits) {
        if (c < '0' || c > '9') return wire::make_error(400, "bad prefix: " + std::string(e));
        prefix = prefix * 10 + (c - '0');
      }
      if (prefix > ip->prefix) return wire::make_error(400, "bad prefix: " + std::string(e));
      ip->prefix = prefix;
    }
    out.push_back(*ip);
  }
  return out;
}

bool in_networks(std::string_view ip, const std::vector<Network>& networks) {
  if (networks.empty()) return false;
  auto addr = parse_ip(ip);
  if (!addr) return false;
  return std::any_of(networks.begin(), networks.end(), [&](const Network& n) { return contains(n, *addr); });
}

std::string_view peer_host(std::string_view peer) {
  const std::size_t colon = peer.rfind(':');
  if (colon == std::string_view::npos) return peer;
  return peer.substr(0, colon);
}

std::string client_address(const Request& request, std::string_view peer,
                           const std::vector<Network>& trusted_proxies) {
  const std::string_view host = peer_host(peer);
  if (!in_networks(host, trusted_proxies)) return std::string(host);
  // Every X-Forwarded-For field in order, as one comma-separated list, read from its end.
  std::vector<std::string_view> hops;
  for (const auto& h : request.headers) {
    if (!wire::http::iequals(h.name, "X-Forwarded-For")) continue;
    std::string_view v = h.value;
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      hops.push_back(trim(v.substr(0, comma)));
      v.remove_prefix(comma == std::string_view::npos ? v.size() : comma + 1);
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!parse_ip(*it)) break;  // garbage: no client can be told from it
    if (!in_networks(*it, trusted_proxies)) return std::string(*it);
  }
  return std::string(host);
}

// One shard: buckets by client plus their order of last use (front: most recent).
struct RateLimiter::Shard {
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    std::list<std::string>::iterator lru;
  };
  std::mutex mutex;
  std::unordered_map<std::string, Bucket> buckets;
  std::list<std::string> lru;
};

RateLimiter::RateLimiter(double rate, double burst, std::size_t max_clients)
    : rate_(rate), burst_(std::max(burst, 1.0)), per_shard_(std::max<std::size_t>(max_clients / kShards, 1)) {
  for (std::size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Decision RateLimiter::take(std::string_view client, Clock::time_point now) {
  Shard& s = *shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard lock(s.mutex);
  auto it = s.buckets.find(std::string(client));
  if (it == s.buckets.end()) {
    if (s.buckets.size() >= per_shard_) {
      s.buckets.erase(s.lru.back());
      s.lru.pop_back();
    }
    s.lru.emplace_front(client);
    it = s.buckets.emplace(s.lru.front(), Shard::Bucket{burst_, now, s.lru.begin()}).first;
  } else {
    s.lru.splice(s.lru.begin(), s.lru, it->second.lru);
    const double elapsed = std::chrono::duration<double>(now - it->second.updated).count();
    if (elapsed > 0) it->second.tokens = std::min(burst_, it->second.tokens + elapsed * rate_);
    it->second.updated = std::max(now, it->second.updated);
  }
  Shard::Bucket& b = it->second;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {true, 0};
  }
  const double wait = rate_ > 0 ? (1.0 - b.tokens) / rate_ : 1.0;
  return {false, std::max(1, static_cast<int>(std::ceil(wait)))};
}

std::size_t RateLimiter::clients() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s->mutex);
    n += s->buckets.size();
  }
  return n;
}

RequestGate::RequestGate(AdmissionOptions options, std::vector<std::string> open_paths)
    : options_(std::move(options)), open_paths_(std::move(open_paths)) {}

RequestGate::Admission RequestGate::admit(Context& ctx) {
  ctx.client = client_address(ctx.request, ctx.peer, options_.trusted_proxies);
  Admission a;
  const bool open =
      std::find(open_paths_.begin(), open_paths_.end(), ctx.request.path) != open_paths_.end();
  if (open) return a;  // probes and scrapes are never limited
  if (options_.rate_limiter) {
    const auto d = options_.rate_limiter->take(ctx.client);
    if (!d.allowed) {
      a.refusal = too_many_requests(d.retry_after);
      return a;
    }
  }
  if (options_.max_in_flight > 0 && *in_flight_ >= options_.max_in_flight) {
    a.refusal = unavailable_json("too many requests in flight, retry later");
    return a;
  }
  a.ticket = Ticket(in_flight_);
  return a;
}

}  // namespace core::http
