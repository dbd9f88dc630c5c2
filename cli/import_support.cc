#include "cli/import_support.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "domain/text.h"

namespace rapport::cli {

namespace {
constexpr size_t kMaxRefusalsKept = 1000;

uint64_t Fnv1a(std::string_view s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}
}  // namespace

std::string StableCommandId(std::string_view kind, const std::vector<std::string>& parts) {
  uint64_t a = 14695981039346656037ull, b = 0x84222325cbf29ce4ull;
  for (const std::string& p : parts) {
    // Length-prefixed, so ("ab","c") and ("a","bc") differ.
    std::string len = std::to_string(p.size()) + ":";
    a = Fnv1a(p, Fnv1a(len, a));
    b = Fnv1a(p, Fnv1a(len, b ^ 0x9e3779b97f4a7c15ull));
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return "import-" + std::string(kind) + "-" + buf;
}

std::string MatchKey(std::string_view text) {
  std::string folded = domain::FoldName(text);
  std::string out;
  for (char c : folded) {
    if (std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80)) out += c;
  }
  return out;
}

ImportReport::ImportReport(const GlobalOptions& g, std::string what) : g_(g), what_(std::move(what)) {}

void ImportReport::Row(const RowOutcome& o) {
  std::lock_guard<std::mutex> lock(mu_);
  ++rows_;
  commands_ += o.commands - o.duplicates;
  if (!o.status.ok()) {
    ++refused_;
    std::string why = std::string(StatusCodeName(o.status.code())) + ": " + o.status.message();
    if (refusals_.size() < kMaxRefusalsKept) refusals_.emplace_back(o.line, why);
    if (!g_.json) std::cerr << "line " << o.line << ": " << why << "\n";
  } else if (o.commands > 0 && o.duplicates == o.commands) {
    ++unchanged_;
  } else {
    ++imported_;
  }
}

void ImportReport::Note(std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  ++notes_[text];
}

void ImportReport::Count(std::string key, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.emplace_back(std::move(key), n);
}

int ImportReport::Finish(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  std::sort(refusals_.begin(), refusals_.end());  // rows run on several threads finish out of order
  if (g_.json) {
    nlohmann::ordered_json j;
    j["import"] = what_;
    j["rows"] = rows_;
    j["imported"] = imported_;
    j["already_imported"] = unchanged_;
    j["refused"] = refused_;
    j["commands_written"] = commands_;
    j["seconds"] = seconds;
    for (const auto& [k, n] : counts_) j[k] = n;
    nlohmann::ordered_json errs = nlohmann::ordered_json::array();
    for (const auto& [line, why] : refusals_) errs.push_back({{"line", line}, {"error", why}});
    j["refusals"] = errs;
    if (refused_ > refusals_.size()) j["refusals_not_listed"] = refused_ - refusals_.size();
    nlohmann::ordered_json notes = nlohmann::ordered_json::array();
    for (const auto& [text, n] : notes_) notes.push_back({{"note", text}, {"rows", n}});
    j["reconciled"] = notes;
    std::cout << j.dump() << std::endl;
  } else {
    for (const auto& [text, n] : notes_) std::cout << "reconciled: " << text << " (" << n << " rows)\n";
    char rate[64] = "";
    if (seconds > 0) std::snprintf(rate, sizeof rate, ", %.0f rows/s", rows_ / seconds);
    std::cout << "imported " << what_ << ": " << rows_ << " rows, " << imported_ << " imported, "
              << unchanged_ << " already imported, " << refused_ << " refused; " << commands_
              << " commands written in " << std::fixed;
    std::cout.precision(1);
    std::cout << seconds << " s" << rate << "\n";
    if (refused_ > 0) {
      std::cout << "Refused rows are listed above by line; fix them and run the same import again "
                   "(rows already imported are skipped).\n";
    }
  }
  return refused_ == 0 ? kExitOk : kExitFailure;
}

ProgressLine::ProgressLine(std::string what) : what_(std::move(what)), tty_(StderrIsTerminal()) {}

void ProgressLine::Update(uint64_t done, uint64_t total, uint64_t rows) {
  if (!tty_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  int pct = total == 0 ? 0 : static_cast<int>(100.0 * done / total);
  int bars = pct / 5;
  std::cerr << "\r" << what_ << " [" << std::string(bars, '#') << std::string(20 - bars, ' ') << "] " << pct
            << "% " << rows << " rows" << std::flush;
}

void ProgressLine::Done() {
  if (tty_) std::cerr << "\r\033[K" << std::flush;
}

}  // namespace rapport::cli
