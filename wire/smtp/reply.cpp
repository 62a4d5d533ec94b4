#include "wire/smtp/reply.hpp"

namespace wire::smtp {

std::string Reply::text() const {
  std::string out = std::to_string(code);
  for (const std::string& line : lines) {
    out += ' ';
    out += line;
  }
  return out;
}

namespace {

ParsedReply malformed(std::string why) {
  ParsedReply p;
  p.status = ParsedReply::Status::malformed;
  p.error = std::move(why);
  return p;
}

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

ParsedReply parse_reply(std::string_view input) {
  ParsedReply out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t lf = input.find('\n', pos);
    if (lf == std::string_view::npos) {
      if (input.size() - pos > kMaxReplyLine) return malformed("reply line too long");
      return out;  // incomplete
    }
    std::string_view line = input.substr(pos, lf - pos);
    if (line.size() > kMaxReplyLine) return malformed("reply line too long");
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 3 || !digit(line[0]) || !digit(line[1]) || !digit(line[2]) ||
        line[0] < '2' || line[0] > '5') {
      return malformed("not an SMTP reply: \"" + std::string(line.substr(0, 64)) + "\"");
    }
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (out.reply.lines.empty()) {
      out.reply.code = code;
    } else if (code != out.reply.code) {
      return malformed("a multi-line reply changed its code");
    }
    char sep = line.size() > 3 ? line[3] : ' ';
    if (sep != ' ' && sep != '-') return malformed("bad separator after the reply code");
    if (out.reply.lines.size() == kMaxReplyLines) return malformed("reply has too many lines");
    out.reply.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
    pos = lf + 1;
    if (sep == ' ') {
      out.status = ParsedReply::Status::complete;
      out.consumed = pos;
      return out;
    }
  }
}

}  // namespace wire::smtp
