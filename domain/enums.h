// Names of the domain's enumerations as people type and read them ("marketing_qualified"),
// both ways. Parse functions return nullopt for unknown text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "events/schema/commands_generated.h"
#include "events/schema/payloads_generated.h"

namespace rapport::domain {

std::string RoleName(fb::Role r);
std::optional<fb::Role> ParseRole(std::string_view s);

std::string LifecycleName(fb::Lifecycle l);
std::optional<fb::Lifecycle> ParseLifecycle(std::string_view s);

std::string PriorityName(fb::Priority p);
std::optional<fb::Priority> ParsePriority(std::string_view s);

std::string TicketStatusName(fb::TicketStatus s);
std::optional<fb::TicketStatus> ParseTicketStatus(std::string_view s);

std::string ForecastCategoryName(fb::ForecastCategory c);
std::optional<fb::ForecastCategory> ParseForecastCategory(std::string_view s);

std::string FieldKindName(fb::FieldKind k);
std::optional<fb::FieldKind> ParseFieldKind(std::string_view s);

std::string CallOutcomeName(fb::CallOutcome o);
std::optional<fb::CallOutcome> ParseCallOutcome(std::string_view s);

std::string DirectionName(fb::Direction d);
std::optional<fb::Direction> ParseDirection(std::string_view s);

std::string ConsentChannelName(fb::ConsentChannel c);
std::optional<fb::ConsentChannel> ParseConsentChannel(std::string_view s);

// "CreateContact" for a command body type.
std::string CommandName(fb::CommandBody b);

// All names of an enumeration, comma-separated, for error messages.
std::string RoleNames();
std::string LifecycleNames();
std::string PriorityNames();
std::string TicketStatusNames();
std::string ForecastCategoryNames();
std::string FieldKindNames();

}  // namespace rapport::domain
