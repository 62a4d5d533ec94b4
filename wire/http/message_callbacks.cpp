// The llhttp callbacks: they fill a MessageParser's message and enforce its limits.
#include <algorithm>
#include <array>

#include "wire/http/message_parser.hpp"

namespace wire::http::detail {

namespace {

MessageParser& self(llhttp_t* p) { return *static_cast<MessageParser*>(p->data); }

constexpr int kStop = MessageParser::kStop;

int on_message_begin(llhttp_t* p) {
  self(p).started = true;
  return 0;
}

int on_method(llhttp_t* p, const char* at, std::size_t n) {
  MessageParser& s = self(p);
  if (s.count_head(at + n) != 0) return kStop;
  s.method.append(at, n);
  return 0;
}

int on_url(llhttp_t* p, const char* at, std::size_t n) {
  MessageParser& s = self(p);
  if (n > s.limits.max_target - std::min(s.target.size(), s.limits.max_target)) {
    return s.fail(414, "request-target too long");
  }
  if (s.count_head(at + n) != 0) return kStop;
  s.target.append(at, n);
  return 0;
}

// Status reason and version text are not kept, but they are part of the head.
int on_head_span(llhttp_t* p, const char* at, std::size_t n) { return self(p).count_head(at + n); }

int on_version_complete(llhttp_t* p) {
  // llhttp accepts 0.9, 1.x and 2.0; only 1.0 and 1.1 are HTTP/1 messages we can answer.
  if (p->http_major != 1 || p->http_minor > 1) {
    return self(p).fail(self(p).kind == MessageParser::Kind::request ? 505 : 502,
                        "HTTP version not supported");
  }
  return 0;
}

int on_header_field(llhttp_t* p, const char* at, std::size_t n) {
  MessageParser& s = self(p);
  if (s.headers_done) return s.count_trailer(n);
  if (n == 0) return 0;
  if (s.count_head(at + n) != 0) return kStop;
  if (!s.field_open) {
    if (s.headers.size() >= s.limits.max_headers) return s.fail(431, "too many header fields");
    if (s.headers.empty()) s.headers.reserve(16);
    s.headers.emplace_back();
    s.field_open = true;
  }
  s.headers.back().name.append(at, n);
  return 0;
}

// RFC 9110 5.6.2 tchar. llhttp 8 (loose mode) lets a space inside a field name through
// ("Bad Header: x"); a name that is not a token is how smuggled framing headers hide.
constexpr bool is_tchar(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c != 0 && std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos);
}

constexpr auto kTchar = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) table[c] = is_tchar(static_cast<unsigned char>(c));
  return table;
}();

int on_header_field_complete(llhttp_t* p) {
  MessageParser& s = self(p);
  if (s.headers_done) return 0;  // trailer: dropped anyway
  // Without name bytes the value would land on the previous header.
  if (!s.field_open) return s.fail(s.malformed_status(), "empty header name");
  s.field_open = false;
  for (const char c : s.headers.back().name) {
    if (!kTchar[static_cast<unsigned char>(c)]) {
      return s.fail(s.malformed_status(), "invalid character in header name");
    }
  }
  return 0;
}

int on_header_value(llhttp_t* p, const char* at, std::size_t n) {
  MessageParser& s = self(p);
  if (s.headers_done) return s.count_trailer(n);
  if (s.count_head(at + n) != 0) return kStop;
  if (s.headers.empty()) return s.fail(s.malformed_status(), "header value without a name");
  s.headers.back().value.append(at, n);
  return 0;
}

int on_header_value_complete(llhttp_t* p) {
  MessageParser& s = self(p);
  // llhttp skips the whitespace before a value but hands over the whitespace after it.
  if (!s.headers_done && !s.headers.empty()) {
    std::string& v = s.headers.back().value;
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  }
  return 0;
}

// Transfer-Encoding other than a lone "chunked" (e.g. "gzip, chunked") would hand the
// application an undecoded body: refuse it (RFC 9112 6.1: 501 for unknown codings).
bool only_chunked(const Headers& headers) {
  int count = 0;
  for (const Header& h : headers) {
    if (iequals(h.name, "transfer-encoding")) {
      if (++count > 1 || !iequals(h.value, "chunked")) return false;
    }
  }
  return true;
}

int on_headers_complete(llhttp_t* p) {
  MessageParser& s = self(p);
  s.headers_done = true;
  s.field_open = false;
  s.version_major = p->http_major;
  s.version_minor = p->http_minor;
  const bool request = s.kind == MessageParser::Kind::request;
  if (s.version_major != 1 || s.version_minor > 1) {
    return s.fail(request ? 505 : 502, "HTTP version not supported");
  }
  if (request) {
    if (p->method == HTTP_CONNECT) return s.fail(501, "CONNECT is not supported");
    // RFC 9110 7.8 lets a server ignore Upgrade; answering in HTTP/1.1 keeps h2c-probing and
    // websocket-probing clients working instead of failing them.
    p->upgrade = 0;
    if ((p->flags & F_TRANSFER_ENCODING) && !only_chunked(s.headers)) {
      return s.fail(501, "unsupported transfer coding");
    }
    const std::string* expect = find_header(s.headers, "expect");
    s.expects_continue = expect != nullptr && iequals(*expect, "100-continue");
  } else {
    s.status = p->status_code;
    if (s.status == 101) return s.fail(502, "unexpected protocol upgrade");
    // RFC 9112 6.3: a HEAD answer, a 204 and a 304 end with their headers whatever their
    // Content-Length says (llhttp itself would read a 204's or 304's Content-Length body).
    if ((s.skip_body && s.status >= 200) || s.status == 204 || s.status == 304) return 1;
  }
  if ((p->flags & F_CONTENT_LENGTH) && !(p->flags & F_CHUNKED)) {
    // Refuse now rather than after reading up to a megabyte the handler will never see.
    if (p->content_length > s.limits.max_body) return s.fail(413, "body too large");
    s.body.reserve(static_cast<std::size_t>(p->content_length));
  }
  return 0;
}

int on_body(llhttp_t* p, const char* at, std::size_t n) {
  MessageParser& s = self(p);
  if (n > s.limits.max_body - s.body.size()) return s.fail(413, "body too large");
  s.body.append(at, n);
  return 0;
}

// The chunk size is known before its data: fail on the size, not after buffering the data.
int on_chunk_header(llhttp_t* p) {
  MessageParser& s = self(p);
  if (p->content_length > s.limits.max_body - s.body.size()) return s.fail(413, "body too large");
  return 0;
}

int on_chunk_extension(llhttp_t* p, const char*, std::size_t n) {
  return self(p).count_extension(n);
}

int on_message_complete(llhttp_t* p) {
  MessageParser& s = self(p);
  if (s.kind == MessageParser::Kind::response && s.status < 200) {
    s.discard_interim();
    return 0;
  }
  s.keep_alive = llhttp_should_keep_alive(p) != 0;
  s.complete = true;
  // One message per feed(): the caller takes it before anything after it is parsed.
  return HPE_PAUSED;
}

llhttp_settings_t make_settings() {
  llhttp_settings_t st;
  llhttp_settings_init(&st);
  st.on_message_begin = on_message_begin;
  st.on_method = on_method;
  st.on_url = on_url;
  st.on_status = on_head_span;
  st.on_version = on_head_span;
  st.on_version_complete = on_version_complete;
  st.on_header_field = on_header_field;
  st.on_header_field_complete = on_header_field_complete;
  st.on_header_value = on_header_value;
  st.on_header_value_complete = on_header_value_complete;
  st.on_headers_complete = on_headers_complete;
  st.on_body = on_body;
  st.on_chunk_header = on_chunk_header;
  st.on_chunk_extension_name = on_chunk_extension;
  st.on_chunk_extension_value = on_chunk_extension;
  st.on_message_complete = on_message_complete;
  return st;
}

}  // namespace

// llhttp keeps a pointer to the settings for the parser's lifetime. A function-local static
// is ready even for parsers built during other translation units' static initialisation.
const llhttp_settings_t* message_callbacks() {
  static const llhttp_settings_t instance = make_settings();
  return &instance;
}

}  // namespace wire::http::detail
