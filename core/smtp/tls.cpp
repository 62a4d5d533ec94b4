#include "core/smtp/tls.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "core/smtp/error.hpp"

namespace core::smtp {

namespace {

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

TlsContext::TlsContext(const std::optional<std::string>& ca_file) {
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) throw std::runtime_error("smtp: SSL_CTX_new failed: " + openssl_errors());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  int ok = ca_file ? SSL_CTX_load_verify_locations(ctx_, ca_file->c_str(), nullptr)
                   : SSL_CTX_set_default_verify_paths(ctx_);
  if (ok != 1) {
    std::string why = openssl_errors();
    SSL_CTX_free(ctx_);
    throw std::runtime_error("smtp: cannot load the trusted CAs" +
                             (ca_file ? " from " + *ca_file : std::string()) + ": " + why);
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsChannel::TlsChannel(const TlsContext& context, const std::string& host) {
  ssl_ = SSL_new(context.get());
  if (ssl_ == nullptr) throw std::runtime_error("smtp: SSL_new failed: " + openssl_errors());
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  if (in_ == nullptr || out_ == nullptr) {
    BIO_free(in_);
    BIO_free(out_);
    SSL_free(ssl_);
    throw std::runtime_error("smtp: BIO_new failed");
  }
  SSL_set_bio(ssl_, in_, out_);  // ssl_ owns both from here
  SSL_set_connect_state(ssl_);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
  if (is_ip_literal(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    SSL_set_tlsext_host_name(ssl_, host.c_str());  // SNI: names only, never addresses
  }
}

TlsChannel::~TlsChannel() { SSL_free(ssl_); }

void TlsChannel::feed(TcpStream& stream) {
  Buffer& in = stream.input();
  while (!in.empty()) {
    std::string_view bytes = in.readable();
    int n = BIO_write(in_, bytes.data(), static_cast<int>(bytes.size()));
    if (n <= 0) throw std::runtime_error("smtp: BIO_write failed");
    in.consume(static_cast<std::size_t>(n));
  }
}

std::string TlsChannel::drain() {
  std::string out;
  std::size_t pending = BIO_ctrl_pending(out_);
  if (pending == 0) return out;
  out.resize(pending);
  int n = BIO_read(out_, out.data(), static_cast<int>(pending));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

void TlsChannel::fail(const char* what, int ssl_error) {
  std::string why = openssl_errors();
  long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    why = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  if (why.empty()) why = "SSL error " + std::to_string(ssl_error);
  throw Error(Error::Kind::tls, 0, std::string("smtp: TLS ") + what + " failed: " + why);
}

Task<void> TlsChannel::handshake(TcpStream& stream, Duration timeout) {
  for (;;) {
    feed(stream);
    ERR_clear_error();
    int rc = SSL_do_handshake(ssl_);
    std::string out = drain();
    if (!out.empty()) co_await stream.write(out, timeout);
    if (rc == 1) co_return;
    int err = SSL_get_error(ssl_, rc);
    if (err != SSL_ERROR_WANT_READ) fail("handshake", err);
    if (co_await stream.read_some(timeout) == 0) {
      throw Error(Error::Kind::closed, 0, "smtp: the relay closed the connection during the TLS handshake");
    }
  }
}

Task<void> TlsChannel::write(TcpStream& stream, std::string_view plain, Duration timeout) {
  ERR_clear_error();
  // Memory BIOs take everything: SSL_write never wants to wait here.
  if (!plain.empty()) {
    int rc = SSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
    if (rc <= 0) fail("write", SSL_get_error(ssl_, rc));
  }
  std::string out = drain();
  if (!out.empty()) co_await stream.write(out, timeout);
}

Task<std::size_t> TlsChannel::read_some(TcpStream& stream, Buffer& plain, Duration timeout) {
  for (;;) {
    feed(stream);
    ERR_clear_error();
    std::size_t room = 0;
    char* dst = plain.prepare(16 * 1024, &room);
    int rc = SSL_read(ssl_, dst, static_cast<int>(room));
    if (rc > 0) {
      plain.commit(static_cast<std::size_t>(rc));
      co_return static_cast<std::size_t>(rc);
    }
    int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_ZERO_RETURN) co_return 0;
    if (err != SSL_ERROR_WANT_READ) fail("read", err);
    // Post-handshake messages (session tickets, key updates) may want an answer.
    std::string out = drain();
    if (!out.empty()) co_await stream.write(out, timeout);
    if (co_await stream.read_some(timeout) == 0) co_return 0;
  }
}

std::string TlsChannel::seal(std::string_view plain, bool close) {
  ERR_clear_error();
  if (!plain.empty()) SSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
  if (close) SSL_shutdown(ssl_);
  return drain();
}

}  // namespace core::smtp
