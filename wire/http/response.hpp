#pragma once
/// @file
/// An HTTP response: what a handler returns and what the client's parser yields.
#include <string>

#include "wire/http/headers.hpp"

namespace wire::http {

/// Status, headers and body. The serializer adds Content-Length, Connection and Date itself.
struct Response {
  int status = 200;
  Headers headers;  ///< caller-set headers, written in order
  std::string body;
};

}  // namespace wire::http
