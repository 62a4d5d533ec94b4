#include "services/mail/composer.hpp"

#include <span>
#include <stdexcept>

#include "core/service/assets.hpp"
#include "wire/mail/address.hpp"
#include "wire/mail/css_inline.hpp"
#include "wire/mail/template.hpp"

std::span<const core::service::Asset> mail_templates();  // generated from templates/

namespace mail {

namespace {
std::string load(std::string_view name) {
  const auto* a = core::service::find_asset(mail_templates(), name);
  if (!a) throw std::runtime_error("mail template missing: " + std::string(name));
  return std::string(a->data);
}
}  // namespace

Composer::Composer(Policy policy) : policy_(std::move(policy)) {
  auto inlined = wire::mail::inline_css(load("mail.html"));
  if (!inlined) throw std::runtime_error("mail.html: " + inlined.error().message);
  html_ = std::move(inlined).value();
  plain_ = load("mail.plain");
  // Fill once with an empty message so a broken placeholder fails at start-up, not per mail.
  wire::mail::TemplateValue probe[] = {{"Message", ""}};
  if (!wire::mail::fill_template(html_, probe, wire::mail::Escaping::html)) throw std::runtime_error("mail.html: bad placeholder");
  if (!wire::mail::fill_template(plain_, probe, wire::mail::Escaping::none)) throw std::runtime_error("mail.plain: bad placeholder");
}

wire::Result<core::smtp::Envelope> Composer::compose(const wire::contracts::MailPayload& p, std::int64_t unix_seconds,
                                                     std::string_view token) const {
  auto from = wire::mail::parse_mailbox(p.from, "from");
  if (!from) return from.error();
  auto to = wire::mail::parse_mailbox(p.to, "to");
  if (!to) return to.error();
  Sender sender = resolve_sender(wire::mail::Mailbox{from->address, from->name}, policy_.allowed_senders,
                                 policy_.from_address, policy_.from_name);
  wire::mail::TemplateValue values[] = {{"Message", p.message}};
  auto html = wire::mail::fill_template(html_, values, wire::mail::Escaping::html);
  if (!html) return html.error();
  auto text = wire::mail::fill_template(plain_, values, wire::mail::Escaping::none);
  if (!text) return text.error();
  auto message_id = wire::mail::make_message_id(token, policy_.domain);
  if (!message_id) return message_id.error();

  wire::mail::Message m;
  m.from = sender.from;
  m.to = {wire::mail::Mailbox{to->address, to->name}};
  m.reply_to = sender.reply_to;
  m.subject = p.subject;
  m.date = wire::mail::format_date(unix_seconds);
  m.message_id = std::move(message_id).value();
  m.text = std::move(text).value();
  m.html = std::move(html).value();
  auto bytes = wire::mail::compose(m);
  if (!bytes) return bytes.error();
  return core::smtp::Envelope{sender.from.address, {to->address}, std::move(bytes).value()};
}

}  // namespace mail
