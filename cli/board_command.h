// `rapport board [PIPELINE]` (the pipeline as columns) and `rapport diff` (what changed in a
// pipeline between two instants: a waterfall whose totals reconcile).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_context.h"
#include "cli/display_names.h"
#include "projections/queries.h"

namespace rapport::cli {

void SetupBoardCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);
void SetupDiffCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

// The printing of both. PrintBoard lists at most `limit` deals per
// stage (as BuildBoard was asked for), each with its owner's name from `names`; PrintDiff prints
// the waterfall and the first `max_rows` changes (0: all).
void PrintBoard(const projections::Board& board, const projections::AsOf& at, size_t limit,
                const DisplayNames& names);
void PrintDiff(const projections::PipelineDiff& diff, size_t max_rows);

}  // namespace rapport::cli
