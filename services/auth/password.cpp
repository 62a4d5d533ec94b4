#include "services/auth/password.hpp"

#include <crypt.h>
#include <sodium.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace auth::password {

namespace {

constexpr std::size_t kBcryptLength = 60;  // "$2b$" cost "$" 22 salt + 31 hash characters
constexpr std::size_t kBcryptMaxPassword = 72;  // bcrypt reads no further

void init_sodium() {
  static const int rc = sodium_init();  // thread-safe static init; idempotent in libsodium
  if (rc < 0) throw std::runtime_error("libsodium failed to initialise");
}

bool starts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.substr(0, prefix.size()) == prefix;
}

bool verify_argon2id(std::string_view password, std::string_view hash) {
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most STRBYTES - 1.
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  std::memcpy(stored, hash.data(), hash.size());
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

bool verify_bcrypt(std::string_view password, std::string_view hash) {
  // libxcrypt reads "$2a$" with Openwall's countermeasure for the old sign-extension bug,
  // which changes the result for some passwords with 8-bit bytes. Go's bcrypt writes "$2a$"
  // but computes what "$2b$" names, so verify it as "$2b$".
  std::string setting(hash);
  if (starts_with(setting, "$2a$")) setting[2] = 'b';
  // crypt reads a C string: a password with a NUL would be cut there, and bcrypt ignores
  // everything past 72 bytes. Such passwords are hashed anyway (the same work) but never match.
  bool acceptable = password.size() <= kBcryptMaxPassword && password.find('\0') == std::string_view::npos;
  std::string phrase(password);
  auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on the pool thread's stack
  const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  bool match = out != nullptr && std::strlen(out) == setting.size() &&
               sodium_memcmp(out, setting.data(), setting.size()) == 0;
  sodium_memzero(phrase.data(), phrase.size());
  sodium_memzero(data.get(), sizeof(crypt_data));
  return match && acceptable;
}

}  // namespace

std::string bcrypt_hash(std::string_view password, int cost) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting, sizeof setting)) {
    throw std::runtime_error("bcrypt: no salt for this cost");
  }
  std::string phrase(password);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(phrase.c_str(), setting, data.get(), sizeof(crypt_data));
  sodium_memzero(phrase.data(), phrase.size());
  if (!out || out[0] == '*') throw std::runtime_error("bcrypt: hashing failed");
  return std::string(out);
}

Scheme scheme_of(std::string_view hash) noexcept {
  if (starts_with(hash, "$argon2id$")) return Scheme::argon2id;
  if ((starts_with(hash, "$2a$") || starts_with(hash, "$2b$") || starts_with(hash, "$2y$")) &&
      hash.size() == kBcryptLength) {
    return Scheme::bcrypt;
  }
  return Scheme::unknown;
}

std::string hash(std::string_view password) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory)");
  }
  return out;
}

bool verify(std::string_view password, std::string_view hash) {
  init_sodium();
  switch (scheme_of(hash)) {
    case Scheme::argon2id:
      return verify_argon2id(password, hash);
    case Scheme::bcrypt:
      return verify_bcrypt(password, hash);
    case Scheme::unknown:
      break;
  }
  return false;
}

bool needs_upgrade(std::string_view hash) {
  switch (scheme_of(hash)) {
    case Scheme::bcrypt:
      return true;
    case Scheme::argon2id: {
      init_sodium();
      if (hash.size() >= crypto_pwhash_STRBYTES) return true;
      char stored[crypto_pwhash_STRBYTES] = {};
      std::memcpy(stored, hash.data(), hash.size());
      // 0: today's parameters; 1: other parameters; -1: not parseable as argon2id.
      return crypto_pwhash_str_needs_rehash(stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
    }
    case Scheme::unknown:
      break;
  }
  return false;
}

}  // namespace auth::password
