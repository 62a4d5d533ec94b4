#pragma once
// /api/* -> BROKER_UPSTREAM with the prefix stripped, so the page works behind one origin.
#include <string>

#include "core/http/client.hpp"
#include "core/http/context.hpp"

namespace frontend {

/// The upstream target for a request path under prefix ("/api/handle" -> "/handle", "/api" -> "/").
std::string strip_prefix(std::string_view path, std::string_view prefix);

core::Task<core::http::Response> proxy_to_broker(core::http::Client* client, std::string upstream,
                                                 core::Duration timeout, core::http::Context& ctx);

}  // namespace frontend
