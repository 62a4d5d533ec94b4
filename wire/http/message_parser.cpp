#include "wire/http/message_parser.hpp"

namespace wire::http::detail {

namespace {

std::size_t offset_in(const char* pos, std::string_view data) {
  if (pos == nullptr || pos < data.data() || pos > data.data() + data.size()) return 0;
  return static_cast<std::size_t>(pos - data.data());
}

}  // namespace

MessageParser::MessageParser(Kind k, Limits l) : kind(k), limits(l) {
  llhttp_init(&parser, kind == Kind::request ? HTTP_REQUEST : HTTP_RESPONSE, message_callbacks());
  parser.data = this;
}

int MessageParser::fail(int status_code, std::string_view message) {
  if (error_status == 0) {
    error_status = status_code;
    error_message = message;
  }
  return kStop;
}

int MessageParser::count_head(const char* end) {
  // Bytes of earlier feeds plus this feed's bytes up to the span end: whitespace and CRLFs
  // between spans count too, so padding cannot slip past the limit.
  if (head_bytes_ + static_cast<std::size_t>(end - feed_begin_) > limits.max_header_bytes) {
    return fail(431, "header block too large");
  }
  return 0;
}

int MessageParser::count_trailer(std::size_t n) {
  trailer_bytes_ += n;
  return trailer_bytes_ > limits.max_header_bytes ? fail(431, "trailer section too large") : 0;
}

int MessageParser::count_extension(std::size_t n) {
  extension_bytes_ += n;
  return extension_bytes_ > limits.max_header_bytes
             ? fail(malformed_status(), "chunk extensions too long")
             : 0;
}

void MessageParser::discard_interim() {
  headers.clear();
  status = 0;
  started = false;
  headers_done = false;
  field_open = false;
  head_bytes_ = 0;
}

std::size_t MessageParser::scan_head(std::string_view data) {
  if (scan_head_done_) return std::string_view::npos;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (scan_prev_ == '\r' && c != '\n') {
      fail(400, "bare CR in the request head");
      return i;
    }
    if (c == '\n' && scan_prev_ != '\r') {
      fail(400, "bare LF in the request head");
      return i;
    }
    if (c == '\0') {
      fail(400, "NUL in the request head");
      return i;
    }
    if (c == '\n') {
      if (scan_line_start_ && scan_content_) {  // an empty line: the head is over
        scan_head_done_ = true;
        scan_prev_ = c;
        return std::string_view::npos;
      }
      scan_line_start_ = true;
    } else if (c != '\r') {
      if (scan_line_start_ && scan_content_ && (c == ' ' || c == '\t')) {
        fail(400, "obs-fold (a header line continued on the next) is not accepted");
        return i;
      }
      scan_line_start_ = false;
      scan_content_ = true;
    }
    scan_prev_ = c;
  }
  return std::string_view::npos;
}

void MessageParser::next_message() {
  scan_prev_ = 0;
  scan_line_start_ = true;
  scan_head_done_ = false;
  scan_content_ = false;
  method.clear();
  target.clear();
  headers.clear();
  body.clear();
  status = 0;
  started = false;
  headers_done = false;
  complete = false;
  expects_continue = false;
  skip_body = false;
  field_open = false;
  head_bytes_ = 0;
  trailer_bytes_ = 0;
  extension_bytes_ = 0;
}

ParseProgress MessageParser::feed(std::string_view data) {
  if (error_status != 0) return {ParseState::error, 0};
  if (complete) return {ParseState::complete, 0};  // take() first
  if (data.empty()) return {ParseState::need_more, 0};
  // Paused at the end of the previous message, which the caller has taken since.
  if (llhttp_get_errno(&parser) == HPE_PAUSED) llhttp_resume(&parser);

  if (kind == Kind::request) {
    if (const std::size_t bad = scan_head(data); bad != std::string_view::npos) {
      return {ParseState::error, bad};
    }
  }
  feed_begin_ = data.data();
  const llhttp_errno_t err = llhttp_execute(&parser, data.data(), data.size());
  if (err == HPE_OK) {
    if (started && !headers_done) {
      head_bytes_ += data.size();
      if (head_bytes_ > limits.max_header_bytes) {
        fail(431, "header block too large");
        return {ParseState::error, data.size()};
      }
    }
    return {ParseState::need_more, data.size()};
  }

  const std::size_t consumed = offset_in(llhttp_get_error_pos(&parser), data);
  if (err == HPE_PAUSED && complete) return {ParseState::complete, consumed};
  if (error_status == 0) {
    // llhttp's own verdict: a syntax error, except for what it recognised but we refuse.
    const char* reason = llhttp_get_error_reason(&parser);
    error_message = reason != nullptr ? reason : "malformed message";
    const bool unsupported = err == HPE_INVALID_TRANSFER_ENCODING || err == HPE_PAUSED_UPGRADE;
    // llhttp checks the digits of a request's version itself, before on_version_complete:
    // "Invalid HTTP version" means well-formed digits of a version other than 0.9/1.x/2.0
    // ("HTTP/3.0"), while a non-digit gives "Invalid major/minor version" (a plain 400).
    const bool bad_version = err == HPE_INVALID_VERSION && error_message == "Invalid HTTP version";
    if (kind == Kind::request && bad_version) {
      error_status = 505;
    } else if (kind == Kind::request && unsupported) {
      error_status = 501;
    } else {
      error_status = malformed_status();
    }
  }
  return {ParseState::error, consumed};
}

ParseProgress MessageParser::finish() {
  if (error_status != 0) return {ParseState::error, 0};
  if (complete) return {ParseState::complete, 0};
  if (!started) {
    fail(malformed_status(), "connection closed before a message");
    return {ParseState::error, 0};
  }
  if (llhttp_get_errno(&parser) == HPE_PAUSED) llhttp_resume(&parser);
  // Runs on_message_complete for a body delimited by the close; it pauses, which is fine here.
  llhttp_finish(&parser);
  if (complete) return {ParseState::complete, 0};
  fail(malformed_status(), "connection closed mid-message");
  return {ParseState::error, 0};
}

}  // namespace wire::http::detail
