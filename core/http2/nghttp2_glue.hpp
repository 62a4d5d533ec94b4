#pragma once
// Inside core/http2 only: what the server and client sessions both hand to nghttp2 — header
// lists as nghttp2_nv, and the data source that sends Session::Outgoing bodies.
#include <nghttp2/nghttp2.h>

#include <vector>

#include "core/http2/session.hpp"

namespace core::http2::detail {

/// Views of `headers` (which must outlive the submit call; nghttp2 copies them).
std::vector<nghttp2_nv> to_nv(const Headers& headers);

/// Sends outgoing()[stream].body within the peer's windows, then its trailers (if any), else
/// ends the stream with the last DATA frame.
nghttp2_data_provider body_provider();

}  // namespace core::http2::detail
