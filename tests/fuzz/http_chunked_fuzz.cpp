// Chunked decoding: the fuzzed bytes are the body of a request (or of a response) that says
// "Transfer-Encoding: chunked"; chunk sizes, extensions, trailers and their limits.
#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>
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

// A strict RFC 9112 7.1 decoder to compare with: hex size, optional extensions, CRLF, data,
// CRLF; a zero size, trailer lines, an empty line. The body and how many bytes of `in` were
// left after the empty line; nullopt when `in` does not start with such a body.
std::optional<std::pair<std::string, std::size_t>> reference_dechunk(std::string_view in) {
  std::string out;
  const auto line = [&](std::string_view* l) {
    const std::size_t end = in.find("\r\n");
    if (end == std::string_view::npos) return false;
    *l = in.substr(0, end);
    in.remove_prefix(end + 2);
    return true;
  };
  while (true) {
    std::string_view l;
    if (!line(&l)) return std::nullopt;
    std::size_t digits = 0;
    std::uint64_t size = 0;
    while (digits < l.size() && std::isxdigit(static_cast<unsigned char>(l[digits]))) {
      if (digits == 15) return std::nullopt;  // keep it simple: sizes below 2^60
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(l[digits])));
      size = size * 16 + static_cast<std::uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
      ++digits;
    }
    if (digits == 0 || (digits < l.size() && l[digits] != ';')) return std::nullopt;
    if (size == 0) break;
    if (in.size() < size + 2 || in.substr(size, 2) != "\r\n") return std::nullopt;
    out.append(in.substr(0, size));
    in.remove_prefix(size + 2);
  }
  while (true) {  // trailers, then the empty line
    std::string_view l;
    if (!line(&l)) return std::nullopt;
    if (l.empty()) break;
  }
  return std::make_pair(std::move(out), in.size());
}

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
      // Where the strict reading is defined, ours must agree with it.
      const auto end = static_cast<std::size_t>(piece.data() - all.data()) + p.consumed;
      if (auto expected = reference_dechunk(all.substr(head.size(), end - head.size()))) {
        fuzz::check(expected->second == 0, "the message ends where a strict reading ends it");
        fuzz::check(expected->first == message.body, "the same body as a strict reading");
      }
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
