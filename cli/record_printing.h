// Printing records and command results, and the `show` and `list` verbs every record type has.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "cli/cli_context.h"
#include "domain/record_state.h"
#include "events/schema/commands_generated.h"

namespace rapport::cli {

// "added deal D-12 (version 1; events 1041-1042)" or, with --json, the result object.
void PrintCommandResult(const GlobalOptions& g, const std::string& record, const std::string& verb,
                        const fb::CommandResultT& r);

// A record as JSON: {"type","id","version","created_at",...,"fields":{...}} with typed values.
nlohmann::ordered_json RecordToJson(const domain::RecordState& r);
// A field value as JSON: strings, numbers, booleans, ISO dates, {"amount","currency"} money.
nlohmann::ordered_json ValueToJson(const domain::Value& v);

// Adds `show ID` and `list [--where F=V] [--limit N] [--after ID] [--all]` to a record command.
void AddShowAndList(CLI::App* rec, const std::string& record, const GlobalOptions* g, int* exit_code);

}  // namespace rapport::cli
