#include "prep/dataset_builder.h"

#include <array>
#include <cstring>
#include <iterator>
#include <utility>

#include "core/hash.h"
#include "core/parallel.h"
#include "prep/key_interner.h"

namespace growthlens {

namespace {

/// Renumbers the codes kept rows use in the order they first use them. The strings go into
/// the new dictionary afterwards (Fill), away from the loop over the rows.
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

struct OrderKey {
  uint32_t invoice, customer, country;
  Timestamp time;
  bool operator==(const OrderKey&) const = default;
};
struct OrderKeyHash {
  size_t operator()(const OrderKey& key) const {
    uint64_t hash = HashCombine(key.invoice, key.customer);
    hash = HashCombine(hash, key.country);
    return HashCombine(hash, static_cast<uint64_t>(key.time));
  }
};
struct PairHash {
  size_t operator()(const std::pair<uint32_t, uint32_t>& key) const {
    return HashCombine(key.first, key.second);
  }
};
struct BitsHash {
  size_t operator()(uint64_t bits) const { return MixBits(bits); }
};

size_t KeptRows(const std::vector<std::vector<uint8_t>>& status) {
  size_t kept = 0;
  for (const auto& chunk_status : status)
    for (uint8_t row_status : chunk_status) kept += row_status == kKeepRow ? 1 : 0;
  return kept;
}

// Codes kept rows use, renumbered densely in their original order (first appearance in the
// file), from per-chunk "used" flags.
// When every code is used (the usual case) the dictionary moves over as it is.
std::vector<uint32_t> CompactCodes(const std::vector<std::vector<uint8_t>>& used_per_chunk,
                                   StringDictionary& source, StringDictionary& target) {
  std::vector<uint8_t> used(source.size(), 0);
  bool all_used = true;
  for (uint32_t code = 0; code < source.size(); ++code) {
    for (const auto& used_flags : used_per_chunk) used[code] |= used_flags[code];
    all_used = all_used && used[code];
  }
  std::vector<uint32_t> remap(source.size(), kNullCode);
  if (all_used) {
    for (uint32_t code = 0; code < source.size(); ++code) remap[code] = code;
    target = std::move(source);
    return remap;
  }
  for (uint32_t code = 0; code < source.size(); ++code)
    if (used[code]) remap[code] = target.Intern(source[code]);
  return remap;
}

constexpr size_t kSlicesPerChunk = 8;
size_t SliceBegin(size_t rows, size_t slice) {
  return rows * slice / kSlicesPerChunk;
}

bool IsIdentity(const std::vector<uint32_t>& remap) {
  for (uint32_t code = 0; code < remap.size(); ++code)
    if (remap[code] != code) return false;
  return true;
}

// Rows kept in [begin, end), counted without a branch per row.
size_t CountKept(const std::vector<uint8_t>& status, size_t begin, size_t end) {
  size_t kept = 0;
  for (size_t row = begin; row < end; ++row) kept += status[row] == kKeepRow ? 1 : 0;
  return kept;
}

// Usage logs are the big inputs, so they are built in parallel and in the reader's memory:
// one pass per chunk finds what kept rows use; the dictionaries are compacted; chunk 0's
// columns (reserved for the whole file by the reader) become the Dataset's, compacted in
// place, while the other chunks copy their kept rows in behind them.
void BuildUsage(StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                const KeptCodes& codes, unsigned threads, BuildOutcome& outcome) {
  Dataset& dataset = outcome.dataset;
  const size_t chunk_count = table.chunks.size();
  const uint32_t user_count = table.dictionaries.users.size();
  // Rows kept per slice of each chunk, so that the copy below splits evenly over threads.
  std::vector<std::array<size_t, kSlicesPerChunk>> kept_in_slice(chunk_count);
  ParallelFor(chunk_count * kSlicesPerChunk, threads, [&](size_t task) {
    const size_t chunk_idx = task / kSlicesPerChunk;
    const size_t slice = task % kSlicesPerChunk;
    const size_t rows = table.chunks[chunk_idx].rows();
    kept_in_slice[chunk_idx][slice] =
        CountKept(status[chunk_idx], SliceBegin(rows, slice), SliceBegin(rows, slice + 1));
  });
  std::vector<size_t> kept(chunk_count + 1, 0);
  for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx) {
    kept[chunk_idx + 1] = kept[chunk_idx];
    for (size_t slice_kept : kept_in_slice[chunk_idx]) kept[chunk_idx + 1] += slice_kept;
  }

  const std::vector<uint32_t> user_remap =
      CompactCodes(codes.used_users, table.dictionaries.users, dataset.users);
  const std::vector<uint32_t> feature_remap =
      CompactCodes(codes.used_features, table.dictionaries.features, dataset.features);
  dataset.user_signup.assign(dataset.users.size(), kNoDay);
  for (uint32_t user = 0; user < user_count; ++user) {
    if (user_remap[user] == kNullCode) continue;
    Day low = INT32_MAX, high = INT32_MIN;
    for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx) {
      low = std::min(low, codes.first_signup[chunk_idx][user]);
      high = std::max(high, codes.last_signup[chunk_idx][user]);
    }
    if (low == INT32_MAX) continue;
    dataset.user_signup[user_remap[user]] = low;  // the earliest when rows disagree
    outcome.signup_conflicts += low != high ? 1 : 0;
  }

  // Signups are in user_signup now; their staged column goes before anything is copied.
  for (StagedChunk& chunk : table.chunks) Column<Day>().swap(chunk.signup);

  UsageColumns& columns = dataset.usage;
  StagedChunk& first = table.chunks.front();
  const size_t first_rows = first.user.size();
  const bool first_unchanged =
      kept[1] == first_rows && IsIdentity(user_remap) && IsIdentity(feature_remap);
  const size_t out_rows = kept.back();
  // One column at a time: chunk 0's column becomes the Dataset's and is compacted in place
  // (the write position never passes the read position), the other chunks' kept rows are
  // copied in behind it, re-coded, and their column is freed before the next column, so the
  // staged and the built copies of a row never coexist for more than one column.
  auto build_column = [&](auto& target, auto member, auto recode) {
    target = std::move(first.*member);
    target.resize(std::max(first_rows, out_rows));
    // Rows [begin, end) of a chunk to `out`; a range that keeps every row is copied straight.
    auto place = [&](const auto* source, const std::vector<uint8_t>& chunk_status, size_t begin,
                     size_t end, size_t out, bool all_kept) {
      auto* destination = target.data() + out;
      if (all_kept) {
        for (size_t row = begin; row < end; ++row) *destination++ = recode(source[row]);
        return;
      }
      for (size_t row = begin; row < end; ++row) {
        if (chunk_status[row] != kKeepRow) continue;
        *destination++ = recode(source[row]);
      }
    };
    // Chunk 0 is compacted before the others are copied in: its unread rows lie where they
    // go, past kept[1] once it has dropped a row.
    if (!first_unchanged) place(target.data(), status[0], 0, first_rows, 0, kept[1] == first_rows);
    ParallelFor(chunk_count * kSlicesPerChunk, threads, [&](size_t task) {
      const size_t chunk_idx = task / kSlicesPerChunk;
      const size_t slice = task % kSlicesPerChunk;
      if (chunk_idx == 0) return;
      const StagedChunk& chunk = table.chunks[chunk_idx];
      size_t out = kept[chunk_idx];
      for (size_t earlier = 0; earlier < slice; ++earlier) out += kept_in_slice[chunk_idx][earlier];
      const size_t begin = SliceBegin(chunk.rows(), slice);
      const size_t end = SliceBegin(chunk.rows(), slice + 1);
      place((chunk.*member).data(), status[chunk_idx], begin, end, out,
            kept_in_slice[chunk_idx][slice] == end - begin);
    });
    target.resize(out_rows);
    for (size_t chunk_idx = 1; chunk_idx < chunk_count; ++chunk_idx)
      std::remove_reference_t<decltype(target)>().swap(table.chunks[chunk_idx].*member);
  };
  auto same = [](auto value) { return value; };
  build_column(columns.day, &StagedChunk::day, same);
  build_column(columns.events, &StagedChunk::events, same);
  build_column(columns.feature, &StagedChunk::feature,
               [&](uint16_t feature) { return static_cast<uint16_t>(feature_remap[feature]); });
  // The user column last: chunks' rows() count it, and the slices above need them.
  build_column(columns.user, &StagedChunk::user,
               [&](uint32_t user) { return user == kNullCode ? kNullCode : user_remap[user]; });
}

void BuildTransactions(const StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                       unsigned threads, BuildOutcome& outcome) {
  Dataset& dataset = outcome.dataset;
  const size_t kept = KeptRows(status);
  TransactionColumns& columns = dataset.transactions;
  columns.order.resize(kept);
  columns.item.resize(kept);
  columns.quantity.resize(kept);
  columns.price.resize(kept);
  const StagedDictionaries& source = table.dictionaries;
  CodeCompactor customers(source.users);
  CodeCompactor invoices(source.invoices);
  CodeCompactor stock_codes(source.stock_codes);
  CodeCompactor descriptions(source.descriptions);
  CodeCompactor countries(source.countries);
  KeyInterner<OrderKey, OrderKeyHash> orders;
  KeyInterner<std::pair<uint32_t, uint32_t>, PairHash> items;
  KeyInterner<uint64_t, BitsHash> prices;
  // Most stock codes come with one description, and most items at the price they had last:
  // the last item of each stock code and the last price of each item answer most rows
  // without hashing.
  constexpr uint32_t kNone = UINT32_MAX;
  struct LastItem {
    uint32_t description = kNone, item = kNone;
  };
  struct LastPrice {
    uint64_t bits = 0;
    uint32_t price = kNone;
  };
  std::vector<LastItem> item_of_stock_code(source.stock_codes.size());
  std::vector<LastPrice> price_of_item;
  size_t out = 0;
  for (size_t chunk_idx = 0; chunk_idx < table.chunks.size(); ++chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    const std::vector<uint8_t>& chunk_status = status[chunk_idx];
    for (size_t row = 0; row < chunk.rows(); ++row) {
      if (chunk_status[row] != kKeepRow) continue;
      const OrderKey order_key{invoices(chunk.invoice[row]), customers(chunk.user[row]),
                               countries(chunk.country[row]), chunk.time[row]};
      columns.order[out] = orders.Intern(order_key).first;
      const uint32_t stock_code = stock_codes(chunk.stock_code[row]);
      const uint32_t description = descriptions(chunk.description[row]);
      LastItem& last_item = item_of_stock_code[chunk.stock_code[row]];
      if (last_item.item == kNone || last_item.description != description) {
        last_item = {description, items.Intern({stock_code, description}).first};
        if (last_item.item >= price_of_item.size()) price_of_item.resize(last_item.item + 1);
      }
      columns.item[out] = last_item.item;
      columns.quantity[out] = chunk.quantity[row];
      uint64_t price_bits;
      std::memcpy(&price_bits, &chunk.price[row], sizeof(price_bits));
      LastPrice& last_price = price_of_item[last_item.item];
      if (last_price.price == kNone || last_price.bits != price_bits)
        last_price = {price_bits, prices.Intern(price_bits).first};
      columns.price[out] = last_price.price;
      ++out;
    }
  }
  for (const OrderKey& order : orders.keys()) {
    dataset.orders.invoice.push_back(order.invoice);
    dataset.orders.customer.push_back(order.customer);
    dataset.orders.time.push_back(order.time);
    dataset.orders.country.push_back(static_cast<uint16_t>(order.country));
  }
  for (const auto& [stock_code, description] : items.keys()) {
    dataset.items.stock_code.push_back(stock_code);
    dataset.items.description.push_back(description);
  }
  for (uint64_t price_bits : prices.keys()) {
    double price;
    std::memcpy(&price, &price_bits, sizeof(price));
    dataset.prices.push_back(price);
  }
  const std::pair<const CodeCompactor*, StringDictionary*> dictionaries[] = {
      {&customers, &dataset.users},
      {&invoices, &dataset.invoices},
      {&stock_codes, &dataset.stock_codes},
      {&descriptions, &dataset.descriptions},
      {&countries, &dataset.countries}};
  ParallelFor(std::size(dictionaries), threads, [&](size_t dictionary) {
    dictionaries[dictionary].first->Fill(*dictionaries[dictionary].second);
  });
  // Customers never have signup dates; keep the per-user table aligned for analytics.
  dataset.user_signup.assign(dataset.users.size(), kNoDay);
}

}  // namespace

KeptCodes::KeptCodes(const StagedTable& table)
    : used_users(table.chunks.size()),
      used_features(table.chunks.size()),
      first_signup(table.chunks.size()),
      last_signup(table.chunks.size()),
      table_(table) {}

void KeptCodes::StartChunk(size_t chunk_idx) {
  if (table_.mapping.kind != DataKind::kUsage) return;
  const uint32_t user_count = table_.dictionaries.users.size();
  used_users[chunk_idx].assign(user_count, 0);
  used_features[chunk_idx].assign(table_.dictionaries.features.size(), 0);
  first_signup[chunk_idx].assign(user_count, INT32_MAX);
  last_signup[chunk_idx].assign(user_count, INT32_MIN);
}

void KeptCodes::Add(size_t chunk_idx, const std::vector<uint8_t>& status, size_t begin,
                    size_t end) {
  if (table_.mapping.kind != DataKind::kUsage) return;
  // Pointers in locals: the flags are bytes, whose stores could change any vector's members.
  const StagedChunk& chunk = table_.chunks[chunk_idx];
  const uint8_t* row_status = status.data();
  const uint32_t* row_user = chunk.user.data();
  const uint16_t* row_feature = chunk.feature.data();
  const Day* row_signup = chunk.signup.data();
  uint8_t* users = used_users[chunk_idx].data();
  uint8_t* features = used_features[chunk_idx].data();
  Day* min_signup = first_signup[chunk_idx].data();
  Day* max_signup = last_signup[chunk_idx].data();
  // A user's signups are gathered in registers while the user's rows follow each other
  // (updating the arrays on every row made each row wait for the previous row's store).
  uint32_t user = kNullCode;
  Day low = INT32_MAX, high = INT32_MIN;
  auto flush = [&] {
    if (user == kNullCode) return;
    users[user] = 1;
    min_signup[user] = std::min(min_signup[user], low);
    max_signup[user] = std::max(max_signup[user], high);
  };
  for (size_t row = begin; row < end; ++row) {
    if (row_status[row] != kKeepRow) continue;
    features[row_feature[row]] = 1;
    if (row_user[row] != user) {
      flush();
      user = row_user[row];
      low = INT32_MAX;
      high = INT32_MIN;
    }
    const Day signup = row_signup[row];
    const bool given = signup != kNoDay && signup != kInvalidDay;
    low = given ? std::min(low, signup) : low;
    high = given ? std::max(high, signup) : high;
  }
  flush();
}

BuildOutcome BuildDataset(StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                          const KeptCodes& kept, unsigned threads) {
  BuildOutcome outcome{Dataset(table.mapping.kind), 0};
  if (table.mapping.kind == DataKind::kUsage)
    BuildUsage(table, status, kept, threads, outcome);
  else
    BuildTransactions(table, status, threads, outcome);
  outcome.dataset.ShrinkToFit();
  return outcome;
}

}  // namespace growthlens
