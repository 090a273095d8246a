#include "prep/dataset_builder.h"

#include <algorithm>
#include <array>

#include "core/parallel.h"
#include "prep/transaction_builder.h"

namespace growthlens {

namespace {

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

bool IsIdentity(const std::vector<uint32_t>& remap) {
  for (uint32_t code = 0; code < remap.size(); ++code)
    if (remap[code] != code) return false;
  return true;
}

// An event log's property columns from the chunks' kept rows, each dictionary narrowed to the
// values kept rows use ("" stays code 0), at the narrowest code width.
void BuildProperties(StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                     EventProperties& properties) {
  for (size_t property = 0; property < table.properties.size(); ++property) {
    StringDictionary& staged_values = table.properties[property].values;
    std::vector<uint32_t> codes;
    std::vector<uint8_t> used(staged_values.size(), 0);
    used[0] = 1;
    for (size_t chunk_idx = 0; chunk_idx < table.chunks.size(); ++chunk_idx) {
      std::vector<uint32_t>& chunk_codes = table.chunks[chunk_idx].properties[property].codes;
      const std::vector<uint8_t>& chunk_status = status[chunk_idx];
      for (size_t row = 0; row < chunk_codes.size(); ++row) {
        if (chunk_status[row] != kKeepRow) continue;
        codes.push_back(chunk_codes[row]);
        used[chunk_codes[row]] = 1;
      }
      std::vector<uint32_t>().swap(chunk_codes);
    }
    PropertyColumn& column = properties.Add(table.properties[property].name);
    std::vector<uint32_t> remap(staged_values.size(), 0);
    for (uint32_t code = 1; code < staged_values.size(); ++code)
      if (used[code]) remap[code] = column.values.Intern(staged_values[code]);
    for (uint32_t& code : codes) code = remap[code];
    column.Assign(codes);
    staged_values = StringDictionary();
  }
}

// Usage logs are the big inputs, so they are built in parallel and in the reader's memory:
// the dictionaries are compacted to the codes the cleaner saw kept rows use; chunk 0's columns
// (reserved for the whole file by the reader) become the Dataset's, compacted in place, while
// the other chunks copy their kept rows in behind them.
void BuildUsage(StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                const KeptRows& kept_rows, unsigned threads, UsageLog& dataset,
                uint64_t& signup_conflicts) {
  const size_t chunk_count = table.chunks.size();
  const uint32_t user_count = table.dictionaries.users.size();
  const std::vector<std::array<size_t, KeptRows::kSlices>>& kept_in_slice = kept_rows.in_slice;
  std::vector<size_t> kept(chunk_count + 1, 0);
  for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx)
    kept[chunk_idx + 1] = kept[chunk_idx] + kept_rows.InChunk(chunk_idx);

  const std::vector<uint32_t> user_remap =
      CompactCodes(kept_rows.used_users, table.dictionaries.users, dataset.users);
  const std::vector<uint32_t> feature_remap =
      CompactCodes(kept_rows.used_features, table.dictionaries.features, dataset.features);
  dataset.user_signup.assign(dataset.users.size(), kNoDay);
  for (uint32_t user = 0; user < user_count; ++user) {
    if (user_remap[user] == kNullCode) continue;
    Day low = INT32_MAX, high = INT32_MIN;
    for (size_t chunk_idx = 0; chunk_idx < chunk_count; ++chunk_idx) {
      low = std::min(low, kept_rows.first_signup[chunk_idx][user]);
      high = std::max(high, kept_rows.last_signup[chunk_idx][user]);
    }
    if (low == INT32_MAX) continue;
    dataset.user_signup[user_remap[user]] = low;  // the earliest when rows disagree
    signup_conflicts += low != high ? 1 : 0;
  }

  // Signups are in user_signup now; their staged column goes before anything is copied.
  for (StagedChunk& chunk : table.chunks) chunk.signup.Release();

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
    ParallelFor(chunk_count * KeptRows::kSlices, threads, [&](size_t task) {
      const size_t chunk_idx = task / KeptRows::kSlices;
      const size_t slice = task % KeptRows::kSlices;
      if (chunk_idx == 0) return;
      const StagedChunk& chunk = table.chunks[chunk_idx];
      size_t out = kept[chunk_idx];
      for (size_t earlier = 0; earlier < slice; ++earlier) out += kept_in_slice[chunk_idx][earlier];
      const size_t begin = KeptRows::SliceBegin(chunk.rows(), slice);
      const size_t end = KeptRows::SliceBegin(chunk.rows(), slice + 1);
      place((chunk.*member).data(), status[chunk_idx], begin, end, out,
            kept_in_slice[chunk_idx][slice] == end - begin);
    });
    target.resize(out_rows);
    for (size_t chunk_idx = 1; chunk_idx < chunk_count; ++chunk_idx)
      std::remove_reference_t<decltype(target)>().swap(table.chunks[chunk_idx].*member);
  };
  if (table.mapping.kind == DataKind::kEvents) BuildProperties(table, status, dataset.properties);
  auto same = [](auto value) { return value; };
  build_column(columns.day, &StagedChunk::day, same);
  // Events without a count column staged 1 on every row; the log keeps no column for them.
  if (table.mapping.kind == DataKind::kEvents && !table.mapping.Has(Role::kCount)) {
    for (StagedChunk& chunk : table.chunks) Column<int32_t>().swap(chunk.events);
  } else {
    build_column(columns.events, &StagedChunk::events, same);
  }
  if (table.mapping.kind == DataKind::kEvents)
    build_column(columns.ms_of_day, &StagedChunk::ms_of_day, same);
  build_column(columns.feature, &StagedChunk::feature,
               [&](uint16_t feature) { return static_cast<uint16_t>(feature_remap[feature]); });
  // The user column last: chunks' rows() count it, and the slices above need them.
  build_column(columns.user, &StagedChunk::user,
               [&](uint32_t user) { return user == kNullCode ? kNullCode : user_remap[user]; });
}

}  // namespace

void SignupsFromEvents(UsageLog& log, const std::string& signup_event) {
  std::vector<uint8_t> is_signup(log.features.size(), 0);
  bool any = false;
  for (uint32_t code = 0; code < log.features.size(); ++code) {
    is_signup[code] = (signup_event.empty() ? NormalizeColumnName(log.features[code]) == "signup"
                                            : log.features[code] == signup_event)
                          ? 1
                          : 0;
    any = any || is_signup[code] != 0;
  }
  if (!any) return;
  const UsageColumns& rows = log.usage;
  for (size_t row = 0; row < log.rows(); ++row) {
    const uint32_t user = rows.user[row];
    if (!is_signup[rows.feature[row]] || user == kNullCode) continue;
    Day& signup = log.user_signup[user];
    signup = signup == kNoDay ? rows.day[row] : std::min(signup, rows.day[row]);
  }
}

KeptRows::KeptRows(const StagedTable& table)
    : used_users(table.chunks.size()),
      used_features(table.chunks.size()),
      first_signup(table.chunks.size()),
      last_signup(table.chunks.size()),
      in_slice(table.chunks.size()),
      table_(table) {}

void KeptRows::StartChunk(size_t chunk_idx) {
  if (ByKind(table_.mapping.kind, false, true)) return;
  const uint32_t user_count = table_.dictionaries.users.size();
  used_users[chunk_idx].assign(user_count, 0);
  used_features[chunk_idx].assign(table_.dictionaries.features.size(), 0);
  first_signup[chunk_idx].assign(user_count, INT32_MAX);
  last_signup[chunk_idx].assign(user_count, INT32_MIN);
}

void KeptRows::AddCodes(size_t chunk_idx, const std::vector<uint8_t>& status, size_t begin,
                        size_t end) {
  if (ByKind(table_.mapping.kind, false, true)) return;
  // Pointers in locals: the flags are bytes, whose stores could change any vector's members.
  const StagedChunk& chunk = table_.chunks[chunk_idx];
  const uint8_t* row_status = status.data();
  const uint32_t* row_user = chunk.user.data();
  const uint16_t* row_feature = chunk.feature.data();
  const Day* row_day = chunk.day.data();
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
  // The staged signups decoded a part at a time (on the stack: 16 KB).
  constexpr size_t kPartRows = 4096;
  std::array<Day, kPartRows> signups;
  for (size_t row = begin; row < end; ++row) {
    if ((row - begin) % kPartRows == 0)
      chunk.signup.Decode(row, std::min(end, row + kPartRows), row_day, signups.data());
    if (row_status[row] != kKeepRow) continue;
    features[row_feature[row]] = 1;
    if (row_user[row] != user) {
      flush();
      user = row_user[row];
      low = INT32_MAX;
      high = INT32_MIN;
    }
    const Day signup = signups[(row - begin) % kPartRows];
    const bool given = signup != kNoDay && signup != kInvalidDay;
    low = given ? std::min(low, signup) : low;
    high = given ? std::max(high, signup) : high;
  }
  flush();
}

void KeptRows::Count(size_t chunk_idx, const std::vector<uint8_t>& status) {
  const size_t rows = status.size();
  for (size_t slice = 0; slice < kSlices; ++slice) {
    size_t kept = 0;  // without a branch per row
    for (size_t row = SliceBegin(rows, slice); row < SliceBegin(rows, slice + 1); ++row)
      kept += status[row] == kKeepRow ? 1 : 0;
    in_slice[chunk_idx][slice] = kept;
  }
}

size_t KeptRows::InChunk(size_t chunk_idx) const {
  size_t kept = 0;
  for (size_t slice_kept : in_slice[chunk_idx]) kept += slice_kept;
  return kept;
}

BuildOutcome BuildDataset(StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                          const KeptRows& kept, unsigned threads) {
  BuildOutcome outcome;
  switch (table.mapping.kind) {
    case DataKind::kUsage:
    case DataKind::kEvents: {
      UsageLog log;
      log.grain = table.mapping.kind == DataKind::kEvents ? UsageGrain::kEvent : UsageGrain::kDay;
      BuildUsage(table, status, kept, threads, log, outcome.signup_conflicts);
      if (log.grain == UsageGrain::kEvent) SignupsFromEvents(log, table.mapping.signup_event);
      outcome.dataset = std::move(log);
      break;
    }
    case DataKind::kTransactions: {
      TransactionLog log;
      BuildTransactions(table, status, kept, threads, log);
      outcome.dataset = std::move(log);
      break;
    }
  }
  outcome.dataset.ShrinkToFit();
  return outcome;
}

}  // namespace growthlens
