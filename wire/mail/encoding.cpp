#include "wire/mail/encoding.hpp"

#include <array>
#include <cstdint>

#include "wire/json/utf8.hpp"

namespace wire::mail {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// One input line (no line break in it) as quoted-printable, soft-broken to 76 columns.
void encode_qp_line(std::string& out, std::string_view line) {
  std::size_t column = 0;
  char token[3];
  for (std::size_t i = 0; i < line.size(); ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    bool last = i + 1 == line.size();
    std::size_t n = 1;
    if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
      token[0] = static_cast<char>(c);
    } else {
      token[0] = '=';
      token[1] = kHex[c >> 4];
      token[2] = kHex[c & 15];
      n = 3;
    }
    // A soft break costs one column ("="), so a token that is not the line's last must leave
    // room for it; the last token may use the full 76.
    std::size_t limit = last ? kMaxEncodedLine : kMaxEncodedLine - 1;
    if (column + n > limit) {
      out += "=\r\n";
      column = 0;
    }
    out.append(token, n);
    column += n;
  }
}

}  // namespace

std::string normalize_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string encode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8 + 16);
  std::size_t start = 0;
  for (;;) {
    std::size_t brk = text.find_first_of("\r\n", start);
    if (brk == std::string_view::npos) {
      encode_qp_line(out, text.substr(start));
      return out;
    }
    encode_qp_line(out, text.substr(start, brk - start));
    out += "\r\n";
    start = brk + 1;
    if (text[brk] == '\r' && start < text.size() && text[start] == '\n') ++start;
  }
}

std::string decode_quoted_printable(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '=') {
      out += c;
      continue;
    }
    if (i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
      i += 2;  // soft break
      continue;
    }
    if (i + 1 < in.size() && in[i + 1] == '\n') {
      i += 1;  // soft break written with a bare LF
      continue;
    }
    int hi = i + 1 < in.size() ? hex_value(in[i + 1]) : -1;
    int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      out += c;
      continue;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string encode_base64_flat(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16 |
                      static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8 |
                      static_cast<unsigned char>(data[i + 2]);
    out += kBase64[v >> 18 & 63];
    out += kBase64[v >> 12 & 63];
    out += kBase64[v >> 6 & 63];
    out += kBase64[v & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16;
    if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
    out += kBase64[v >> 18 & 63];
    out += kBase64[v >> 12 & 63];
    out += rest == 2 ? kBase64[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string encode_base64(std::string_view data) {
  std::string flat = encode_base64_flat(data);
  std::string out;
  out.reserve(flat.size() + flat.size() / kMaxEncodedLine * 2);
  for (std::size_t i = 0; i < flat.size(); i += kMaxEncodedLine) {
    if (i > 0) out += "\r\n";
    out.append(flat, i, kMaxEncodedLine);
  }
  return out;
}

std::optional<std::string> decode_base64(std::string_view in) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(kBase64[i])] = i;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0 || value[c] < 0) return std::nullopt;
    acc = acc << 6 | static_cast<std::uint32_t>(value[c]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xff);
    }
  }
  if (padding > 2) return std::nullopt;
  return out;
}

bool has_non_ascii(std::string_view text) noexcept {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

std::string encode_words(std::string_view text, std::size_t first_line_used) {
  constexpr std::string_view kOpen = "=?UTF-8?B?";
  constexpr std::string_view kClose = "?=";
  constexpr std::size_t kMaxWord = 75;  // RFC 2047 section 2
  std::string out;
  if (text.empty()) return out;
  std::size_t start = 0;
  bool first = true;
  do {
    // Characters of base64 the word (and its line) can hold; a line continues after "CRLF SP".
    std::size_t room = kMaxWord;
    if (first && first_line_used + kMaxWord > kMaxEncodedLine) {
      room = kMaxEncodedLine > first_line_used ? kMaxEncodedLine - first_line_used : 0;
    } else if (!first) {
      room = kMaxEncodedLine - 1;
    }
    if (room > kMaxWord) room = kMaxWord;
    std::size_t max_bytes =
        room > kOpen.size() + kClose.size() ? (room - kOpen.size() - kClose.size()) / 4 * 3 : 0;
    // Too little room left on the header's first line: start the words on the next one.
    if (first && max_bytes < 4 && first_line_used > 0) {
      out += "\r\n ";
      first = false;
      continue;
    }
    if (max_bytes < 4) max_bytes = 4;
    std::size_t end = start;
    while (end < text.size()) {
      std::size_t n = json::utf8_sequence_length(text, end);
      if (n == 0) n = 1;  // invalid input: keep going byte by byte rather than loop
      if (end + n - start > max_bytes) break;
      end += n;
    }
    if (end == start) end = start + 1;
    if (!first) out += "\r\n ";
    out += kOpen;
    out += encode_base64_flat(text.substr(start, end - start));
    out += kClose;
    start = end;
    first = false;
  } while (start < text.size());
  return out;
}

}  // namespace wire::mail
