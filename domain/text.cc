#include "domain/text.h"

#include <cctype>
#include <cstring>
#include <unordered_map>

namespace rapport::domain {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Length of the UTF-8 sequence starting at s[i], or 0 if it is malformed.
size_t Utf8Length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xC2) return 0;  // overlong
  return n;
}

// Decodes the code point of a valid sequence.
uint32_t CodePoint(std::string_view s, size_t i, size_t n) {
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k])); };
  switch (n) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

// Base letters of accented Latin letters (lower case), or nullptr.
const char* Unaccent(uint32_t cp) {
  static const std::unordered_map<uint32_t, std::string> kMap = [] {
    std::unordered_map<uint32_t, std::string> m;
    // Latin-1 Supplement, U+00C0..U+00FF ("" for the signs x and ÷).
    static const char* kLatin1[64] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};
    for (uint32_t k = 0; k < 64; ++k) {
      if (kLatin1[k][0] != '\0') m[0xC0 + k] = kLatin1[k];
    }
    // Latin Extended-A, U+0100..U+017F: runs of code points sharing a base letter.
    struct Run {
      const char* base;
      int count;
    };
    static const Run kExtA[] = {{"a", 6}, {"c", 8}, {"d", 4},  {"e", 10}, {"g", 8}, {"h", 4},
                                {"i", 10}, {"ij", 2}, {"j", 2}, {"k", 3}, {"l", 10}, {"n", 9},
                                {"o", 6}, {"oe", 2}, {"r", 6}, {"s", 8}, {"t", 6}, {"u", 12},
                                {"w", 2}, {"y", 3}, {"z", 6}, {"s", 1}};
    uint32_t cp = 0x100;
    for (const Run& r : kExtA) {
      for (int k = 0; k < r.count; ++k) m[cp++] = r.base;
    }
    return m;
  }();
  auto it = kMap.find(cp);
  return it == kMap.end() ? nullptr : it->second.c_str();
}

}  // namespace

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string NormalizeEmail(std::string_view email) {
  std::string s = Trim(email);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Status ValidateEmail(std::string_view email, std::string_view field) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument(std::string(field) + ": '" + std::string(email) +
                                   "' is not an email address (" + why +
                                   "); write e.g. marie@radium.example");
  };
  std::string e = Trim(email);
  if (e.empty()) return bad("empty");
  if (e.size() > 254) return bad("longer than 254 characters");
  auto at = e.find('@');
  if (at == std::string::npos || e.find('@', at + 1) != std::string::npos) {
    return bad("it needs exactly one @");
  }
  std::string_view local(e.data(), at), domain(e.data() + at + 1, e.size() - at - 1);
  if (local.empty() || local.size() > 64) return bad("the part before @ is empty or too long");
  for (char c : e) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == ',' || c == ';' || c == '<' ||
        c == '>') {
      return bad("it contains a space or a separator");
    }
  }
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) {
    return bad("the domain needs a dot, as in radium.example");
  }
  if (domain.find("..") != std::string_view::npos || domain.front() == '-' ||
      domain.front() == '.') {
    return bad("the domain is malformed");
  }
  return Status::Ok();
}

Status ValidatePhone(std::string_view phone, std::string_view field) {
  std::string p = Trim(phone);
  int digits = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+' && i == 0) {
    } else if (!(c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/')) {
      return Status::InvalidArgument(std::string(field) + ": '" + std::string(phone) +
                                     "' is not a phone number (unexpected '" + std::string(1, c) +
                                     "'); write e.g. +49 30 1234567");
    }
  }
  if (digits < 5 || digits > 20) {
    return Status::InvalidArgument(std::string(field) + ": '" + std::string(phone) +
                                   "' is not a phone number (it needs 5 to 20 digits)");
  }
  return Status::Ok();
}

std::string NormalizePhone(std::string_view phone) {
  std::string out;
  std::string p = Trim(phone);
  for (size_t i = 0; i < p.size(); ++i) {
    if ((p[i] >= '0' && p[i] <= '9') || (p[i] == '+' && i == 0)) out.push_back(p[i]);
  }
  return out;
}

Result<std::string> NormalizeDomain(std::string_view text, std::string_view field) {
  std::string d = Trim(text);
  for (char& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* scheme : {"https://", "http://"}) {
    if (d.rfind(scheme, 0) == 0) d = d.substr(std::strlen(scheme));
  }
  if (auto slash = d.find('/'); slash != std::string::npos) d = d.substr(0, slash);
  if (d.rfind("www.", 0) == 0) d = d.substr(4);
  auto bad = [&](const char* why) {
    return Status::InvalidArgument(std::string(field) + ": '" + std::string(text) +
                                   "' is not a web domain (" + why + "); write e.g. acme.example");
  };
  if (d.empty() || d.size() > 253) return bad("empty or too long");
  if (d.find('.') == std::string::npos) return bad("it needs a dot");
  for (char c : d) {
    if (!(IsAsciiAlnum(c) || c == '-' || c == '.')) return bad("letters, digits, - and . only");
  }
  if (d.front() == '.' || d.back() == '.' || d.find("..") != std::string::npos) {
    return bad("misplaced dot");
  }
  return d;
}

std::string FoldName(std::string_view name) {
  std::string out;
  bool pending_space = false;
  for (size_t i = 0; i < name.size();) {
    size_t n = Utf8Length(name, i);
    if (n == 0) {  // malformed byte: drop it
      ++i;
      continue;
    }
    uint32_t cp = CodePoint(name, i, n);
    std::string piece;
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (IsAsciiAlnum(c)) piece = std::string(1, static_cast<char>(std::tolower(c)));
    } else if (const char* base = Unaccent(cp)) {
      piece = base;
    } else if (cp >= 0x300 && cp <= 0x36F) {
      // combining accent: drop
    } else {
      piece = std::string(name.substr(i, n));  // other scripts: keep as they are
    }
    if (piece.empty()) {
      if (!(cp >= 0x300 && cp <= 0x36F)) pending_space = !out.empty();
    } else {
      if (pending_space) out.push_back(' ');
      pending_space = false;
      out += piece;
    }
    i += n;
  }
  return out;
}

Status ValidateRecordId(std::string_view id, std::string_view what) {
  if (id.empty() || id.size() > 64) {
    return Status::InvalidArgument(std::string(what) + " id must be 1 to 64 characters");
  }
  for (char c : id) {
    if (!(IsAsciiAlnum(c) || c == '-' || c == '_' || c == '.' || c == ':')) {
      return Status::InvalidArgument(std::string(what) + " id '" + std::string(id) +
                                     "' may only hold letters, digits and - _ . :");
    }
  }
  return Status::Ok();
}

Status ValidateText(std::string_view text, std::string_view field, size_t max_bytes,
                    bool required, bool multiline) {
  if (required && Trim(text).empty()) {
    return Status::InvalidArgument(std::string(field) + " is required");
  }
  if (text.size() > max_bytes) {
    return Status::InvalidArgument(std::string(field) + " is " + std::to_string(text.size()) +
                                   " bytes; the limit is " + std::to_string(max_bytes));
  }
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Length(text, i);
    if (n == 0) return Status::InvalidArgument(std::string(field) + " is not valid UTF-8");
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (n == 1 && (c < 0x20 || c == 0x7f) && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
      return Status::InvalidArgument(std::string(field) + " contains a control character");
    }
    i += n;
  }
  return Status::Ok();
}

Status ValidateTag(std::string_view tag, std::string_view field) {
  RAPPORT_RETURN_IF_ERROR(ValidateText(tag, field, 64, true));
  if (tag.find(',') != std::string_view::npos) {
    return Status::InvalidArgument(std::string(field) + ": tag '" + std::string(tag) +
                                   "' may not contain a comma");
  }
  return Status::Ok();
}

std::string TruncateUtf8(std::string s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // a continuation byte
  s.resize(n);
  return s;
}

}  // namespace rapport::domain
