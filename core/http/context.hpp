#pragma once
// What a handler gets: the parsed request plus what the server learned about it.
#include <string>

#include "core/runtime/task.hpp"
#include "core/trace/span.hpp"
#include "wire/http/request.hpp"
#include "wire/http/response.hpp"

namespace core::http {

using wire::http::Request;
using wire::http::Response;

struct Context {
  Request request;
  std::string request_id;   // X-Request-ID, taken from the client or generated
  std::string peer;         // remote "ip:port"
  std::string client = {};  // the client's address: the peer's, or a trusted proxy's X-Forwarded-For hop
  trace::Span span = {};    // the request's server span; downstream calls are its children
};

}  // namespace core::http
