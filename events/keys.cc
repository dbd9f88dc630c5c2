#include "events/keys.h"

namespace rapport::events::keys {

void PutFixed64BE(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

uint64_t DecodeFixed64BE(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string EncodeU64(uint64_t v) {
  std::string s;
  PutFixed64BE(&s, v);
  return s;
}

std::optional<uint64_t> DecodeU64(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  return DecodeFixed64BE(s.data());
}

std::string PositionKey(uint64_t position) { return EncodeU64(position); }

std::string StreamPrefix(const StreamName& s) {
  std::string k;
  k.reserve(s.type.size() + s.id.size() + 10);
  k += s.type;
  k.push_back('\0');
  k += s.id;
  k.push_back('\0');
  return k;
}

std::string StreamVersionKey(const StreamName& s, uint64_t version) {
  std::string k = StreamPrefix(s);
  PutFixed64BE(&k, version);
  return k;
}

bool ParseStreamVersionKey(std::string_view key, StreamName* s, uint64_t* version) {
  if (key.size() < 12) return false;
  std::string_view head = key.substr(0, key.size() - 9);
  if (key[key.size() - 9] != '\0') return false;
  if (!ParseHeadKey(head, s)) return false;
  *version = DecodeFixed64BE(key.data() + key.size() - 8);
  return true;
}

std::string HeadKey(const StreamName& s) {
  std::string k;
  k.reserve(s.type.size() + s.id.size() + 1);
  k += s.type;
  k.push_back('\0');
  k += s.id;
  return k;
}

bool ParseHeadKey(std::string_view key, StreamName* s) {
  auto nul = key.find('\0');
  if (nul == std::string_view::npos || nul == 0 || nul + 1 >= key.size()) return false;
  if (key.find('\0', nul + 1) != std::string_view::npos) return false;
  s->type.assign(key.substr(0, nul));
  s->id.assign(key.substr(nul + 1));
  return true;
}

std::string TimeKey(int64_t recorded_at_us) {
  return EncodeU64(static_cast<uint64_t>(recorded_at_us < 0 ? 0 : recorded_at_us));
}

std::string EncodeCommandRecord(const CommandRecord& r) {
  std::string s;
  s.reserve(28);
  PutFixed64BE(&s, r.first_position);
  PutFixed64BE(&s, r.last_position);
  PutFixed64BE(&s, static_cast<uint64_t>(r.recorded_at_us));
  char c[4] = {static_cast<char>(r.event_count >> 24), static_cast<char>(r.event_count >> 16),
               static_cast<char>(r.event_count >> 8), static_cast<char>(r.event_count)};
  s.append(c, 4);
  return s;
}

std::optional<CommandRecord> DecodeCommandRecord(std::string_view s) {
  if (s.size() != 28) return std::nullopt;
  CommandRecord r;
  r.first_position = DecodeFixed64BE(s.data());
  r.last_position = DecodeFixed64BE(s.data() + 8);
  r.recorded_at_us = static_cast<int64_t>(DecodeFixed64BE(s.data() + 16));
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + 24);
  r.event_count = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  if (r.first_position == 0 || r.last_position < r.first_position) return std::nullopt;
  if (r.last_position - r.first_position + 1 != r.event_count) return std::nullopt;
  return r;
}

}  // namespace rapport::events::keys
