#include "wire/json/escape.hpp"

#include "wire/json/utf8.hpp"

namespace wire::json {
namespace {

// 0: copy as is; 1: needs an escape; 2: non-ASCII, check the UTF-8 sequence.
constexpr unsigned char byte_class(unsigned char c) {
  if (c < 0x20 || c == '"' || c == '\\') return 1;
  if (c >= 0x80) return 2;
  return 0;
}

void append_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  // Upper-case hex, as jansson writes it, so that both writers agree byte for byte.
  static constexpr char kHex[] = "0123456789ABCDEF";
  const char seq[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(seq, sizeof seq);
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  std::size_t run = 0;  // start of the pending run of bytes copied verbatim
  std::size_t i = 0;
  const auto flush = [&] { out.append(s.data() + run, i - run); };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const unsigned char cls = byte_class(c);
    if (cls == 0) {
      ++i;
    } else if (cls == 1) {
      flush();
      append_escape(out, c);
      run = ++i;
    } else {
      const std::size_t len = utf8_sequence_length(s, i);
      if (len != 0) {
        i += len;
      } else {
        flush();
        out += "\xEF\xBF\xBD";
        run = ++i;
      }
    }
  }
  flush();
}

void append_json_string(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  append_json_escaped(out, s);
  out += '"';
}

}  // namespace wire::json
