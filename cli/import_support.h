// What the importers share: stable command ids from row content, name lookups, the progress
// line, and the per-row report and summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_context.h"
#include "cli/import_runner.h"
#include "cli/session.h"

namespace rapport::cli {

// A command id that is the same for the same content: "import-<kind>-<32 hex digits>".
// Re-running an import therefore writes nothing new.
std::string StableCommandId(std::string_view kind, const std::vector<std::string>& parts);

// Case-, accent- and punctuation-insensitive key for matching names ("Acme Corp." == "acme corp").
std::string MatchKey(std::string_view text);

// Rows seen, imported, refused; refusals kept (up to a cap) for the summary and --json.
class ImportReport {
 public:
  ImportReport(const GlobalOptions& g, std::string what);
  void Row(const RowOutcome& o);  // prints a refusal at once on stderr (tables mode)
  void Note(std::string text);
  // An extra figure for the --json summary ("deals_Won": 4238).
  void Count(std::string key, uint64_t n);    // a reconciliation the importer made, e.g. "GTXPro read as GTX Pro"
  // Prints the summary (or the JSON document) and returns the exit code: 0 when every row
  // was imported, 1 when some were refused.
  int Finish(double seconds);
  uint64_t refused() const { return refused_; }
  uint64_t imported() const { return imported_; }

 private:
  const GlobalOptions& g_;
  std::string what_;
  std::mutex mu_;
  uint64_t rows_ = 0, imported_ = 0, unchanged_ = 0, refused_ = 0, commands_ = 0;
  std::vector<std::pair<uint64_t, std::string>> refusals_;  // capped
  std::map<std::string, uint64_t> notes_;                   // text -> times
  std::vector<std::pair<std::string, uint64_t>> counts_;
};

// "importing deals  41% 3,620 rows" on stderr, at most a few times a second, only on a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(std::string what);
  void Update(uint64_t done, uint64_t total, uint64_t rows);
  void Done();

 private:
  std::string what_;
  bool tty_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace rapport::cli
