// Commands as JSON: the schema's own JSON form of fb::Command, so a script (or `rapport exec`)
// can write any command, including ones added later, without code of its own.
//
//   {"command_id":"import-1","occurred_at_us":0,
//    "body_type":"CreateContact","body":{"first_name":"Ada","emails":["ada@x.example"]}}
//
// Enum values are their identifiers ("Manager", "High"). Money is {"amount_minor":..,
// "currency":".."}; dates are days since 1970-01-01; instants microseconds since the epoch.
// Input is untrusted: the parsed buffer is verified before use. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "events/schema/commands_generated.h"
#include "events/status.h"

namespace rapport::events {

// Parses a command; invalid_argument naming what is wrong (unknown field, bad type, ...).
Result<fb::CommandT> CommandFromJson(std::string_view json);

// The identifiers of a schema enum ("Role" -> Unspecified, Admin, ...), [] if unknown.
std::vector<std::string> EnumIdentifiers(std::string_view enum_name);

}  // namespace rapport::events
