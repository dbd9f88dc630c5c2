#include "domain/enums.h"

#include <cctype>
#include <vector>

namespace rapport::domain {
namespace {

// "MarketingQualified" -> "marketing_qualified".
std::string Snake(const char* camel) {
  std::string out;
  if (camel == nullptr) return out;
  for (const char* p = camel; *p; ++p) {
    char c = *p;
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out.push_back('_');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Canon(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == ' ') c = '_';
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Generic over flatc's EnumValuesX()/EnumNameX(); skips "Unspecified"/"NONE".
template <typename E, size_t N>
std::optional<E> ParseEnum(std::string_view s, const E (&values)[N], const char* (*name)(E)) {
  std::string want = Canon(s);
  for (E v : values) {
    std::string n = Snake(name(v));
    if (n == "unspecified" || n.empty()) continue;
    if (n == want) return v;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string Names(const E (&values)[N], const char* (*name)(E)) {
  std::string out;
  for (E v : values) {
    std::string n = Snake(name(v));
    if (n == "unspecified" || n.empty()) continue;
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

}  // namespace

std::string RoleName(fb::Role r) { return Snake(fb::EnumNameRole(r)); }
std::optional<fb::Role> ParseRole(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesRole(), fb::EnumNameRole);
}
std::string LifecycleName(fb::Lifecycle l) { return Snake(fb::EnumNameLifecycle(l)); }
std::optional<fb::Lifecycle> ParseLifecycle(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesLifecycle(), fb::EnumNameLifecycle);
}
std::string PriorityName(fb::Priority p) { return Snake(fb::EnumNamePriority(p)); }
std::optional<fb::Priority> ParsePriority(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesPriority(), fb::EnumNamePriority);
}
std::string TicketStatusName(fb::TicketStatus s) { return Snake(fb::EnumNameTicketStatus(s)); }
std::optional<fb::TicketStatus> ParseTicketStatus(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesTicketStatus(), fb::EnumNameTicketStatus);
}
std::string ForecastCategoryName(fb::ForecastCategory c) {
  return Snake(fb::EnumNameForecastCategory(c));
}
std::optional<fb::ForecastCategory> ParseForecastCategory(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesForecastCategory(), fb::EnumNameForecastCategory);
}
std::string FieldKindName(fb::FieldKind k) { return Snake(fb::EnumNameFieldKind(k)); }
std::optional<fb::FieldKind> ParseFieldKind(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesFieldKind(), fb::EnumNameFieldKind);
}
std::string CallOutcomeName(fb::CallOutcome o) { return Snake(fb::EnumNameCallOutcome(o)); }
std::optional<fb::CallOutcome> ParseCallOutcome(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesCallOutcome(), fb::EnumNameCallOutcome);
}
std::string DirectionName(fb::Direction d) { return Snake(fb::EnumNameDirection(d)); }
std::optional<fb::Direction> ParseDirection(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesDirection(), fb::EnumNameDirection);
}
std::string ConsentChannelName(fb::ConsentChannel c) {
  return Snake(fb::EnumNameConsentChannel(c));
}
std::optional<fb::ConsentChannel> ParseConsentChannel(std::string_view s) {
  return ParseEnum(s, fb::EnumValuesConsentChannel(), fb::EnumNameConsentChannel);
}

std::string CommandName(fb::CommandBody b) {
  const char* n = fb::EnumNameCommandBody(b);
  return n && *n ? n : "unknown(" + std::to_string(static_cast<int>(b)) + ")";
}

std::string RoleNames() { return Names(fb::EnumValuesRole(), fb::EnumNameRole); }
std::string LifecycleNames() { return Names(fb::EnumValuesLifecycle(), fb::EnumNameLifecycle); }
std::string PriorityNames() { return Names(fb::EnumValuesPriority(), fb::EnumNamePriority); }
std::string TicketStatusNames() {
  return Names(fb::EnumValuesTicketStatus(), fb::EnumNameTicketStatus);
}
std::string ForecastCategoryNames() {
  return Names(fb::EnumValuesForecastCategory(), fb::EnumNameForecastCategory);
}
std::string FieldKindNames() { return Names(fb::EnumValuesFieldKind(), fb::EnumNameFieldKind); }

}  // namespace rapport::domain
