#include "server/log_line.h"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "events/clock.h"

namespace rapport::server {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

void AppendValue(std::string* out, std::string_view v) {
  bool quote = v.empty() || v.find_first_of(" \"=\t\n") != std::string_view::npos;
  if (!quote) {
    out->append(v);
    return;
  }
  out->push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out->push_back('\\');
    if (c == '\n') {
      out->append("\\n");
      continue;
    }
    out->push_back(c);
  }
  out->push_back('"');
}

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }

bool ParseLogLevel(std::string_view t, LogLevel* level) {
  if (t == "debug") *level = LogLevel::kDebug;
  else if (t == "info") *level = LogLevel::kInfo;
  else if (t == "warn") *level = LogLevel::kWarn;
  else if (t == "error") *level = LogLevel::kError;
  else return false;
  return true;
}

void LogLine(LogLevel level, std::string_view msg,
             std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  std::string line = "ts=" + FormatIso8601(SystemClock()->NowMicros()) + " level=" + LevelName(level) + " msg=";
  AppendValue(&line, msg);
  for (const auto& [k, v] : fields) {
    line.push_back(' ');
    line.append(k);
    line.push_back('=');
    AppendValue(&line, v);
  }
  line.push_back('\n');
  static std::mutex mu;
  std::lock_guard<std::mutex> l(mu);
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace rapport::server
