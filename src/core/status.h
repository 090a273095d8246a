#pragma once
// Expected failures travel as values: Status (ok or an error code with a message) and
// Result<T> (a value or a Status). Messages carry context ("file.csv line 12, column
// InvoiceDate: expected ..."); callers prepend their own context with WithContext.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace growthlens {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // a bad option or parameter
  kIoError,          // a file that cannot be opened, read or written
  kParseError,       // input that does not follow its format
  kSchemaError,      // input whose columns cannot be mapped
  kDataError,        // input that parses but breaks a rule (e.g. --strict)
  kUnavailable,      // a service the work needs (ClickHouse) does not answer now; try later
  kInternal,
};

/// Process exit code for an error: distinct per kind so scripts can tell them apart.
int ExitCodeOf(ErrorCode code);
const char* ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// "context: message", for an error that travels up a layer.
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(state_).ok() && "a Result holding a Status must hold an error");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

#define GROWTHLENS_RETURN_IF_ERROR(expr)   \
  do {                                     \
    ::growthlens::Status status_ = (expr); \
    if (!status_.ok()) return status_;     \
  } while (false)

}  // namespace growthlens
