#pragma once
// The cleaning rules, in the order they are applied. A rejected row is counted under the first
// rule that rejects it, so the counts add up to the rows dropped. Each rule can be switched off.
// net_cancellations runs once the row rules are done: it nets the cancellation lines the
// `cancelled` rule drops against the purchases kept (prep/cancellation_netting.h); switched off,
// cancellations are dropped and their purchases kept (the plain rule of the origin document).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/dataset.h"
#include "prep/non_products.h"

namespace growthlens {

enum class CleaningRule : uint8_t {
  kDuplicate,            // an exact copy of an earlier row (all columns as parsed)
  kMissingId,            // no user id / CustomerID
  kInvalidDate,          // an unparsable date, or one outside [min_date, max_date)
  kCancelled,            // transactions: InvoiceNo starting with 'C'
  kNonPositiveQuantity,  // transactions: Quantity <= 0 (returns)
  kNonPositivePrice,     // transactions: UnitPrice <= 0
  kNetCancellations,     // transactions: a purchase a later cancellation took back in full
  kNonPositiveEvents,    // usage: events_count <= 0
  kEventBeforeSignup,    // usage: event_date before signup_date
};
inline constexpr size_t kCleaningRuleCount = 9;
inline constexpr std::array<CleaningRule, kCleaningRuleCount> kAllCleaningRules = {
    CleaningRule::kDuplicate,           CleaningRule::kMissingId,
    CleaningRule::kInvalidDate,         CleaningRule::kCancelled,
    CleaningRule::kNonPositiveQuantity, CleaningRule::kNonPositivePrice,
    CleaningRule::kNetCancellations,    CleaningRule::kNonPositiveEvents,
    CleaningRule::kEventBeforeSignup};

/// Stable machine name ("missing_id"), used in JSON, CSV and --skip-rule.
const char* CleaningRuleName(CleaningRule rule);
/// What the rule means, for the printed report.
const char* CleaningRuleDescription(CleaningRule rule, DataKind kind);
std::optional<CleaningRule> ParseCleaningRuleName(std::string_view name);
/// Whether the rule can fire on data of this kind.
bool RuleAppliesTo(CleaningRule rule, DataKind kind);

struct CleaningOptions {
  std::array<bool, kCleaningRuleCount> enabled{true, true, true, true, true,
                                               true, true, true, true};
  Day min_date = DaysFromCivil(1970, 1, 1);  // inclusive
  Day max_date = DaysFromCivil(2100, 1, 1);  // exclusive
  /// Transactions: which items are not products (kept, out of product rankings).
  NonProductRules non_products = NonProductRules::Defaults();

  bool IsEnabled(CleaningRule rule) const { return enabled[static_cast<size_t>(rule)]; }
  void Set(CleaningRule rule, bool on) { enabled[static_cast<size_t>(rule)] = on; }
};

}  // namespace growthlens
