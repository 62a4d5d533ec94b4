#pragma once
// Turns a mail request into the bytes to send: the templates are loaded once at start-up (CSS
// inlined into style attributes then, not per message), then each message fills them.
#include <cstdint>
#include <string>
#include <vector>

#include "core/smtp/client.hpp"
#include "services/mail/sender_policy.hpp"
#include "wire/contracts/payloads.hpp"
#include "wire/result.hpp"

namespace mail {

struct Policy {
  std::vector<std::string> allowed_senders;  // MAIL_ALLOWED_SENDERS
  std::string from_address;                  // FROM_ADDRESS
  std::string from_name;                     // FROM_NAME
  std::string domain;                        // MAIL_DOMAIN (Message-ID right-hand side)
};

class Composer {
 public:
  /// Loads and checks the embedded templates; throws std::runtime_error naming a broken one.
  explicit Composer(Policy policy);

  /// 400 for a bad address or a header value with CR/LF; otherwise the envelope to send.
  wire::Result<core::smtp::Envelope> compose(const wire::contracts::MailPayload& p, std::int64_t unix_seconds,
                                             std::string_view token) const;

 private:
  Policy policy_;
  std::string html_;   // CSS already inlined
  std::string plain_;
};

}  // namespace mail
