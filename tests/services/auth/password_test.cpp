// Hashes: the Go system's bcrypt seed, argon2id round trips, and when a hash is due for an upgrade.
#include "services/auth/password.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "services/auth/users.hpp"

namespace {

namespace pw = auth::password;
using namespace std::string_literals;

const std::string kSeed = auth::kSeedBcryptHash;

std::string with_prefix(std::string hash, char variant) {
  hash[2] = variant;
  return hash;
}

TEST(Password, GoSeedBcryptHashIsVerysecret) {
  EXPECT_EQ(pw::scheme_of(kSeed), pw::Scheme::bcrypt);
  EXPECT_TRUE(pw::verify("verysecret", kSeed));
}

TEST(Password, GoSeedBcryptHashRejectsOtherPasswords) {
  // bcrypt-12 costs ~0.3 s a try: a few telling cases (a NUL would cut a C string short, and
  // bcrypt reads only 72 bytes).
  for (const std::string& wrong : {""s, "verysecreT"s, "verysecret\0tail"s, "verysecret" + std::string(80, 'x')}) {
    EXPECT_FALSE(pw::verify(wrong, kSeed)) << wrong;
  }
}

TEST(Password, BcryptVariantsVerifyTheSame) {
  // $2b$ and $2y$ name the same computation as Go's $2a$.
  EXPECT_TRUE(pw::verify("verysecret", with_prefix(kSeed, 'b')));
  EXPECT_TRUE(pw::verify("verysecret", with_prefix(kSeed, 'y')));
  EXPECT_FALSE(pw::verify("verysecret", with_prefix(kSeed, 'x')));  // the buggy variant: not ours
}

TEST(Password, TamperedBcryptHashFails) {
  std::string h = kSeed;
  h.back() = h.back() == 'e' ? 'f' : 'e';
  EXPECT_FALSE(pw::verify("verysecret", h));
  EXPECT_FALSE(pw::verify("verysecret", kSeed.substr(0, 59)));  // wrong length: not bcrypt at all
}

TEST(Password, Argon2idRoundTrip) {
  std::string h = pw::hash("correct horse battery staple");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_EQ(pw::scheme_of(h), pw::Scheme::argon2id);
  EXPECT_TRUE(pw::verify("correct horse battery staple", h));
  EXPECT_FALSE(pw::verify("correct horse battery stapler", h));
  EXPECT_FALSE(pw::verify("", h));
  // Salted: the same password hashes differently each time, and both verify.
  std::string again = pw::hash("correct horse battery staple");
  EXPECT_NE(h, again);
  EXPECT_TRUE(pw::verify("correct horse battery staple", again));
}

TEST(Password, Argon2idTakesBinaryPasswords) {
  std::string binary = "a\0b\xff"s;
  std::string h = pw::hash(binary);
  EXPECT_TRUE(pw::verify(binary, h));
  EXPECT_FALSE(pw::verify("a", h));
}

TEST(Password, UnknownFormatsNeverVerify) {
  EXPECT_EQ(pw::scheme_of(""), pw::Scheme::unknown);
  EXPECT_EQ(pw::scheme_of("verysecret"), pw::Scheme::unknown);
  EXPECT_EQ(pw::scheme_of("$argon2i$v=19$m=4096,t=3,p=1$abc$def"), pw::Scheme::unknown);
  EXPECT_FALSE(pw::verify("verysecret", "verysecret"));
  EXPECT_FALSE(pw::verify("", ""));
  EXPECT_FALSE(pw::verify("x", "$argon2id$garbage"));
}

TEST(Password, NeedsUpgrade) {
  EXPECT_TRUE(pw::needs_upgrade(kSeed));
  EXPECT_TRUE(pw::needs_upgrade(with_prefix(kSeed, 'b')));
  EXPECT_FALSE(pw::needs_upgrade(pw::hash("verysecret")));
  EXPECT_FALSE(pw::needs_upgrade("not a hash"));

  // argon2id with weaker parameters than INTERACTIVE: verifies, but is due for a rehash.
  ASSERT_GE(sodium_init(), 0);
  char weak[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(weak, "verysecret", 10, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
                                  crypto_pwhash_ALG_ARGON2ID13),
            0);
  EXPECT_TRUE(pw::verify("verysecret", weak));
  EXPECT_TRUE(pw::needs_upgrade(weak));
}

}  // namespace
