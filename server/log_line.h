// Structured log lines on stderr, one event a line in logfmt:
//   ts=2026-11-27T03:40:00.123456Z level=info msg="listening" addr=127.0.0.1:7420
// Values with spaces, quotes or '=' are quoted. Thread-safe (one write per line).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace rapport::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Lines below this level are dropped. Default: kInfo.
void SetLogLevel(LogLevel level);
bool ParseLogLevel(std::string_view text, LogLevel* level);

void LogLine(LogLevel level, std::string_view msg,
             std::initializer_list<std::pair<std::string_view, std::string>> fields = {});

}  // namespace rapport::server
