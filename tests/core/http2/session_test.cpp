// The HTTP/2 server session driven in memory by an nghttp2 client session: no sockets, the
// bytes of each side handed to the other (split into small pieces too).
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <cstring>
#include <map>

#include "core/http2/session.hpp"

namespace core::http2 {
namespace {

// The server side's protocol: echoes every request's body after its end, with a trailer.
struct Echo : StreamEvents {
  ServerSession* session = nullptr;
  std::map<std::int32_t, std::string> bodies;
  std::map<std::int32_t, Headers> requests;
  std::map<std::int32_t, std::uint32_t> closed;
  void on_request(std::int32_t s, Headers h) override { requests[s] = std::move(h); }
  void on_data(std::int32_t s, std::string_view d) override { bodies[s].append(d); }
  void on_end(std::int32_t s) override {
    const std::string* path = find_header(requests[s], ":path");
    if (path && *path == "/headers-only") {
      session->respond_headers_only(s, {{":status", "200"}, {"grpc-status", "12"}});
      return;
    }
    session->respond(s, {{":status", "200"}}, bodies[s], {{"grpc-status", "0"}});
  }
  void on_close(std::int32_t s, std::uint32_t code) override { closed[s] = code; }
};

// The client side: an nghttp2 client session gathering what comes back per stream.
struct Client {
  struct Reply {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool closed = false;
    std::uint32_t error = 0;
  };
  nghttp2_session* session = nullptr;
  std::map<std::int32_t, Reply> replies;
  std::string body_to_send;
  std::size_t body_sent = 0;

  Client() {
    nghttp2_session_callbacks* cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(
        cbs, [](nghttp2_session*, const nghttp2_frame* f, const uint8_t* n, size_t nl,
                const uint8_t* v, size_t vl, uint8_t, void* u) {
          static_cast<Client*>(u)->replies[f->hd.stream_id].headers.emplace_back(
              std::string(reinterpret_cast<const char*>(n), nl),
              std::string(reinterpret_cast<const char*>(v), vl));
          return 0;
        });
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
        cbs, [](nghttp2_session*, uint8_t, int32_t id, const uint8_t* d, size_t l, void* u) {
          static_cast<Client*>(u)->replies[id].body.append(reinterpret_cast<const char*>(d), l);
          return 0;
        });
    nghttp2_session_callbacks_set_on_stream_close_callback(
        cbs, [](nghttp2_session*, int32_t id, uint32_t code, void* u) {
          auto& r = static_cast<Client*>(u)->replies[id];
          r.closed = true;
          r.error = code;
          return 0;
        });
    nghttp2_session_client_new(&session, cbs, this);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  ~Client() { nghttp2_session_del(session); }

  std::int32_t post(const std::string& path, std::string body) {
    body_to_send = std::move(body);
    body_sent = 0;
    nghttp2_nv nv[] = {
        {(uint8_t*)":method", (uint8_t*)"POST", 7, 4, 0},
        {(uint8_t*)":scheme", (uint8_t*)"http", 7, 4, 0},
        {(uint8_t*)":authority", (uint8_t*)"localhost", 10, 9, 0},
        {(uint8_t*)":path", (uint8_t*)path.data(), 5, path.size(), 0},
    };
    nghttp2_data_provider p{};
    p.read_callback = [](nghttp2_session*, int32_t, uint8_t* buf, size_t len, uint32_t* flags,
                         nghttp2_data_source*, void* u) -> ssize_t {
      auto* c = static_cast<Client*>(u);
      std::size_t n = std::min(len, c->body_to_send.size() - c->body_sent);
      std::memcpy(buf, c->body_to_send.data() + c->body_sent, n);
      c->body_sent += n;
      if (c->body_sent == c->body_to_send.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    };
    return nghttp2_submit_request(session, nullptr, nv, 4, &p, nullptr);
  }

  std::string produce() {
    std::string out;
    const uint8_t* d = nullptr;
    ssize_t n;
    while ((n = nghttp2_session_mem_send(session, &d)) > 0) out.append(reinterpret_cast<const char*>(d), n);
    return out;
  }
  void receive(std::string_view in) {
    ASSERT_GE(nghttp2_session_mem_recv(session, reinterpret_cast<const uint8_t*>(in.data()), in.size()), 0);
  }
};

// Moves bytes both ways until neither side has anything to say; `piece` splits them.
void pump(Client& c, ServerSession& s, std::size_t piece = 1 << 20) {
  for (int round = 0; round < 1000; ++round) {
    std::string to_server = c.produce();
    std::string to_client;
    for (std::size_t i = 0; i < to_server.size(); i += piece)
      ASSERT_TRUE(s.receive(std::string_view(to_server).substr(i, piece)));
    s.produce(to_client, 16 * 1024);
    if (to_server.empty() && to_client.empty()) return;
    for (std::size_t i = 0; i < to_client.size(); i += piece)
      c.receive(std::string_view(to_client).substr(i, piece));
  }
  FAIL() << "no quiescence";
}

std::string header(const Client::Reply& r, const std::string& name) {
  for (auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

TEST(Http2Session, RequestResponseWithTrailers) {
  Echo echo;
  ServerSession server(&echo, SessionLimits{});
  echo.session = &server;
  Client client;
  auto id = client.post("/svc/Method", "hello");
  pump(client, server);
  ASSERT_TRUE(client.replies[id].closed);
  EXPECT_EQ(client.replies[id].error, 0u);
  EXPECT_EQ(client.replies[id].body, "hello");
  EXPECT_EQ(header(client.replies[id], ":status"), "200");
  EXPECT_EQ(header(client.replies[id], "grpc-status"), "0");  // the trailer
  EXPECT_EQ(*find_header(echo.requests[id], ":path"), "/svc/Method");
  EXPECT_EQ(echo.closed.count(id), 1u);
}

TEST(Http2Session, ByteByByteAndHeadersOnly) {
  Echo echo;
  ServerSession server(&echo, SessionLimits{});
  echo.session = &server;
  Client client;
  auto id = client.post("/headers-only", "x");
  pump(client, server, 1);
  ASSERT_TRUE(client.replies[id].closed);
  EXPECT_EQ(header(client.replies[id], "grpc-status"), "12");
  EXPECT_EQ(client.replies[id].body, "");
}

TEST(Http2Session, LargeBodyFollowsFlowControl) {
  Echo echo;
  SessionLimits limits;
  limits.initial_window = 65535;
  ServerSession server(&echo, limits);
  echo.session = &server;
  Client client;
  std::string big(3 << 20, 'z');
  auto id = client.post("/big", big);
  pump(client, server);
  ASSERT_TRUE(client.replies[id].closed);
  EXPECT_EQ(client.replies[id].body.size(), big.size());
}

TEST(Http2Session, OversizedHeaderListResetsTheStream) {
  Echo echo;
  SessionLimits limits;
  limits.max_header_list = 1024;
  ServerSession server(&echo, limits);
  echo.session = &server;
  Client client;
  pump(client, server);  // settings exchanged
  std::string big(2000, 'a');
  nghttp2_nv nv[] = {
      {(uint8_t*)":method", (uint8_t*)"POST", 7, 4, 0},
      {(uint8_t*)":scheme", (uint8_t*)"http", 7, 4, 0},
      {(uint8_t*)":authority", (uint8_t*)"localhost", 10, 9, 0},
      {(uint8_t*)":path", (uint8_t*)"/x", 5, 2, 0},
      {(uint8_t*)"x-big", (uint8_t*)big.data(), 5, big.size(), 0},
  };
  auto id = nghttp2_submit_request(client.session, nullptr, nv, 5, nullptr, nullptr);
  pump(client, server);
  EXPECT_TRUE(client.replies[id].closed);
  EXPECT_NE(client.replies[id].error, 0u);
  EXPECT_EQ(echo.requests.count(id), 0u);
  // The connection still serves.
  auto ok = client.post("/after", "still here");
  pump(client, server);
  EXPECT_EQ(client.replies[ok].body, "still here");
}

TEST(Http2Session, GarbagePrefaceFailsTheSession) {
  Echo echo;
  ServerSession server(&echo, SessionLimits{});
  EXPECT_FALSE(server.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
}

TEST(Http2Session, GoawayLetsOpenStreamsFinish) {
  Echo echo;
  ServerSession server(&echo, SessionLimits{});
  echo.session = &server;
  Client client;
  auto id = client.post("/svc/M", "a");
  pump(client, server);
  server.goaway();
  pump(client, server);
  EXPECT_EQ(client.replies[id].body, "a");
  EXPECT_FALSE(server.want_write());
}

}  // namespace
}  // namespace core::http2
