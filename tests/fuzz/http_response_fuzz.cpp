// The HTTP response parser (the client side) on arbitrary bytes: responses one after the
// other, fed in two pieces, the first one possibly answering a HEAD; then the peer closes.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_input.hpp"
#include "wire/http/response_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t flags = in.byte();
  const std::size_t split = in.byte();
  const std::string_view bytes = in.rest();
  wire::http::Limits limits;
  limits.max_header_bytes = 1024;
  limits.max_headers = 16;
  limits.max_body = 4096;
  wire::http::ResponseParser parser(limits);
  parser.expect_head_response(flags & 1);

  const auto check_response = [&](const wire::http::Response& r) {
    fuzz::check(r.status >= 100 && r.status <= 999, "status has three digits");
    fuzz::check(r.body.size() <= limits.max_body, "body within the limit");
    fuzz::check(r.headers.size() <= limits.max_headers, "header count within the limit");
    for (const auto& h : r.headers) {
      fuzz::check(h.value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
                  "no CR, LF or NUL in a header value");
    }
  };

  std::string_view pieces[2] = {bytes.substr(0, split), bytes.substr(std::min(split, bytes.size()))};
  for (std::string_view piece : pieces) {
    while (true) {
      const auto p = parser.feed(piece);
      fuzz::check(p.consumed <= piece.size(), "consumed within the fed bytes");
      if (p.state == wire::http::ParseState::error) {
        const int status = parser.error_status();
        fuzz::check(status == 502 || status == 413 || status == 431, "a documented status");
        return 0;
      }
      if (p.state == wire::http::ParseState::need_more) break;
      check_response(parser.take());
      piece.remove_prefix(p.consumed);
      if (piece.empty()) break;
    }
  }
  if (flags & 2) {
    const auto p = parser.finish();
    if (p.state == wire::http::ParseState::complete) check_response(parser.take());
  }
  return 0;
}
