#pragma once
// Password hashes: new ones are argon2id (libsodium, INTERACTIVE limits); the Go system's bcrypt
// hashes ($2a$/$2b$/$2y$) still verify (libcrypt) and are upgraded on the next good login.
// Every function here is CPU-bound for tens to hundreds of milliseconds: call them on the
// "hash" thread pool (hasher.hpp), never on a loop.
#include <string>
#include <string_view>

namespace auth::password {

enum class Scheme { argon2id, bcrypt, unknown };

/// What kind of hash `hash` is, from its prefix and shape (no hashing).
Scheme scheme_of(std::string_view hash) noexcept;

/// A new argon2id hash of `password` ("$argon2id$v=19$m=65536,t=2,p=1$..."). Throws
/// std::runtime_error when libsodium cannot (out of memory).
std::string hash(std::string_view password);

/// A bcrypt hash ("$2b$<cost>$...") of `password`, as the Go system made them; only for the
/// dummy that keeps logins equally costly while such hashes remain. Throws std::runtime_error.
std::string bcrypt_hash(std::string_view password, int cost);

/// True when `password` matches `hash`: argon2id through libsodium, bcrypt through libcrypt
/// with a constant-time comparison. False for a hash of any other kind.
bool verify(std::string_view password, std::string_view hash);

/// True when a matching password should be hashed again: bcrypt, or argon2id with other
/// parameters than today's. False for an unknown kind (nothing to upgrade from).
bool needs_upgrade(std::string_view hash);

}  // namespace auth::password
