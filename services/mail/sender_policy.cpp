#include "services/mail/sender_policy.hpp"

#include "wire/http/headers.hpp"

namespace mail {

bool sender_allowed(std::string_view address, const std::vector<std::string>& allowed) {
  auto at = address.rfind('@');
  std::string_view domain = at == std::string_view::npos ? std::string_view() : address.substr(at);
  for (const auto& rule : allowed) {
    if (rule.empty()) continue;
    if (rule.front() == '@' ? wire::http::iequals(rule, domain) : wire::http::iequals(rule, address)) return true;
  }
  return false;
}

Sender resolve_sender(const wire::mail::Mailbox& requested, const std::vector<std::string>& allowed,
                      const std::string& from_address, const std::string& from_name) {
  if (sender_allowed(requested.address, allowed)) return Sender{requested, std::nullopt};
  return Sender{{from_address, from_name}, requested};
}

}  // namespace mail
