#include "core/net/resolver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/net/tcp_connect.hpp"
#include "core/runtime/callback_awaiter.hpp"
#include "core/runtime/timer.hpp"
#include "tests/support/coro_test.hpp"

namespace {

using core::Resume;

struct Lookup {
  int status = 1;  // 1: no callback yet
  std::vector<std::string> addresses;
};

// Waits for a Resolver's callback.
class Resolve final : public core::CallbackAwaiter<Lookup> {
 public:
  explicit Resolve(std::string host) : host_(std::move(host)) {}

 private:
  void start() override {
    if (int rc = resolver_.start(host_, 0, &Resolve::on_resolved, this); rc < 0) {
      complete(Resume::now, Lookup{rc, {}});
    }
  }
  void stop() noexcept override { resolver_.cancel(); }
  static void on_resolved(void* arg, int status, std::vector<sockaddr_storage>& found) {
    Lookup lookup{status, {}};
    for (const auto& a : found) lookup.addresses.push_back(core::address_text(a));
    static_cast<Resolve*>(arg)->complete(Resume::now, std::move(lookup));
  }

  std::string host_;
  core::Resolver resolver_;
};

CORO_TEST(Resolver, FindsTheLoopback) {
  Lookup found = co_await Resolve("localhost");
  EXPECT_EQ(found.status, 0);
  if (found.addresses.empty()) {
    ADD_FAILURE() << "no address";
    co_return;
  }
  for (const auto& a : found.addresses) EXPECT_TRUE(a == "127.0.0.1" || a == "::1") << a;
}

CORO_TEST(Resolver, NumericAddressComesBackAsItself) {
  Lookup found = co_await Resolve("127.0.0.1");
  EXPECT_EQ(found.status, 0);
  if (found.addresses.empty()) {
    ADD_FAILURE() << "no address";
    co_return;
  }
  EXPECT_EQ(found.addresses.front(), "127.0.0.1");
}

void record(void* lookup, int status, std::vector<sockaddr_storage>&) {
  static_cast<Lookup*>(lookup)->status = status;
}

CORO_TEST(Resolver, NoCallbackAfterCancel) {
  Lookup lookup;
  {
    core::Resolver resolver;
    EXPECT_EQ(resolver.start("localhost", 0, &record, &lookup), 0);
    EXPECT_TRUE(resolver.pending());
    resolver.cancel();
    EXPECT_FALSE(resolver.pending());
    EXPECT_EQ(resolver.start("localhost", 0, &record, &lookup), 0);
  }  // destroyed with the second lookup pending
  // libuv's pool finishes (or drops) both lookups; neither reaches `lookup`.
  co_await core::sleep(core::Duration(50));
  EXPECT_EQ(lookup.status, 1);
}

CORO_TEST(Resolver, TcpResolvePrefersIpv4) {
  sockaddr_storage addr = co_await core::resolve("localhost", 8080);
  EXPECT_EQ(addr.ss_family, AF_INET);
  EXPECT_EQ(core::address_text(addr), "127.0.0.1");
}

TEST(Resolver, AddressTextOfAnotherFamilyIsEmpty) {
  sockaddr_storage addr{};
  addr.ss_family = AF_UNIX;
  EXPECT_EQ(core::address_text(addr), "");
}

}  // namespace
