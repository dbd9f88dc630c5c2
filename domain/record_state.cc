#include "domain/record_state.h"

#include <sstream>

namespace rapport::domain {
namespace {
const Value kNull;
const std::string kEmpty;
const std::vector<std::string> kNoList;
}  // namespace

const Value& RecordState::Get(std::string_view field) const {
  auto it = fields.find(std::string(field));
  return it == fields.end() ? kNull : it->second;
}

const std::string& RecordState::Text(std::string_view field) const {
  auto it = fields.find(std::string(field));
  return it == fields.end() ? kEmpty : it->second.text;
}

int64_t RecordState::Int(std::string_view field) const {
  auto it = fields.find(std::string(field));
  return it == fields.end() ? 0 : it->second.int_value;
}

const std::vector<std::string>& RecordState::List(std::string_view field) const {
  auto it = fields.find(std::string(field));
  return it == fields.end() ? kNoList : it->second.list;
}

void RecordState::Set(const std::string& field, Value v) {
  if (IsEmpty(v)) {
    fields.erase(field);
  } else {
    fields[field] = std::move(v);
  }
}

const StageState* RecordState::Stage(std::string_view stage_id) const {
  for (const auto& s : stages) {
    if (s.id == stage_id) return &s;
  }
  return nullptr;
}

std::string RecordState::Fingerprint() const {
  std::ostringstream o;
  o << type << '/' << id << " v" << version << " c" << created << " d" << deleted << " m"
    << merged_into << " at" << created_at_us << '@' << created_position << '/' << updated_at_us << " by" << created_by
    << '\n';
  for (const auto& [k, v] : fields) {
    o << k << '=' << static_cast<int>(v.kind) << ':' << v.text << ':' << v.int_value << ':'
      << static_cast<int>(v.scale) << ':' << v.currency << ':';
    for (const auto& i : v.list) o << i << ',';
    o << '\n';
  }
  for (const auto& s : stages) o << "stage " << s.id << ':' << s.name << ':' << s.probability << '\n';
  for (const auto& m : members) o << "member " << m << '\n';
  for (const auto& l : lines) {
    o << "line " << l.product_id << ':' << l.quantity << ':'
      << (l.unit_price ? FormatMoney(l.unit_price->amount_minor, l.unit_price->currency) : "")
      << '\n';
  }
  if (!packed_definition.empty()) {
    o << "rule ";
    static const char* const kHex = "0123456789abcdef";
    for (unsigned char c : packed_definition) o << kHex[c >> 4] << kHex[c & 15];
    o << '\n';
  }
  if (score_basis != 0 || score_computed_at != 0 || !score_reasons.empty()) {
    o << "scored " << score_basis << ':' << score_computed_at << ':' << score_reasons << '\n';
  }
  o << "home " << rates.home() << '\n';
  for (const auto& [cur, by_day] : rates.all()) {
    for (const auto& [day, rate] : by_day) o << "rate " << cur << ':' << day << ':' << rate << '\n';
  }
  return o.str();
}

}  // namespace rapport::domain
