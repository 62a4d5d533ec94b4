#include "core/http2/session.hpp"

#include <nghttp2/nghttp2.h>

#include "core/http2/nghttp2_glue.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace core::http2 {

const std::string* find_header(const Headers& headers, std::string_view name) noexcept {
  for (const auto& h : headers)
    if (h.name == name) return &h.value;
  return nullptr;
}

namespace {

Session* self(void* user_data) { return static_cast<Session*>(user_data); }

int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  if (frame->hd.type == NGHTTP2_HEADERS) self(user_data)->incoming()[frame->hd.stream_id];
  return 0;
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t namelen,
              const uint8_t* value, size_t valuelen, uint8_t, void* user_data) {
  if (frame->hd.type != NGHTTP2_HEADERS) return 0;
  auto* s = self(user_data);
  auto it = s->incoming().find(frame->hd.stream_id);
  if (it == s->incoming().end()) return 0;
  it->second.header_bytes += namelen + valuelen + 32;
  if (it->second.header_bytes > s->limits().max_header_list) {
    s->incoming().erase(it);
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets this stream only
  }
  it->second.headers.push_back({std::string(reinterpret_cast<const char*>(name), namelen),
                                std::string(reinterpret_cast<const char*>(value), valuelen)});
  return 0;
}

int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
  auto* s = self(user_data);
  std::int32_t id = frame->hd.stream_id;
  bool end = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
  switch (frame->hd.type) {
    case NGHTTP2_HEADERS: {
      auto it = s->incoming().find(id);
      if (it == s->incoming().end()) return 0;
      Headers headers = std::move(it->second.headers);
      s->incoming().erase(it);
      switch (frame->headers.cat) {
        case NGHTTP2_HCAT_REQUEST:
          s->events()->on_request(id, std::move(headers));
          break;
        case NGHTTP2_HCAT_RESPONSE:
          s->events()->on_response(id, std::move(headers));
          break;
        case NGHTTP2_HCAT_HEADERS:
          if (end) s->events()->on_trailers(id, std::move(headers));
          break;  // a non-final (1xx) block or request trailers: nothing the protocol uses
        default:
          break;
      }
      if (end) s->events()->on_end(id);
      break;
    }
    case NGHTTP2_DATA:
      if (end) s->events()->on_end(id);
      break;
    default:
      break;
  }
  return 0;
}

int on_data_chunk(nghttp2_session*, uint8_t, int32_t stream_id, const uint8_t* data, size_t len,
                  void* user_data) {
  self(user_data)->events()->on_data(stream_id,
                                     std::string_view(reinterpret_cast<const char*>(data), len));
  return 0;
}

int on_frame_send(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
  auto* s = self(user_data);
  if (frame->hd.type == NGHTTP2_HEADERS && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) &&
      s->stop_after_response().erase(frame->hd.stream_id) > 0) {
    nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
  }
  return 0;
}

int on_stream_close(nghttp2_session*, int32_t stream_id, uint32_t error_code, void* user_data) {
  auto* s = self(user_data);
  s->incoming().erase(stream_id);
  s->outgoing().erase(stream_id);
  s->stop_after_response().erase(stream_id);
  if (s->events()) s->events()->on_close(stream_id, error_code);
  return 0;
}

}  // namespace

namespace detail {

std::vector<nghttp2_nv> to_nv(const Headers& headers) {
  std::vector<nghttp2_nv> nv;
  nv.reserve(headers.size());
  for (const auto& h : headers) {
    nv.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(h.name.data())),
                  reinterpret_cast<uint8_t*>(const_cast<char*>(h.value.data())), h.name.size(),
                  h.value.size(), NGHTTP2_NV_FLAG_NONE});
  }
  return nv;
}

static ssize_t read_body(nghttp2_session* session, int32_t stream_id, uint8_t* buf, size_t length,
                  uint32_t* data_flags, nghttp2_data_source*, void* user_data) {
  auto* s = self(user_data);
  auto it = s->outgoing().find(stream_id);
  if (it == s->outgoing().end()) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  auto& o = it->second;
  std::size_t n = std::min(length, o.body.size() - o.sent);
  std::memcpy(buf, o.body.data() + o.sent, n);
  o.sent += n;
  if (o.sent == o.body.size()) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    if (!o.trailers.empty()) {
      auto nv = to_nv(o.trailers);
      if (nghttp2_submit_trailer(session, stream_id, nv.data(), nv.size()) == 0)
        *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
    }
  }
  return static_cast<ssize_t>(n);
}

nghttp2_data_provider body_provider() {
  nghttp2_data_provider provider{};
  provider.read_callback = read_body;
  return provider;
}

}  // namespace detail

namespace {

struct Callbacks {
  Callbacks() {
    if (nghttp2_session_callbacks_new(&cbs) != 0) throw std::bad_alloc();
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
    nghttp2_session_callbacks_set_on_frame_send_callback(cbs, on_frame_send);
  }
  ~Callbacks() { nghttp2_session_callbacks_del(cbs); }
  nghttp2_session_callbacks* cbs = nullptr;
};

}  // namespace

Session::Session(Role role, StreamEvents* events, const SessionLimits& limits)
    : events_(events), limits_(limits) {
  static const Callbacks callbacks;  // immutable once built; nghttp2 copies it per session
  int rc = role == Role::server ? nghttp2_session_server_new(&session_, callbacks.cbs, this)
                                : nghttp2_session_client_new(&session_, callbacks.cbs, this);
  if (rc != 0) throw std::runtime_error(std::string("nghttp2: ") + nghttp2_strerror(rc));
  // A server caps the streams its client opens; a client refuses pushes (gRPC never pushes).
  const nghttp2_settings_entry settings[] = {
      role == Role::server
          ? nghttp2_settings_entry{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits_.max_concurrent_streams}
          : nghttp2_settings_entry{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, limits_.max_header_list},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, limits_.initial_window},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
}

Session::~Session() {
  // on_stream_close runs for streams still open: the protocol above must not be reached.
  events_ = nullptr;
  nghttp2_session_del(session_);
}

bool Session::receive(std::string_view data) {
  ssize_t rc = nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(data.data()),
                                        data.size());
  if (rc >= 0) return true;
  // Say why before the close where the session still can (a flood: ENHANCE_YOUR_CALM).
  nghttp2_session_terminate_session(
      session_, rc == NGHTTP2_ERR_FLOODED ? NGHTTP2_ENHANCE_YOUR_CALM : NGHTTP2_PROTOCOL_ERROR);
  return false;
}

void Session::produce(std::string& out, std::size_t max) {
  while (out.size() < max) {
    const uint8_t* data = nullptr;
    ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  }
}

bool Session::want_read() const noexcept { return nghttp2_session_want_read(session_) != 0; }
bool Session::want_write() const noexcept { return nghttp2_session_want_write(session_) != 0; }

void ServerSession::respond(std::int32_t stream, const Headers& headers, std::string body,
                            const Headers& trailers) {
  auto nv = detail::to_nv(headers);
  auto& o = outgoing_[stream];
  o.body = std::move(body);
  o.sent = 0;
  o.trailers = trailers;
  nghttp2_data_provider provider = detail::body_provider();
  if (nghttp2_submit_response(session_, stream, nv.data(), nv.size(), &provider) != 0)
    outgoing_.erase(stream);
}

void ServerSession::respond_headers_only(std::int32_t stream, const Headers& headers,
                                         bool stop_request) {
  auto nv = detail::to_nv(headers);
  if (nghttp2_submit_response(session_, stream, nv.data(), nv.size(), nullptr) == 0 && stop_request)
    stop_after_response_.insert(stream);
}

void Session::reset(std::int32_t stream, std::uint32_t error_code) {
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream, error_code);
}

void Session::goaway() {
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                        NGHTTP2_NO_ERROR, nullptr, 0);
}

}  // namespace core::http2
