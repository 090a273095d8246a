#include "synth/generation.h"

#include <string>

namespace growthlens::synth {

Status ValidateEntityCount(int64_t count, const char* what) {
  if (count < 1 || count > kMaxEntities) {
    return Status(ErrorCode::kInvalidArgument,
                  std::string("the number of ") + what + " must be between 1 and " +
                      std::to_string(kMaxEntities) + ", got " + std::to_string(count));
  }
  return Status::Ok();
}

Status ValidateDateRange(Day start, Day end) {
  constexpr Day kEarliest = DaysFromCivil(1900, 1, 1);
  constexpr Day kLatest = DaysFromCivil(9998, 12, 31);
  if (start < kEarliest || end > kLatest) {
    return Status(ErrorCode::kInvalidArgument,
                  "the period must lie between 1900-01-01 and 9998-12-31, got " +
                      FormatDate(start) + " .. " + FormatDate(end));
  }
  if (start > end) {
    return Status(ErrorCode::kInvalidArgument, "the start date " + FormatDate(start) +
                                                   " is after the end date " + FormatDate(end));
  }
  return Status::Ok();
}

}  // namespace growthlens::synth
