#include "prep/transaction_builder.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <utility>

#include "core/hash.h"
#include "core/order_key.h"
#include "core/parallel.h"
#include "prep/dataset_builder.h"
#include "prep/key_interner.h"

namespace growthlens {

namespace {

// Keys (core/order_key.h) in the staged dictionaries' codes, which are equal exactly when the
// re-coded ones are.
using ItemKey = std::pair<uint32_t, uint32_t>;  // stock code, description
struct ItemKeyHash {
  size_t operator()(const ItemKey& key) const { return HashCombine(key.first, key.second); }
};
struct BitsHash {
  size_t operator()(uint64_t bits) const { return MixBits(bits); }
};

// One chunk's orders, items and prices, in order of first appearance in the chunk.
struct ChunkKeys {
  KeyInterner<OrderKey, OrderKeyHash> orders;
  KeyInterner<ItemKey, ItemKeyHash> items;
  KeyInterner<uint64_t, BitsHash> prices;
};

// Interns the kept lines of a chunk, writing their ids among the chunk's keys (and their
// quantities) to the columns from line `out` on.
void InternChunk(const StagedChunk& chunk, const std::vector<uint8_t>& status,
                 size_t stock_code_count, ChunkKeys& keys, TransactionColumns& columns,
                 size_t out) {
  // Most stock codes come with one description, and most items at the price they had last:
  // the last item of each stock code and the last price of each item answer most lines
  // without hashing.
  constexpr uint32_t kNone = UINT32_MAX;
  struct LastItem {
    uint32_t description = kNone, item = kNone;
  };
  struct LastPrice {
    uint64_t bits = 0;
    uint32_t price = kNone;
  };
  std::vector<LastItem> item_of_stock_code(stock_code_count);
  std::vector<LastPrice> price_of_item;
  for (size_t row = 0; row < chunk.rows(); ++row) {
    if (status[row] != kKeepRow) continue;
    columns.order[out] =
        keys.orders
            .Intern({chunk.invoice[row], chunk.user[row], chunk.country[row], chunk.time[row]})
            .first;
    const uint32_t description = chunk.description[row];
    LastItem& last_item = item_of_stock_code[chunk.stock_code[row]];
    if (last_item.item == kNone || last_item.description != description) {
      last_item = {description, keys.items.Intern({chunk.stock_code[row], description}).first};
      if (last_item.item >= price_of_item.size()) price_of_item.resize(last_item.item + 1);
    }
    columns.item[out] = last_item.item;
    columns.quantity[out] = chunk.quantity[row];
    uint64_t price_bits;
    std::memcpy(&price_bits, &chunk.price[row], sizeof(price_bits));
    LastPrice& last_price = price_of_item[last_item.item];
    if (last_price.price == kNone || last_price.bits != price_bits)
      last_price = {price_bits, keys.prices.Intern(price_bits).first};
    columns.price[out] = last_price.price;
    ++out;
  }
}

// Renumbers the codes of a staged dictionary in the order they are first used. The strings go
// into the new dictionary afterwards (Fill).
class CodeCompactor {
 public:
  explicit CodeCompactor(const StringDictionary& source)
      : source_(source), remap_(source.size(), kNullCode) {}
  uint32_t operator()(uint32_t code) {
    if (code == kNullCode) return kNullCode;
    uint32_t& mapped = remap_[code];
    if (mapped == kNullCode) {
      mapped = static_cast<uint32_t>(first_used_.size());
      first_used_.push_back(code);
    }
    return mapped;
  }
  /// Interns the strings in their new order into an empty dictionary: each gets its new code.
  void Fill(StringDictionary& target) const {
    for (uint32_t code : first_used_) target.Intern(source_[code]);
  }

 private:
  const StringDictionary& source_;
  std::vector<uint32_t> remap_;
  std::vector<uint32_t> first_used_;  // source codes by new code
};

}  // namespace

void BuildTransactions(const StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                       const KeptRows& kept, unsigned threads, TransactionLog& dataset) {
  const size_t chunk_count = table.chunks.size();
  const StagedDictionaries& source = table.dictionaries;
  std::vector<size_t> first_line(chunk_count + 1, 0);  // kept lines before each chunk
  for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx)
    first_line[chunk_idx + 1] = first_line[chunk_idx] + kept.InChunk(chunk_idx);
  TransactionColumns& columns = dataset.transactions;
  columns.order.resize(first_line.back());
  columns.item.resize(first_line.back());
  columns.quantity.resize(first_line.back());
  columns.price.resize(first_line.back());
  std::vector<ChunkKeys> keys(std::max<size_t>(chunk_count, 1));
  ParallelFor(chunk_count, threads, [&](size_t chunk_idx) {
    InternChunk(table.chunks[chunk_idx], status[chunk_idx], source.stock_codes.size(),
                keys[chunk_idx], columns, first_line[chunk_idx]);
  });

  // Chunk 0's ids stand. Each later chunk's keys join in the order they first appear in it,
  // so that ids follow first appearance in the file; its lines' ids are translated.
  ChunkKeys& all = keys[0];
  std::vector<std::array<std::vector<uint32_t>, 3>> global_id(chunk_count);
  for (size_t chunk_idx = 1; chunk_idx < chunk_count; ++chunk_idx) {
    auto join = [](auto& interner, const auto& chunk_keys, std::vector<uint32_t>& ids) {
      ids.reserve(chunk_keys.size());
      for (const auto& key : chunk_keys) ids.push_back(interner.Intern(key).first);
    };
    join(all.orders, keys[chunk_idx].orders.keys(), global_id[chunk_idx][0]);
    join(all.items, keys[chunk_idx].items.keys(), global_id[chunk_idx][1]);
    join(all.prices, keys[chunk_idx].prices.keys(), global_id[chunk_idx][2]);
  }

  // The side tables, re-coded. A code's first use is in the first order (item) holding it: one
  // line holds one invoice, customer, country, stock code and description.
  CodeCompactor invoices(source.invoices), customers(source.users), countries(source.countries);
  CodeCompactor stock_codes(source.stock_codes), descriptions(source.descriptions);
  for (const OrderKey& order : all.orders.keys()) {
    dataset.orders.invoice.push_back(invoices(order.invoice));
    dataset.orders.customer.push_back(customers(order.customer));
    dataset.orders.time.push_back(order.time);
    dataset.orders.country.push_back(static_cast<uint16_t>(countries(order.country)));
  }
  for (const auto& [stock_code, description] : all.items.keys()) {
    dataset.items.stock_code.push_back(stock_codes(stock_code));
    dataset.items.description.push_back(descriptions(description));
  }
  for (uint64_t price_bits : all.prices.keys()) {
    double price;
    std::memcpy(&price, &price_bits, sizeof(price));
    dataset.prices.push_back(price);
  }
  // In one set of tasks: the later chunks' ids translated, and the dictionaries' strings.
  const std::pair<const CodeCompactor*, StringDictionary*> dictionaries[] = {
      {&customers, &dataset.users},
      {&invoices, &dataset.invoices},
      {&stock_codes, &dataset.stock_codes},
      {&descriptions, &dataset.descriptions},
      {&countries, &dataset.countries}};
  const size_t later_chunks = chunk_count > 0 ? chunk_count - 1 : 0;
  ParallelFor(later_chunks + std::size(dictionaries), threads, [&](size_t task) {
    if (task >= later_chunks) {
      const auto& [compactor, target] = dictionaries[task - later_chunks];
      compactor->Fill(*target);
      return;
    }
    const size_t chunk_idx = task + 1;
    const auto& [orders, items, prices] = global_id[chunk_idx];
    for (size_t line = first_line[chunk_idx]; line < first_line[chunk_idx + 1]; ++line) {
      columns.order[line] = orders[columns.order[line]];
      columns.item[line] = items[columns.item[line]];
      columns.price[line] = prices[columns.price[line]];
    }
  });
  // Customers never have signup dates; keep the per-user table aligned for analytics.
  dataset.user_signup.assign(dataset.users.size(), kNoDay);
}

}  // namespace growthlens
