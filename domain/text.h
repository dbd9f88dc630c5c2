// Text rules of the domain: validating and normalising emails, phones, web domains, tags and
// record ids, and folding names for case- and accent-insensitive comparison.
#pragma once

#include <string>
#include <string_view>

#include "events/status.h"

namespace rapport::domain {

// Trims spaces, tabs and newlines at both ends.
std::string Trim(std::string_view s);

// "  Marie.Curie@Radium.EXAMPLE " -> "marie.curie@radium.example". Comparison form only:
// records keep the address as it was given.
std::string NormalizeEmail(std::string_view email);
// ok if `email` looks like local@domain.tld (no spaces, one @, a dot in the domain, at most
// 254 bytes); otherwise invalid_argument naming `field`.
Status ValidateEmail(std::string_view email, std::string_view field);

// Phones: digits with optional leading '+', spaces, dashes, dots, parentheses; 5..20 digits.
Status ValidatePhone(std::string_view phone, std::string_view field);
// Digits only, '+' kept at the front: "+49 (30) 1234-56" -> "+4930123456".
std::string NormalizePhone(std::string_view phone);

// Web domains: "acme.example", lower-cased, without scheme or path. Accepts and strips
// "https://", "www." and a trailing "/...".
Result<std::string> NormalizeDomain(std::string_view text, std::string_view field);

// Lower case, accents removed, runs of spaces and punctuation folded to one space:
// "  Émilie du Châtelet" -> "emilie du chatelet". Handles Latin-1 and Latin Extended-A.
std::string FoldName(std::string_view name);

// Record ids: 1..64 bytes of letters, digits and - _ . : (e.g. "D-12", "acme-01").
Status ValidateRecordId(std::string_view id, std::string_view what);

// Free text fields: valid UTF-8, at most `max_bytes`, no control characters other than
// newline and tab (for multi-line fields). `required` refuses empty (after trimming).
Status ValidateText(std::string_view text, std::string_view field, size_t max_bytes,
                    bool required, bool multiline = false);

// `s` cut to at most `max_bytes` without splitting a UTF-8 character.
std::string TruncateUtf8(std::string s, size_t max_bytes);

// Tags: 1..64 bytes, no commas or control characters.
Status ValidateTag(std::string_view tag, std::string_view field);

}  // namespace rapport::domain
