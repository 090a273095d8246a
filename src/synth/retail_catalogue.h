#pragma once
// The synthetic shop's products: a few thousand stock codes in the UCI style (5 digits, some
// with a colour-variant letter, as 85123A) with uppercase gift-shop descriptions, prices
// typical for each kind of item, and a Zipf-like popularity so that a handful of products
// sell everywhere while most sell rarely.

#include <cstdint>
#include <string>
#include <vector>

#include "synth/alias_table.h"

namespace growthlens::synth {

/// Products in a catalogue (UCI has 4,070 stock codes, a few hundred of them one-offs).
inline constexpr int kCatalogueProducts = 3800;
/// Popularity of the product of rank r (0 = best seller) is 1 / (r + offset)^exponent: the
/// offset flattens the head (UCI's top seller holds well under 1% of lines), the exponent
/// sets the long tail.
inline constexpr double kPopularityOffset = 60.0;
inline constexpr double kPopularityExponent = 1.15;
/// Share of base products sold in 2-4 colour variants (85123A, 85123B, ...).
inline constexpr double kVariantFamilyShare = 0.08;
/// Shares of descriptions with a comma ("CAKESTAND, 3 TIER") or double quotes, which the
/// CSV must quote (RFC 4180).
inline constexpr double kCommaDescriptionShare = 0.04;
inline constexpr double kQuotedDescriptionShare = 0.006;
/// Share of products priced to the tenth of a penny (1.245), as a few in UCI are.
inline constexpr double kThreeDecimalPriceShare = 0.005;

struct Product {
  std::string stock_code;       // "85123A"
  std::string description;      // "WHITE HANGING HEART T-LIGHT HOLDER"
  std::string csv_description;  // the description as a CSV field, quoted when needed
  int price_milli = 0;          // unit price in thousandths of a pound
};

/// Products and how often each is bought; immutable once built, shared by all threads.
struct ProductCatalogue {
  std::vector<Product> products;
  AliasTable popularity;  // over `products`
};

/// The catalogue for a run: products, codes and prices depend only on `seed`.
ProductCatalogue BuildCatalogue(uint64_t seed, int product_count = kCatalogueProducts);

}  // namespace growthlens::synth
