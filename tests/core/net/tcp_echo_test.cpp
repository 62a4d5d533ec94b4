#include <gtest/gtest.h>

#include <string>

#include "core/net/tcp_connect.hpp"
#include "core/net/tcp_listener.hpp"
#include "core/runtime/run.hpp"
#include "core/runtime/spawn.hpp"
#include "tests/support/wait.hpp"

namespace {

using core::Task;
using core::TcpStream;

int echoes_running = 0;

Task<void> echo(TcpStream stream) {
  ++echoes_running;
  std::string chunk;
  for (;;) {
    std::size_t n = co_await stream.read_some(core::Duration(5000));
    if (n == 0) break;
    auto data = stream.input().readable();
    chunk.assign(data.data(), data.size());
    stream.input().consume(data.size());
    co_await stream.write(chunk);
  }
  --echoes_running;
}

Task<std::string> round_trip(std::string payload) {
  core::TcpListener listener;
  listener.listen("127.0.0.1", 0, false, [](TcpStream s) { core::spawn(echo(std::move(s))); });
  TcpStream client = co_await core::tcp_connect("127.0.0.1", listener.port(), core::Duration(1000));
  // Write and read concurrently: a payload larger than the socket buffers needs both.
  core::spawn([](TcpStream* c, std::string* p) -> Task<void> { co_await c->write(*p); }(&client, &payload));
  std::string got;
  while (got.size() < payload.size()) {
    std::size_t n = co_await client.read_some(core::Duration(5000));
    if (n == 0) break;
    auto data = client.input().readable();
    got.append(data);
    client.input().consume(data.size());
  }
  client.close();
  // The echo task sees EOF and ends before the loop goes (else the sanitizer build reports its
  // frame as a leak).
  EXPECT_TRUE(co_await test_support::eventually([] { return echoes_running == 0; }));
  co_return got;
}

TEST(TcpEcho, SmallMessage) { EXPECT_EQ(core::run_sync(round_trip("hello")), "hello"); }

TEST(TcpEcho, FourMegabytes) {
  std::string big(4 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  EXPECT_EQ(core::run_sync(round_trip(big)), big);
}

Task<void> connect_closed_port() {
  core::TcpListener probe;
  probe.listen("127.0.0.1", 0, false, [](TcpStream) {});
  int port = probe.port();
  probe.close();
  co_await core::tcp_connect("127.0.0.1", port, core::Duration(1000));
}

TEST(TcpConnect, RefusedIsNetError) { EXPECT_THROW(core::run_sync(connect_closed_port()), core::NetError); }

Task<void> connect_unknown_host() {
  co_await core::tcp_connect("no-such-host.invalid", 80, core::Duration(3000));
}

TEST(TcpConnect, UnknownHostIsNetError) {
  EXPECT_THROW(core::run_sync(connect_unknown_host()), core::NetError);
}

Task<std::size_t> eof_after_peer_close() {
  core::TcpListener listener;
  listener.listen("127.0.0.1", 0, false, [](TcpStream s) { s.close(); });
  TcpStream client = co_await core::tcp_connect("127.0.0.1", listener.port(), core::Duration(1000));
  co_return co_await client.read_some(core::Duration(2000));
}

TEST(TcpStream, PeerCloseReadsAsEof) { EXPECT_EQ(core::run_sync(eof_after_peer_close()), 0u); }

Task<void> read_times_out() {
  core::TcpListener listener;
  std::vector<TcpStream> held;
  listener.listen("127.0.0.1", 0, false, [&held](TcpStream s) { held.push_back(std::move(s)); });
  TcpStream client = co_await core::tcp_connect("127.0.0.1", listener.port(), core::Duration(1000));
  co_await client.read_some(core::Duration(30));
}

TEST(TcpStream, ReadTimeout) { EXPECT_THROW(core::run_sync(read_times_out()), core::TimeoutError); }

Task<void> two_workers_share_port(int* port_out) {
  core::TcpListener a, b;
  a.listen("127.0.0.1", 0, true, [](TcpStream) {});
  b.listen("127.0.0.1", a.port(), true, [](TcpStream) {});  // SO_REUSEPORT: same port twice
  *port_out = b.port();
  co_return;
}

TEST(TcpListener, ReusePortBindsTwice) {
  int port = 0;
  core::run_sync(two_workers_share_port(&port));
  EXPECT_GT(port, 0);
}

}  // namespace
