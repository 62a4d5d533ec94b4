#include "core/http2/client_session.hpp"

#include "core/http2/nghttp2_glue.hpp"

namespace core::http2 {

std::int32_t ClientSession::request(const Headers& headers, std::string body) {
  if (!can_request()) return NGHTTP2_ERR_START_STREAM_NOT_ALLOWED;
  auto nv = detail::to_nv(headers);
  nghttp2_data_provider provider = detail::body_provider();
  std::int32_t id = nghttp2_submit_request(session_, nullptr, nv.data(), nv.size(), &provider, nullptr);
  // The body is read from outgoing_ only when frames are produced, after this returns.
  if (id > 0) outgoing_[id] = Outgoing{std::move(body), 0, {}};
  return id;
}

bool ClientSession::can_request() const noexcept {
  return nghttp2_session_check_request_allowed(session_) != 0;
}

}  // namespace core::http2
