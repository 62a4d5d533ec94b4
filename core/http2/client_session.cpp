#include "core/http2/client_session.hpp"

#include "core/http2/nghttp2_glue.hpp"

namespace core::http2 {

std::int32_t ClientSession::request(const Headers& headers, std::string body, std::string* why) {
  std::int32_t id = NGHTTP2_ERR_START_STREAM_NOT_ALLOWED;
  if (can_request()) {
    auto nv = detail::to_nv(headers);
    nghttp2_data_provider provider = detail::body_provider();
    id = nghttp2_submit_request(session_, nullptr, nv.data(), nv.size(), &provider, nullptr);
  }
  if (id <= 0) {
    if (why) *why = nghttp2_strerror(id);
    return 0;
  }
  // The body is read from outgoing_ only when frames are produced, after this returns.
  outgoing_[id] = Outgoing{std::move(body), 0, {}};
  return id;
}

bool ClientSession::can_request() const noexcept {
  return nghttp2_session_check_request_allowed(session_) != 0;
}

}  // namespace core::http2
