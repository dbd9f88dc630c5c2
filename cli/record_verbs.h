// The record commands: `rapport <record> <verb> ...` for users, teams, companies, contacts,
// pipelines, deals, products, contracts, tasks, tickets, activities, custom fields and the
// workspace — add, update, the record-specific verbs (deal move/win/lose/reopen, contact
// merge, task done/reschedule, ...), show and list.
//
// Each verb is one domain command. The verbs are described by a table (record_verb_specs.cc):
// a verb's flags map onto the command's fields, with text converted to the field's type
// (money "1200.50 EUR", dates "2017-06-30", instants "2026-12-01T09:00:00Z", enums by name,
// lists as repeated flags or "a,b"). The command then goes through the session like any
// other, so embedded and remote mode behave the same.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace rapport::cli {

void SetupRecordCommands(CLI::App* app, const GlobalOptions* global, int* exit_code);

// `rapport exec [FILE]`: runs commands given as JSON Lines (events/command_json.h), one result
// a line. For scripts and for commands the verbs do not cover.
void SetupExecCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

}  // namespace rapport::cli
