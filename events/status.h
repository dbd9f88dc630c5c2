// Status and Result<T>: how every rapport module reports failure across its borders.
//
// A Status is ok, or a code from the project's small set plus a message a person can act on
// ("stream deal/D-12 is at version 7, expected 5: reload the deal and retry"). Exceptions are
// used only at program edges (main, CLI parsing); everything below returns Status or Result.
//
// Thread safety: Status and Result are values; distinct objects may be used from different
// threads, a shared one only for reading.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace rapport {

enum class StatusCode : uint8_t {
  kOk = 0,
  kNotFound = 1,            // the record, event or command does not exist
  kConflict = 2,            // optimistic concurrency: the stream moved on
  kInvalidArgument = 3,     // a field is malformed; the message names it
  kAlreadyExists = 4,       // creating something that exists
  kFailedPrecondition = 5,  // valid request, wrong state ("deal is already won")
  kPermissionDenied = 6,    // the actor may not do this
  kCorruption = 7,          // stored bytes failed verification
  kIOError = 8,             // the disk or the OS failed
  kUnavailable = 9,         // busy, locked by another process, shutting down, unreachable
};

// "ok", "not_found", "conflict", ...: stable names used in JSON output and the protocol.
std::string_view StatusCodeName(StatusCode code);
// Inverse of StatusCodeName; nullopt for an unknown name.
std::optional<StatusCode> StatusCodeFromName(std::string_view name);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {StatusCode::kConflict, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }

  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsConflict() const { return code_ == StatusCode::kConflict; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsCorruption() const { return code_ == StatusCode::kCorruption; }

  // "conflict: stream deal/D-12 is at version 7, expected 5", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>", same code.
  Status WithContext(std::string_view prefix) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}    // NOLINT: must not be ok
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace rapport

// Returns early from the enclosing function when `expr` yields a non-ok Status.
#define RAPPORT_RETURN_IF_ERROR(expr)        \
  do {                                       \
    ::rapport::Status _st = (expr);          \
    if (!_st.ok()) return _st;               \
  } while (0)
