// Chunked decoding: the fuzzed bytes are the body of a request (or of a response) that says
// "Transfer-Encoding: chunked"; chunk sizes, extensions, trailers and their limits.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_input.hpp"
#include "wire/http/request_parser.hpp"
#include "wire/http/response_parser.hpp"

namespace {

constexpr std::string_view kRequestHead =
    "POST /log HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
constexpr std::string_view kResponseHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

template <class Parser>
void run(Parser& parser, std::string_view head, std::string_view body, std::size_t split,
         std::size_t max_body) {
  std::string bytes(head);
  bytes.append(body);
  split = std::min(split + head.size(), bytes.size());
  std::string_view all(bytes);
  for (std::string_view piece : {all.substr(0, split), all.substr(split)}) {
    const auto p = parser.feed(piece);
    fuzz::check(p.consumed <= piece.size(), "consumed within the fed bytes");
    if (p.state == wire::http::ParseState::error) return;
    if (p.state == wire::http::ParseState::complete) {
      const auto message = parser.take();
      fuzz::check(message.body.size() <= max_body, "de-chunked body within the limit");
      fuzz::check(message.body.size() <= body.size(), "de-chunked body no longer than its chunks");
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t flags = in.byte();
  const std::size_t split = in.byte();
  wire::http::Limits limits;
  limits.max_header_bytes = 512;
  limits.max_headers = 8;
  limits.max_body = 2048;
  if (flags & 1) {
    wire::http::ResponseParser parser(limits);
    run(parser, kResponseHead, in.rest(), split, limits.max_body);
  } else {
    wire::http::RequestParser parser(limits);
    run(parser, kRequestHead, in.rest(), split, limits.max_body);
  }
  return 0;
}
