#include "core/smtp/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

#include "core/runtime/cancel.hpp"
#include "core/smtp/multi.hpp"
#include "wire/mail/address.hpp"

namespace core::smtp {

namespace {

// The message bytes, handed to curl piece by piece.
struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* self) {
  auto* u = static_cast<Upload*>(self);
  std::size_t n = std::min(size * count, u->data.size() - u->offset);
  std::memcpy(buffer, u->data.data() + u->offset, n);
  u->offset += n;
  return n;
}

std::string relay_url(const SmtpOptions& o) {
  std::string host = o.host.find(':') != std::string::npos && o.host.front() != '['
                         ? "[" + o.host + "]"
                         : o.host;
  return fmt::format("{}://{}:{}/{}", o.encryption == Encryption::tls ? "smtps" : "smtp", host,
                     o.port, o.helo_domain);
}

void check_path(const std::string& address, const char* what) {
  if (const char* why = wire::mail::address_problem(address)) {
    throw std::invalid_argument(fmt::format("smtp: invalid {} address: {}", what, why));
  }
}

}  // namespace

struct Client::Impl {
  explicit Impl(SmtpOptions o)
      : options(std::move(o)), url(relay_url(options)), multi(options.max_connections) {}

  // Easy handles are kept for reuse; the connections themselves live in the multi's cache.
  detail::EasyPtr acquire() {
    if (!idle.empty()) {
      detail::EasyPtr easy = std::move(idle.back());
      idle.pop_back();
      return easy;
    }
    detail::EasyPtr easy(curl_easy_init());
    if (!easy) throw std::bad_alloc();
    return easy;
  }

  void release(detail::EasyPtr easy) noexcept {
    if (!easy) return;
    curl_easy_reset(easy.get());
    if (idle.size() < options.max_connections) idle.push_back(std::move(easy));
  }

  struct Lease {
    Impl* impl;
    detail::EasyPtr easy;
    ~Lease() { impl->release(std::move(easy)); }
  };

  void configure(CURL* easy, const std::string& from, curl_slist* rcpts, Upload* upload,
                 char* errbuf) {
    multi.prepare(easy);
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &read_upload);
    curl_easy_setopt(easy, CURLOPT_READDATA, upload);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    long ms = static_cast<long>(options.timeout.count());
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, ms);
    // Also bounds libcurl's blocking wait for the reply to QUIT when the cache closes a
    // connection (120 s by default, outside the transfer's timeout).
    curl_easy_setopt(easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, std::max(1L, (ms + 999) / 1000));
    if (!options.username.empty()) {
      curl_easy_setopt(easy, CURLOPT_USERNAME, options.username.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, options.password.c_str());
    }
    if (options.encryption == Encryption::starttls) {
      curl_easy_setopt(easy, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    if (options.ca_file) curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file->c_str());
  }

  static Task<void> send(Impl* self, Envelope e) {
    check_path(e.mail_from, "mail_from");
    if (e.recipients.empty()) throw std::invalid_argument("smtp: no recipient");
    detail::SlistPtr rcpts;
    for (const std::string& r : e.recipients) {
      check_path(r, "recipient");
      curl_slist* next = curl_slist_append(rcpts.get(), ("<" + r + ">").c_str());
      if (next == nullptr) throw std::bad_alloc();
      rcpts.release();
      rcpts.reset(next);
    }
    std::string from = "<" + e.mail_from + ">";
    Upload upload{e.message};
    char errbuf[CURL_ERROR_SIZE] = {0};

    Lease lease{self, self->acquire()};
    CURL* easy = lease.easy.get();
    self->configure(easy, from, rcpts.get(), &upload, errbuf);
    CURLcode rc = co_await self->multi.perform(easy);

    long connects = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    self->connects += static_cast<std::size_t>(connects);
    if (rc == CURLE_OK) {
      ++self->sent;
      co_return;
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) throw TimeoutError();
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    std::string message = fmt::format("smtp {}:{}: {}", self->options.host, self->options.port,
                                      curl_easy_strerror(rc));
    if (errbuf[0] != '\0') message += fmt::format(" ({})", errbuf);
    if (code != 0) message += fmt::format(", SMTP reply {}", code);
    throw Error(static_cast<int>(rc), code, message);
  }

  SmtpOptions options;
  std::string url;
  detail::Multi multi;
  std::vector<detail::EasyPtr> idle;
  std::size_t connects = 0;
  std::size_t sent = 0;
};

Client::Client(SmtpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Task<void> Client::send(Envelope envelope) { return Impl::send(impl_.get(), std::move(envelope)); }

std::size_t Client::connections_opened() const noexcept { return impl_->connects; }
std::size_t Client::sent() const noexcept { return impl_->sent; }
std::chrono::microseconds Client::longest_stall() const noexcept {
  return impl_->multi.longest_stall();
}
const SmtpOptions& Client::options() const noexcept { return impl_->options; }

}  // namespace core::smtp
