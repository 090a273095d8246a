#include "core/status.h"

namespace growthlens {

int ExitCodeOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 0;
    case ErrorCode::kInvalidArgument:
      return 2;
    case ErrorCode::kIoError:
      return 3;
    case ErrorCode::kParseError:
      return 4;
    case ErrorCode::kSchemaError:
      return 5;
    case ErrorCode::kDataError:
      return 6;
    case ErrorCode::kUnavailable:
      return 7;
    case ErrorCode::kInternal:
      return 70;
  }
  return 70;
}

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kIoError:
      return "io_error";
    case ErrorCode::kParseError:
      return "parse_error";
    case ErrorCode::kSchemaError:
      return "schema_error";
    case ErrorCode::kDataError:
      return "data_error";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace growthlens
