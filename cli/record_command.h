// `rapport timeline RECORD`, `rapport history RECORD`, `rapport search TEXT`,
// `rapport duplicates`: what happened to one record, and finding records.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/display_names.h"
#include "projections/queries.h"

namespace rapport::cli {

void SetupRecordViewCommands(CLI::App* app, const GlobalOptions* global, int* exit_code);

// "C-12" -> "contact/C-12" by the id's prefix ("deal/D-3" stays; an unknown prefix gets
// `fallback_type`).
std::string RecordName(const std::string& text, const char* fallback_type);

// A page of a timeline as `rapport timeline` prints it: `record`
// is the resolved name ("company/CO-2"), `typed` what to repeat in the "More:" hint ("CO-2");
// who did what shows with their names from `names`.
void PrintTimeline(const projections::TimelineResult& timeline, const projections::AsOf& at,
                   const std::string& record, const std::string& typed, const DisplayNames& names);

}  // namespace rapport::cli
