#include "wire/http/serialize.hpp"

#include <charconv>

#include "wire/http/status.hpp"

namespace wire::http {

namespace {

void append_number(std::string& out, std::size_t n) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
  out.append(buf, static_cast<std::size_t>(end - buf));
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ", 2);
  out.append(value);
  out.append("\r\n", 2);
}

// What the serializer must know about the caller's headers, found in one pass that also sizes
// them, so the output grows by a single reserve.
struct HeaderScan {
  std::size_t bytes = 0;
  bool has_length = false;
  bool has_transfer_encoding = false;
};

HeaderScan scan(const Headers& headers) {
  HeaderScan s;
  for (const Header& h : headers) {
    s.bytes += h.name.size() + h.value.size() + 4;
    if (iequals(h.name, "content-length")) {
      s.has_length = true;
    } else if (iequals(h.name, "transfer-encoding")) {
      s.has_transfer_encoding = true;
    }
  }
  return s;
}

void append_headers(std::string& out, const Headers& headers) {
  for (const Header& h : headers) append_header(out, h.name, h.value);
}

}  // namespace

void serialize_response(const Response& response, std::string& out, bool keep_alive,
                        std::string_view date, bool head_request, int version_minor) {
  const int status = response.status;
  // RFC 9110 8.6 / 15: 1xx and 204 never carry Content-Length or a body; 304 has no body and
  // its Content-Length would describe the selected representation, which we do not know.
  const bool bodiless_status = (status >= 100 && status < 200) || status == 204 || status == 304;
  const bool write_body = !bodiless_status && !head_request;
  const HeaderScan caller = scan(response.headers);
  const std::string_view reason = status_text(status);

  out.reserve(out.size() + 96 + reason.size() + date.size() + caller.bytes +
              (write_body ? response.body.size() : 0));

  out.append(version_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ", 9);
  append_number(out, static_cast<std::size_t>(status < 0 ? 0 : status));
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n", 2);
  if (!date.empty()) append_header(out, "Date", date);
  append_headers(out, response.headers);
  if (!bodiless_status && !caller.has_length && !caller.has_transfer_encoding) {
    out.append("Content-Length: ", 16);
    append_number(out, response.body.size());
    out.append("\r\n", 2);
  }
  if (!keep_alive) {
    out.append("Connection: close\r\n");
  } else if (version_minor == 0) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n", 2);
  if (write_body) out.append(response.body);
}

void serialize_request(const ClientRequest& request, std::string& out) {
  const HeaderScan caller = scan(request.headers);
  const std::string_view m = request.method;
  const bool length_needed = !request.body.empty() || m == "POST" || m == "PUT" || m == "PATCH";

  out.reserve(out.size() + 64 + m.size() + request.target.size() + request.host.size() +
              caller.bytes + request.body.size());

  out.append(m);
  out.push_back(' ');
  out.append(request.target);
  out.append(" HTTP/1.1\r\n", 11);
  if (!request.host.empty()) append_header(out, "Host", request.host);
  append_headers(out, request.headers);
  if (length_needed && !caller.has_length && !caller.has_transfer_encoding) {
    out.append("Content-Length: ", 16);
    append_number(out, request.body.size());
    out.append("\r\n", 2);
  }
  out.append("\r\n", 2);
  out.append(request.body);
}

}  // namespace wire::http
