// The HTTP request parser (llhttp + our limits) on arbitrary bytes, fed in two pieces split at
// a fuzzed offset, through as many pipelined requests as the bytes hold.
#include <cstdint>
#include <algorithm>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_input.hpp"
#include "wire/http/request_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::size_t split = in.byte();
  const std::string_view bytes = in.rest();
  wire::http::Limits limits;
  limits.max_header_bytes = 1024;
  limits.max_headers = 16;
  limits.max_body = 4096;
  wire::http::RequestParser parser(limits);

  std::string_view pieces[2] = {bytes.substr(0, split), bytes.substr(std::min(split, bytes.size()))};
  for (std::string_view piece : pieces) {
    while (true) {
      const auto p = parser.feed(piece);
      fuzz::check(p.consumed <= piece.size(), "consumed within the fed bytes");
      if (p.state == wire::http::ParseState::error) {
        const int status = parser.error_status();
        fuzz::check(status >= 400 && status < 600, "an error has an error status");
        return 0;
      }
      if (p.state == wire::http::ParseState::need_more) break;
      fuzz::check(parser.headers_done(), "a complete request had its headers");
      const wire::http::Request r = parser.take();
      fuzz::check(r.body.size() <= limits.max_body, "body within the limit");
      fuzz::check(r.headers.size() <= limits.max_headers, "header count within the limit");
      for (const auto& h : r.headers) {
        fuzz::check(!h.name.empty(), "header names are not empty");
        fuzz::check(h.name.find_first_of(std::string_view("\r\n\0:", 4)) == std::string::npos,
                    "no CR, LF, NUL or colon in a header name");
        fuzz::check(h.value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
                    "no CR, LF or NUL in a header value");
      }
      fuzz::check(r.target.find_first_of(std::string_view(" \r\n\0", 4)) == std::string::npos,
                  "no space, CR, LF or NUL in the target");
      (void)r.query_param("limit");
      piece.remove_prefix(p.consumed);
      if (piece.empty()) break;
    }
  }
  return 0;
}
