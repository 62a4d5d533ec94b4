#pragma once
// No open relay: the client's From is used only when MAIL_ALLOWED_SENDERS allows it (an exact
// address or an "@domain"); otherwise the mail goes out From FROM_ADDRESS and the client's
// address becomes Reply-To.
#include <optional>
#include <string>
#include <vector>

#include "wire/mail/message.hpp"

namespace mail {

struct Sender {
  wire::mail::Mailbox from;
  std::optional<wire::mail::Mailbox> reply_to;
};

bool sender_allowed(std::string_view address, const std::vector<std::string>& allowed);

/// `requested` keeps its display name whether it becomes From or Reply-To.
Sender resolve_sender(const wire::mail::Mailbox& requested, const std::vector<std::string>& allowed,
                      const std::string& from_address, const std::string& from_name);

}  // namespace mail
