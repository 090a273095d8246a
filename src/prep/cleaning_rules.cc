#include "prep/cleaning_rules.h"

namespace growthlens {

const char* CleaningRuleName(CleaningRule rule) {
  switch (rule) {
    case CleaningRule::kDuplicate:
      return "duplicate";
    case CleaningRule::kMissingId:
      return "missing_id";
    case CleaningRule::kInvalidDate:
      return "invalid_date";
    case CleaningRule::kCancelled:
      return "cancelled";
    case CleaningRule::kNonPositiveQuantity:
      return "non_positive_quantity";
    case CleaningRule::kNonPositivePrice:
      return "non_positive_price";
    case CleaningRule::kNetCancellations:
      return "net_cancellations";
    case CleaningRule::kNonPositiveEvents:
      return "non_positive_events";
    case CleaningRule::kEventBeforeSignup:
      return "event_before_signup";
  }
  return "unknown";
}

const char* CleaningRuleDescription(CleaningRule rule, DataKind kind) {
  const bool usage = ByKind(kind, true, false);
  switch (rule) {
    case CleaningRule::kDuplicate:
      return "exact duplicate of an earlier row";
    case CleaningRule::kMissingId:
      return usage ? "missing user_id" : "missing CustomerID";
    case CleaningRule::kInvalidDate:
      return "unparsable or out-of-range date";
    case CleaningRule::kCancelled:
      return "cancelled invoice (InvoiceNo starts with C)";
    case CleaningRule::kNonPositiveQuantity:
      return "quantity <= 0 (return)";
    case CleaningRule::kNonPositivePrice:
      return "unit price <= 0";
    case CleaningRule::kNetCancellations:
      return "purchase cancelled in full by a later C invoice of the same customer and item "
             "(netting)";
    case CleaningRule::kNonPositiveEvents:
      return "events_count <= 0";
    case CleaningRule::kEventBeforeSignup:
      return "event_date before signup_date";
  }
  return "";
}

std::optional<CleaningRule> ParseCleaningRuleName(std::string_view name) {
  for (CleaningRule rule : kAllCleaningRules)
    if (name == CleaningRuleName(rule)) return rule;
  return std::nullopt;
}

bool RuleAppliesTo(CleaningRule rule, DataKind kind) {
  switch (rule) {
    case CleaningRule::kDuplicate:
    case CleaningRule::kMissingId:
    case CleaningRule::kInvalidDate:
      return true;
    case CleaningRule::kCancelled:
    case CleaningRule::kNonPositiveQuantity:
    case CleaningRule::kNonPositivePrice:
    case CleaningRule::kNetCancellations:
      return ByKind(kind, false, true);
    case CleaningRule::kNonPositiveEvents:
    case CleaningRule::kEventBeforeSignup:
      return ByKind(kind, true, false);
  }
  return false;
}

}  // namespace growthlens
