#include "synth/retail_catalogue.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string_view>
#include <unordered_set>

#include "core/csv_field.h"
#include "synth/random.h"

namespace growthlens::synth {
namespace {

/// A kind of item and its typical price in pounds.
struct ItemKind {
  std::string_view singular;
  std::string_view plural;  // for "SET OF 6 ..." descriptions
  double typical_price;
};

constexpr std::array<ItemKind, 60> kItems = {{
    {"LUNCH BAG", "LUNCH BAGS", 1.65},
    {"LUNCH BOX", "LUNCH BOXES", 1.95},
    {"T-LIGHT HOLDER", "T-LIGHT HOLDERS", 2.55},
    {"HOT WATER BOTTLE", "HOT WATER BOTTLES", 3.75},
    {"CAKE STAND", "CAKE STANDS", 10.95},
    {"MUG", "MUGS", 1.25},
    {"TEACUP AND SAUCER", "TEACUPS AND SAUCERS", 2.95},
    {"PAPER NAPKIN", "PAPER NAPKINS", 0.85},
    {"PAPER CUP", "PAPER CUPS", 0.65},
    {"GIFT WRAP", "GIFT WRAPS", 0.42},
    {"SHOPPER BAG", "SHOPPER BAGS", 1.65},
    {"DOORMAT", "DOORMATS", 7.95},
    {"CUSHION COVER", "CUSHION COVERS", 3.75},
    {"PHOTO FRAME", "PHOTO FRAMES", 2.95},
    {"WALL CLOCK", "WALL CLOCKS", 8.50},
    {"ALARM CLOCK", "ALARM CLOCKS", 3.75},
    {"SCENTED CANDLE", "SCENTED CANDLES", 1.25},
    {"JAM JAR", "JAM JARS", 0.85},
    {"STORAGE TIN", "STORAGE TINS", 2.95},
    {"BISCUIT TIN", "BISCUIT TINS", 3.25},
    {"CHOPPING BOARD", "CHOPPING BOARDS", 4.95},
    {"APRON", "APRONS", 4.95},
    {"OVEN GLOVE", "OVEN GLOVES", 1.45},
    {"TEA TOWEL", "TEA TOWELS", 1.25},
    {"NOTEBOOK", "NOTEBOOKS", 1.65},
    {"PENCIL CASE", "PENCIL CASES", 1.25},
    {"HAIR CLIP", "HAIR CLIPS", 0.85},
    {"NECKLACE", "NECKLACES", 4.25},
    {"KEY RING", "KEY RINGS", 0.65},
    {"PURSE", "PURSES", 2.10},
    {"UMBRELLA", "UMBRELLAS", 4.95},
    {"GARLAND", "GARLANDS", 1.65},
    {"PARTY BUNTING", "PARTY BUNTINGS", 4.95},
    {"LANTERN", "LANTERNS", 4.25},
    {"HANGING HEART", "HANGING HEARTS", 0.85},
    {"DECORATION", "DECORATIONS", 0.65},
    {"PLANTER", "PLANTERS", 3.75},
    {"WATERING CAN", "WATERING CANS", 2.55},
    {"BIRD HOUSE", "BIRD HOUSES", 5.95},
    {"MIRROR", "MIRRORS", 6.35},
    {"COAT HANGER", "COAT HANGERS", 2.75},
    {"COAT RACK", "COAT RACKS", 4.95},
    {"DRAWER KNOB", "DRAWER KNOBS", 1.25},
    {"JIGSAW", "JIGSAWS", 2.10},
    {"PLAYING CARDS", "PLAYING CARD PACKS", 1.25},
    {"SKIPPING ROPE", "SKIPPING ROPES", 1.45},
    {"FRIDGE MAGNET", "FRIDGE MAGNETS", 0.85},
    {"STICKER SHEET", "STICKER SHEETS", 0.85},
    {"GREETING CARD", "GREETING CARDS", 0.42},
    {"CUTLERY SET", "CUTLERY SETS", 4.15},
    {"BOTTLE", "BOTTLES", 1.95},
    {"SERVING TRAY", "SERVING TRAYS", 3.75},
    {"BOWL", "BOWLS", 2.55},
    {"PLATE", "PLATES", 1.65},
    {"BEAKER", "BEAKERS", 1.25},
    {"BAUBLE", "BAUBLES", 0.65},
    {"WASHBAG", "WASHBAGS", 2.55},
    {"SIDEBOARD", "SIDEBOARDS", 165.00},
    {"CHEST OF DRAWERS", "CHESTS OF DRAWERS", 125.00},
    {"CABINET", "CABINETS", 49.95},
}};

constexpr std::array<std::string_view, 24> kColours = {
    "RED",    "PINK",  "BLUE",      "GREEN",     "WHITE",       "IVORY",
    "CREAM",  "BLACK", "SILVER",    "GOLD",      "PURPLE",      "ORANGE",
    "YELLOW", "LILAC", "TURQUOISE", "GREY",      "PASTEL BLUE", "PASTEL PINK",
    "NAVY",   "AMBER", "ROSE",      "CHOCOLATE", "MINT",        "VINTAGE RED",
};

constexpr std::array<std::string_view, 40> kMotifs = {
    "RETROSPOT",     "SPACEBOY",        "DOLLY GIRL", "VINTAGE LEAF", "PAISLEY",      "WOODLAND",
    "REGENCY",       "HEART OF WICKER", "SKULL",      "CHRISTMAS",    "UNION JACK",   "POLKA DOT",
    "BIRD",          "BUTTERFLY",       "STRAWBERRY", "CHERRY",       "ENGLISH ROSE", "SWEETHEART",
    "PARISIENNE",    "BAROQUE",         "FAIRY CAKE", "GINGHAM",      "SCANDINAVIAN", "MOROCCAN",
    "ANTIQUE",       "VICTORIAN",       "ALPHABET",   "TEA TIME",     "PANTRY",       "PICNIC",
    "CIRCUS PARADE", "TOADSTOOL",       "OWL",        "CAT",          "DOG",          "RABBIT",
    "HEN HOUSE",     "STARS",           "SNOWFLAKE",  "JUNGLE",
};

constexpr std::array<std::string_view, 14> kMaterials = {
    "GLASS", "CERAMIC", "WOODEN", "ENAMEL",    "METAL", "ZINC",          "WICKER",
    "FELT",  "KNITTED", "PAPER",  "PORCELAIN", "TIN",   "FROSTED GLASS", "WIRE",
};

constexpr std::array<std::string_view, 5> kSizes = {"JUMBO", "LARGE", "SMALL", "MINI", "MEDIUM"};

constexpr std::array<std::string_view, 10> kSlogans = {
    "HOME SWEET HOME", "KEEP CALM",    "LOVE",   "WELCOME", "HAPPY BIRTHDAY",
    "TEA FOR TWO",     "GONE FISHING", "NO. 10", "VINTAGE", "GIN AND TONIC",
};

constexpr std::array<int, 8> kSetSizes = {2, 3, 4, 6, 8, 10, 12, 20};
constexpr std::array<char, 7> kVariantLetters = {'A', 'B', 'C', 'D', 'E', 'F', 'G'};

template <typename T, size_t N>
const T& Pick(const std::array<T, N>& choices, Random& rng) {
  return choices[rng.Below(N)];
}

std::string Join(std::initializer_list<std::string_view> words, std::string_view separator = " ") {
  std::string text;
  for (const std::string_view word : words) {
    if (!text.empty()) text += separator;
    text += word;
  }
  return text;
}

/// A description and the typical price of what it describes.
struct Described {
  std::string text;
  double typical_price;
};

/// A kind of item. Furniture is a small corner of a gift shop: most draws of it are put back.
const ItemKind& DrawItem(Random& rng) {
  constexpr double kFurniturePrice = 40.0;
  constexpr double kFurnitureKeepShare = 0.1;
  const ItemKind* item = &Pick(kItems, rng);
  while (item->typical_price > kFurniturePrice && !rng.Bernoulli(kFurnitureKeepShare)) {
    item = &Pick(kItems, rng);
  }
  return *item;
}

/// One description in the UCI style, with the mix of shapes the original shows.
Described DrawDescription(Random& rng) {
  const ItemKind& item = DrawItem(rng);
  const double shape = rng.Uniform();
  double threshold = kCommaDescriptionShare;
  if (shape < threshold) {  // "TUMBLER, BAROQUE", "GARLAND,PINK RETROSPOT"
    const std::string_view separator = rng.Bernoulli(0.5) ? ", " : ",";
    return {rng.Bernoulli(0.5) ? Join({item.singular, Pick(kMotifs, rng)}, separator)
                               : std::string(item.singular) + std::string(separator) +
                                     Join({Pick(kColours, rng), Pick(kMotifs, rng)}),
            item.typical_price};
  }
  if (shape < (threshold += kQuotedDescriptionShare)) {  // WOODEN SIGN "HOME SWEET HOME"
    return {Join({Pick(kMaterials, rng), item.singular}) + " \"" +
                std::string(Pick(kSlogans, rng)) + "\"",
            item.typical_price};
  }
  constexpr double kMaxSetItemPrice = 5.0;  // nobody sells a set of 20 cake stands
  if (shape < (threshold += 0.10) && item.typical_price <= kMaxSetItemPrice) {
    // SET OF 6 RETROSPOT PAPER CUPS
    const int set_size = Pick(kSetSizes, rng);
    return {"SET OF " + std::to_string(set_size) + " " + Join({Pick(kMotifs, rng), item.plural}),
            item.typical_price * std::sqrt(static_cast<double>(set_size))};
  }
  if (shape < (threshold += 0.08)) {  // JUMBO BAG RED RETROSPOT
    return {Join({Pick(kSizes, rng), item.singular, Pick(kColours, rng), Pick(kMotifs, rng)}),
            item.typical_price};
  }
  if (shape < (threshold += 0.22)) {  // WOODEN OWL PHOTO FRAME
    return {Join({Pick(kMaterials, rng), Pick(kMotifs, rng), item.singular}), item.typical_price};
  }
  if (shape < (threshold += 0.15)) {  // SPACEBOY LUNCH BOX
    return {Join({Pick(kMotifs, rng), item.singular}), item.typical_price};
  }
  return {Join({Pick(kColours, rng), Pick(kMotifs, rng), item.singular}), item.typical_price};
}

/// A shop price near `typical`: most end in 5 pence, a few carry a tenth of a penny.
int DrawPriceMilli(double typical, Random& rng) {
  constexpr double kPriceSpread = 0.35;
  constexpr double kMinPrice = 0.06;
  const double pounds = std::max(kMinPrice, typical * rng.LogNormalFactor(kPriceSpread));
  auto pence = static_cast<int>(std::lround(pounds * 100.0));
  if (rng.Bernoulli(0.65)) pence = std::max(5, static_cast<int>(std::lround(pounds * 20.0)) * 5);
  int milli = pence * 10;
  if (rng.Bernoulli(kThreeDecimalPriceShare)) milli += static_cast<int>(rng.Between(1, 9));
  return milli;
}

}  // namespace

ProductCatalogue BuildCatalogue(uint64_t seed, int product_count) {
  constexpr int kFirstCode = 10002;
  constexpr int kLastCode = 90214;  // UCI's numeric codes span this range
  constexpr int kMaxAttempts = 50;  // before accepting a repeated description
  Random rng = Random::ForStream(seed, StreamPurpose::kCatalogue, 0);
  ProductCatalogue catalogue;
  const auto count = static_cast<size_t>(std::max(product_count, 1));
  catalogue.products.reserve(count);
  std::unordered_set<int> used_codes;
  std::unordered_set<std::string> used_descriptions;

  auto add = [&](std::string code, std::string description, int price_milli) {
    used_descriptions.insert(description);
    std::string csv = QuoteCsvField(description);
    catalogue.products.push_back(
        {std::move(code), std::move(description), std::move(csv), price_milli});
  };

  while (catalogue.products.size() < count) {
    int code = 0;
    do {
      code = static_cast<int>(rng.Between(kFirstCode, kLastCode));
    } while (!used_codes.insert(code).second);

    Described described = DrawDescription(rng);
    for (int attempt = 0; attempt < kMaxAttempts && used_descriptions.contains(described.text);
         ++attempt) {
      described = DrawDescription(rng);
    }
    const size_t room = count - catalogue.products.size();
    if (room >= 2 && rng.Bernoulli(kVariantFamilyShare)) {
      // A colour family: the same item in 2-4 colours, codes 85123A, 85123B, ...
      const ItemKind& item = DrawItem(rng);
      const std::string_view motif = Pick(kMotifs, rng);
      const size_t variants = std::min<size_t>(room, static_cast<size_t>(rng.Between(2, 4)));
      const size_t first_colour = rng.Below(kColours.size());
      const int price = DrawPriceMilli(item.typical_price, rng);
      for (size_t variant_idx = 0; variant_idx < variants; ++variant_idx) {
        const std::string_view colour = kColours[(first_colour + variant_idx) % kColours.size()];
        add(std::to_string(code) + kVariantLetters[variant_idx],
            Join({colour, motif, item.singular}), price);
      }
      continue;
    }
    add(std::to_string(code), std::move(described.text),
        DrawPriceMilli(described.typical_price, rng));
  }

  // Popularity by a random ranking, so best sellers are spread over codes and item kinds.
  std::vector<size_t> rank_of(count);
  std::iota(rank_of.begin(), rank_of.end(), size_t{0});
  for (size_t index = count - 1; index > 0; --index) {  // Fisher-Yates
    std::swap(rank_of[index], rank_of[rng.Below(index + 1)]);
  }
  // Dear products sell less whatever their rank: a best-selling sideboard would make one
  // item dominate revenue.
  constexpr double kPopularPriceMilli = 10'000.0;
  constexpr double kPriceElasticity = 1.5;
  std::vector<double> weights(count);
  for (size_t index = 0; index < count; ++index) {
    const double price = std::max(1.0, static_cast<double>(catalogue.products[index].price_milli));
    weights[index] =
        std::pow(static_cast<double>(rank_of[index]) + kPopularityOffset, -kPopularityExponent) *
        std::pow(std::min(1.0, kPopularPriceMilli / price), kPriceElasticity);
  }
  catalogue.popularity = AliasTable(weights);
  return catalogue;
}

}  // namespace growthlens::synth
