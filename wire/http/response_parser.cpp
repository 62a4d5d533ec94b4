#include "wire/http/response_parser.hpp"

#include "wire/http/message_parser.hpp"

namespace wire::http {

ResponseParser::ResponseParser(Limits limits)
    : core_(
          std::make_unique<detail::MessageParser>(detail::MessageParser::Kind::response, limits)) {}

ResponseParser::~ResponseParser() = default;
ResponseParser::ResponseParser(ResponseParser&&) noexcept = default;
ResponseParser& ResponseParser::operator=(ResponseParser&&) noexcept = default;

void ResponseParser::expect_head_response(bool head) { core_->skip_body = head; }

ResponseParser::Progress ResponseParser::feed(std::string_view data) { return core_->feed(data); }

ResponseParser::Progress ResponseParser::finish() { return core_->finish(); }

Response ResponseParser::take() {
  detail::MessageParser& c = *core_;
  Response r;
  r.status = c.status;
  r.headers = std::move(c.headers);
  r.body = std::move(c.body);
  c.next_message();
  return r;
}

bool ResponseParser::keep_alive() const { return core_->keep_alive; }
int ResponseParser::error_status() const { return core_->error_status; }
std::string_view ResponseParser::error_message() const { return core_->error_message; }

}  // namespace wire::http
