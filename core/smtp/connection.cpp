#include "core/smtp/connection.hpp"

#include <fmt/format.h>

#include "core/net/tcp_connect.hpp"
#include "core/smtp/error.hpp"
#include "wire/smtp/commands.hpp"
#include "wire/smtp/transaction.hpp"

namespace core::smtp::detail {

using wire::smtp::Reply;

namespace {

Error refused(Error::Kind kind, const char* what, const Reply& r) {
  return Error(kind, r.code, fmt::format("smtp: the relay refused {}: {}", what, r.text()), r.text());
}

}  // namespace

Connection::Connection(const SmtpOptions& options, TcpStream stream)
    : options_(options), stream_(std::move(stream)) {}

Connection::~Connection() = default;

Task<std::unique_ptr<Connection>> Connection::open(const SmtpOptions& options,
                                                   const TlsContext* tls) {
  TcpStream stream;
  try {
    stream = co_await tcp_connect(options.host, options.port, options.command_timeout);
  } catch (const NetError& e) {
    throw Error(Error::Kind::connect, 0,
                fmt::format("smtp: cannot connect to {}:{}: {}", options.host, options.port, e.what()));
  }
  stream.set_nodelay(true);
  auto c = std::make_unique<Connection>(options, std::move(stream));
  co_await c->start(tls);
  co_return c;
}

Task<void> Connection::start(const TlsContext* tls) {
  if (options_.encryption != Encryption::none && tls == nullptr) {
    throw std::invalid_argument("smtp: TLS encryption without a TLS context");
  }
  if (options_.encryption == Encryption::tls) {
    tls_ = std::make_unique<TlsChannel>(*tls, options_.host);
    co_await tls_->handshake(stream_, options_.command_timeout);
  }
  Reply greeting = co_await read_reply();
  if (greeting.code != 220) throw refused(Error::Kind::refused, "the session", greeting);
  co_await hello();
  if (options_.encryption == Encryption::starttls) {
    co_await upgrade(*tls);
    co_await hello();
  }
  if (!options_.username.empty()) co_await authenticate();
  in_step_ = true;
}

Task<void> Connection::hello() {
  std::string domain = options_.helo_domain.empty() ? "localhost" : options_.helo_domain;
  Reply r = co_await command(wire::smtp::ehlo(domain));
  if (r.code == 250) {
    ext_ = wire::smtp::parse_ehlo(r);
    co_return;
  }
  // A relay without ESMTP: HELO, and no extensions (no TLS, AUTH or pipelining then).
  if (r.klass() == 5 && options_.encryption == Encryption::none && options_.username.empty()) {
    Reply h = co_await command("HELO " + domain + "\r\n");
    if (h.code == 250) {
      ext_ = {};
      co_return;
    }
    r = h;
  }
  throw refused(Error::Kind::refused, "EHLO", r);
}

Task<void> Connection::upgrade(const TlsContext& tls) {
  if (!ext_.starttls) {
    throw Error(Error::Kind::tls, 0, "smtp: the relay does not offer STARTTLS (MAIL_ENCRYPTION=starttls)");
  }
  Reply r = co_await command("STARTTLS\r\n");
  if (r.code != 220) throw refused(Error::Kind::tls, "STARTTLS", r);
  // Bytes after the 220 were sent before TLS and would be read as if they came through it
  // (the STARTTLS command injection of CVE-2011-0411): refuse the session.
  if (!stream_.input().empty()) {
    throw Error(Error::Kind::protocol, 0, "smtp: the relay sent data after its STARTTLS reply");
  }
  tls_ = std::make_unique<TlsChannel>(tls, options_.host);
  co_await tls_->handshake(stream_, options_.command_timeout);
  ext_ = {};  // forget what was said in the clear (RFC 3207 4.2)
}

Task<void> Connection::authenticate() {
  if (ext_.auth_plain) {
    Reply r = co_await command(wire::smtp::auth_plain(options_.username, options_.password));
    if (r.code != 235) throw refused(Error::Kind::auth, "AUTH PLAIN", r);
    co_return;
  }
  if (ext_.auth_login) {
    Reply r = co_await command("AUTH LOGIN\r\n");
    if (r.code == 334) r = co_await command(wire::smtp::auth_login_line(options_.username));
    if (r.code == 334) r = co_await command(wire::smtp::auth_login_line(options_.password));
    if (r.code != 235) throw refused(Error::Kind::auth, "AUTH LOGIN", r);
    co_return;
  }
  throw Error(Error::Kind::auth, 0, "smtp: the relay offers neither AUTH PLAIN nor AUTH LOGIN");
}

Task<Reply> Connection::read_reply() {
  for (;;) {
    Buffer& in = input();
    auto parsed = wire::smtp::parse_reply(in.readable());
    if (parsed.status == wire::smtp::ParsedReply::Status::complete) {
      in.consume(parsed.consumed);
      co_return std::move(parsed.reply);
    }
    if (parsed.status == wire::smtp::ParsedReply::Status::malformed) {
      throw Error(Error::Kind::protocol, 0, "smtp: " + parsed.error);
    }
    std::size_t got = tls_ ? co_await tls_->read_some(stream_, plain_, options_.command_timeout)
                           : co_await stream_.read_some(options_.command_timeout);
    if (got == 0) throw Error(Error::Kind::closed, 0, "smtp: the relay closed the connection");
  }
}

Task<void> Connection::write(std::string_view bytes) {
  if (tls_) {
    co_await tls_->write(stream_, bytes, options_.command_timeout);
  } else {
    co_await stream_.write(bytes, options_.command_timeout);
  }
}

Task<Reply> Connection::command(std::string_view line) {
  co_await write(line);
  co_return co_await read_reply();
}

Task<void> Connection::send(std::string_view mail_from, const std::vector<std::string>& recipients,
                            std::string_view payload) {
  std::size_t limit = options_.max_message_size;
  if (ext_.size && *ext_.size > 0 && *ext_.size < limit) limit = *ext_.size;
  if (payload.size() > limit) {
    throw Error(Error::Kind::too_large, 0,
                fmt::format("smtp: the message has {} bytes, the limit is {}", payload.size(), limit));
  }
  wire::smtp::Transaction::Options topts;
  topts.pipelining = ext_.pipelining;
  // RSET between messages: where it rides in the same write (pipelining) always on a reused
  // session; otherwise only after a refused transaction (the end of data already resets the
  // relay's state, RFC 5321 4.1.1.4, so a round trip of RSET would buy nothing).
  topts.reset_first = needs_reset_ || (used_ && ext_.pipelining);
  topts.size = ext_.size ? payload.size() : 0;
  wire::smtp::Transaction t(mail_from, recipients, topts);
  in_step_ = false;
  used_ = true;
  using Step = wire::smtp::Transaction::Step;
  try {
    co_await write(t.take_commands());
    for (;;) {
      Step step = t.on_reply(co_await read_reply());
      switch (step) {
        case Step::write:
          co_await write(t.take_commands());
          break;
        case Step::read:
          break;
        case Step::send_data:
          co_await write(payload);
          break;
        case Step::accepted:
          needs_reset_ = false;
          in_step_ = true;
          co_return;
        case Step::rejected:
          needs_reset_ = true;
          in_step_ = true;
          throw refused(Error::Kind::refused, t.data_sent() ? "the message" : "the envelope",
                        t.failure());
        case Step::abandon: {
          const Reply& r = t.failure();
          if (r.code == 421) {
            throw Error(Error::Kind::closed, r.code,
                        "smtp: the relay is closing the session: " + r.text(), r.text());
          }
          if (r.klass() == 4 || r.klass() == 5) throw refused(Error::Kind::refused, "the envelope", r);
          throw Error(Error::Kind::protocol, r.code, "smtp: unexpected reply " + r.text(), r.text());
        }
      }
    }
  } catch (Error& e) {
    if (t.data_sent() && e.kind != Error::Kind::refused) e.outcome_unknown = true;
    throw;
  } catch (const NetError& e) {
    Error lost(Error::Kind::closed, 0, std::string("smtp: connection lost: ") + e.what());
    lost.outcome_unknown = t.data_sent();
    throw lost;
  }
}

bool Connection::idle() const noexcept {
  const StreamState* s = stream_.state();
  if (!in_step_ || s == nullptr || s->eof || s->read_error != 0 || s->closing()) return false;
  // Plain: any byte is the relay speaking out of turn (a 421). TLS: the stream may hold
  // records for OpenSSL (a session ticket); the decrypted side must be empty.
  return tls_ ? plain_.empty() : s->in.empty();
}

void Connection::close() noexcept {
  if (!stream_.is_open()) return;
  try {
    if (in_step_) {
      std::string bye = tls_ ? tls_->seal("QUIT\r\n", true) : std::string("QUIT\r\n");
      stream_.write_now(bye);
    }
  } catch (...) {
    // closing anyway
  }
  stream_.close();
}

}  // namespace core::smtp::detail
