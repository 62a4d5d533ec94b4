#include "wire/http/request_parser.hpp"

#include "wire/http/message_parser.hpp"

namespace wire::http {

RequestParser::RequestParser(Limits limits)
    : core_(std::make_unique<detail::MessageParser>(detail::MessageParser::Kind::request, limits)) {
}

RequestParser::~RequestParser() = default;
RequestParser::RequestParser(RequestParser&&) noexcept = default;
RequestParser& RequestParser::operator=(RequestParser&&) noexcept = default;

RequestParser::Progress RequestParser::feed(std::string_view data) { return core_->feed(data); }

Request RequestParser::take() {
  detail::MessageParser& c = *core_;
  Request r;
  r.method = std::move(c.method);
  r.target = std::move(c.target);
  const std::size_t q = r.target.find('?');
  if (q == std::string::npos) {
    r.path = r.target;
  } else {
    r.path.assign(r.target, 0, q);
    r.query.assign(r.target, q + 1);
  }
  r.version_major = c.version_major;
  r.version_minor = c.version_minor;
  r.headers = std::move(c.headers);
  r.body = std::move(c.body);
  r.keep_alive = c.keep_alive;
  c.next_message();
  return r;
}

int RequestParser::error_status() const { return core_->error_status; }
std::string_view RequestParser::error_message() const { return core_->error_message; }
bool RequestParser::started() const { return core_->started; }
bool RequestParser::headers_done() const { return core_->headers_done; }
bool RequestParser::expects_continue() const { return core_->expects_continue; }

}  // namespace wire::http
