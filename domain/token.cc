#include "domain/token.h"

#include <sodium.h>

namespace rapport::domain {

std::string FormatTokenSecret(const std::array<uint8_t, 32>& random_bytes) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out = "rpt_";
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : random_bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::string HashTokenSecret(std::string_view secret) {
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                     nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : hash) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string TokenHint(std::string_view secret) { return std::string(secret.substr(0, 8)); }

}  // namespace rapport::domain
