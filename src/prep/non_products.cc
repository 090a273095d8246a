#include "prep/non_products.h"

#include <algorithm>
#include <cctype>

namespace growthlens {

namespace {

/// Upper case, trimmed, inner runs of spaces as one: "Next Day  Carriage " -> "NEXT DAY
/// CARRIAGE". Descriptions of Online Retail carry stray double spaces.
std::string Normalised(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool MatchesAny(std::string_view text, const std::vector<std::string>& patterns) {
  const std::string value = Normalised(text);
  if (value.empty()) return false;
  return std::any_of(patterns.begin(), patterns.end(), [&value](const std::string& pattern) {
    const std::string wanted = Normalised(pattern);
    if (!wanted.empty() && wanted.back() == '*')
      return value.starts_with(std::string_view(wanted).substr(0, wanted.size() - 1));
    return value == wanted;
  });
}

}  // namespace

NonProductRules NonProductRules::Defaults() {
  // Online Retail's one-letter codes (M Manual, D Discount, S SAMPLES, B Adjust bad debt) are
  // recognised by their descriptions: a single letter is a product code in many other exports.
  return {{"POST", "DOT", "C2", "BANK CHARGES", "AMAZONFEE", "CRUK", "gift_*"},
          {"POSTAGE", "DOTCOM POSTAGE", "CARRIAGE", "NEXT DAY CARRIAGE", "PACKING CHARGE", "MANUAL",
           "DISCOUNT", "SAMPLES", "BANK CHARGES", "AMAZON FEE", "CRUK COMMISSION",
           "ADJUST BAD DEBT", "DOTCOMGIFTSHOP GIFT VOUCHER*"}};
}

bool NonProductRules::Matches(std::string_view stock_code, std::string_view description) const {
  return MatchesAny(stock_code, codes) || MatchesAny(description, descriptions);
}

void MarkNonProducts(TransactionLog& dataset, const NonProductRules& rules) {
  ItemTable& items = dataset.items;
  items.non_product.assign(items.size(), 0);
  for (uint32_t item = 0; item < items.size(); ++item) {
    const uint32_t description = items.description[item];
    items.non_product[item] = rules.Matches(
        dataset.stock_codes[items.stock_code[item]],
        description == kNullCode ? std::string_view() : dataset.descriptions[description]);
  }
}

}  // namespace growthlens
