#include "io/staged_table.h"

namespace growthlens {

const char* ParseIssueName(ParseIssue issue) {
  switch (issue) {
    case ParseIssue::kWrongFieldCount:
      return "wrong_field_count";
    case ParseIssue::kBadNumber:
      return "bad_number";
    case ParseIssue::kUnterminatedQuote:
      return "unterminated_quote";
    case ParseIssue::kUnparsableDate:
      return "unparsable_date";
  }
  return "unknown";
}

}  // namespace growthlens
