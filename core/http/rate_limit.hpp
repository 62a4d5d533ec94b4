#pragma once
// Admission before a handler runs: who the client is (the peer, or the X-Forwarded-For hop a
// trusted proxy added), a token bucket per client (RATE_LIMIT_RPS, RATE_LIMIT_BURST; 429 with
// Retry-After), and a cap on the requests a worker runs at once (MAX_IN_FLIGHT; 503 with
// Retry-After). /ping, /healthz, /readyz and /metrics (the server's open paths) pass always.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/http/context.hpp"
#include "wire/result.hpp"

namespace core::http {

/// An address or a network: "10.0.0.1", "10.0.0.0/8", "::1", "fd00::/8".
struct Network {
  int family = 0;  // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};
  int prefix = 0;  // bits that must match
};

/// Parses TRUSTED_PROXIES entries; the error names the first bad one.
wire::Result<std::vector<Network>> parse_networks(const std::vector<std::string>& entries);

/// True when `ip` (text, v4 or v6) lies in one of `networks`.
bool in_networks(std::string_view ip, const std::vector<Network>& networks);

/// The host part of a peer as TcpStream::peer() writes it ("1.2.3.4:5", "::1:5").
std::string_view peer_host(std::string_view peer);

/// The client a request comes from: the peer's address, unless the peer is a trusted proxy;
/// then X-Forwarded-For is read from its end (the hop the proxy added) back past every hop
/// that is itself a trusted proxy, and the first other hop is the client. Without a usable
/// hop, the peer.
std::string client_address(const Request& request, std::string_view peer,
                           const std::vector<Network>& trusted_proxies);

/// Token buckets per client, shared by the workers of a process: `rate` tokens a second up
/// to `burst`; a request takes one. Memory is bounded: at most `max_clients` buckets (in
/// shards), the least recently seen dropped first (a dropped client starts with a full
/// bucket again, which is what an idle one would have anyway).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double rate, double burst, std::size_t max_clients = 100000);
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  struct Decision {
    bool allowed = true;
    int retry_after = 0;  // whole seconds until a token is there (>= 1 when refused)
  };
  Decision take(std::string_view client, Clock::time_point now = Clock::now());

  /// Buckets held (for tests and metrics).
  std::size_t clients() const;

 private:
  struct Shard;
  double rate_;
  double burst_;
  std::size_t per_shard_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

/// What the server checks before a handler: set up once per process (the limiter is shared).
struct AdmissionOptions {
  std::shared_ptr<RateLimiter> rate_limiter;  // null: no rate limit
  std::vector<Network> trusted_proxies;
  std::size_t max_in_flight = 1024;  // per worker; 0: no cap
};

/// One worker's gate. admit() fills ctx.client; a refusal is the response to send instead.
class RequestGate {
 public:
  RequestGate(AdmissionOptions options, std::vector<std::string> open_paths);

  /// One request in flight. Holds the counter, not the gate: a request may finish after the
  /// server (and its gate) is gone.
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(std::shared_ptr<std::size_t> in_flight) : in_flight_(std::move(in_flight)) { ++*in_flight_; }
    Ticket(Ticket&& o) noexcept = default;
    Ticket& operator=(Ticket&& o) noexcept {
      std::swap(in_flight_, o.in_flight_);
      return *this;
    }
    ~Ticket() {
      if (in_flight_) --*in_flight_;
    }

   private:
    std::shared_ptr<std::size_t> in_flight_;
  };

  /// Either the request may run (hold the admission while it does) or `refusal` says why not.
  struct Admission {
    std::optional<Response> refusal;
    Ticket ticket;
    explicit operator bool() const noexcept { return !refusal; }
  };
  Admission admit(Context& ctx);

  std::size_t in_flight() const noexcept { return *in_flight_; }

 private:
  AdmissionOptions options_;
  std::vector<std::string> open_paths_;
  std::shared_ptr<std::size_t> in_flight_ = std::make_shared<std::size_t>(0);
};

}  // namespace core::http
