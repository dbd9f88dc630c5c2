// API token secrets: their text form and the hash that is all rapport ever stores.
//
//   secret  "rpt_" + 52 base32 characters (32 random bytes), shown once when issued
//   hash    BLAKE2b-256 of the secret, 64 lower-case hex digits (TokenIssued.secret_hash)
//   hint    the first 8 characters of the secret, to recognise a token in `token list`
//
// Pure functions: the caller supplies the random bytes (the CLI and the server use
// libsodium's randombytes_buf).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rapport::domain {

std::string FormatTokenSecret(const std::array<uint8_t, 32>& random_bytes);
std::string HashTokenSecret(std::string_view secret);
std::string TokenHint(std::string_view secret);

}  // namespace rapport::domain
