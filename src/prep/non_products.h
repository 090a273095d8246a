#pragma once
// Lines of a transactions file that are not products: postage, carriage, manual adjustments,
// discounts, bank charges, marketplace fees, commissions, samples, gift vouchers. They are kept
// (they are real money: revenue counts them) but product rankings and the Pareto curve leave
// them out and show them as their own lines, so that postage is not "the 6th best product".
// Recognised per item (stock code and description) from its stock code or its description,
// both case-insensitive; an entry ending in '*' matches as a prefix. The defaults cover Online
// Retail (codes POST, DOT, C2, BANK CHARGES, AMAZONFEE, CRUK, gift_*; descriptions "Manual",
// "Discount", "SAMPLES", "Adjust bad debt" for its one-letter codes M, D, S, B, "Next Day
// Carriage", "PACKING CHARGE", ...); --non-product-codes and --non-product-descriptions replace
// them.

#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"

namespace growthlens {

struct NonProductRules {
  std::vector<std::string> codes;
  std::vector<std::string> descriptions;

  static NonProductRules Defaults();
  /// Whether a stock code or a description names a line that is not a product.
  bool Matches(std::string_view stock_code, std::string_view description) const;
};

/// Sets dataset.items.non_product (one flag per item) by `rules`.
void MarkNonProducts(TransactionLog& dataset, const NonProductRules& rules);

}  // namespace growthlens
