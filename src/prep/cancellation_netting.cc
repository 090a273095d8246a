#include "prep/cancellation_netting.h"

#include <algorithm>
#include <cstdlib>
#include <tuple>
#include <unordered_set>

#include "core/parallel.h"
#include "prep/dataset_builder.h"

namespace growthlens {

namespace {

/// A purchase or a cancellation of one customer's stock code.
struct NettingLine {
  uint64_t key = 0;  // customer << 32 | stock code
  Timestamp time = 0;
  uint64_t position = 0;  // chunk << 32 | row: file order
  int64_t units = 0;      // > 0
  uint32_t invoice = 0;
  bool cancellation = false;
};

uint64_t Position(size_t chunk_idx, size_t row) {
  return (static_cast<uint64_t>(chunk_idx) << 32) | row;
}

uint64_t KeyOf(const StagedChunk& chunk, size_t row) {
  return (static_cast<uint64_t>(chunk.user[row]) << 32) | chunk.stock_code[row];
}

/// Per invoice code: whether it is a cancellation (starts with C).
std::vector<uint8_t> CancellationInvoices(const StringDictionary& invoices) {
  std::vector<uint8_t> cancellation(invoices.size());
  for (uint32_t code = 0; code < invoices.size(); ++code)
    cancellation[code] = invoices[code].starts_with('C') || invoices[code].starts_with('c');
  return cancellation;
}

}  // namespace

uint32_t NettingReport::RemovedBy(size_t chunk_idx, size_t row) const {
  const uint64_t position = Position(chunk_idx, row);
  const auto found = std::lower_bound(removed_by.begin(), removed_by.end(), position,
                                      [](const std::pair<uint64_t, uint32_t>& entry,
                                         uint64_t wanted) { return entry.first < wanted; });
  return found != removed_by.end() && found->first == position ? found->second : kNullCode;
}

void NetCancellations(StagedTable& table, std::vector<std::vector<uint8_t>>& status,
                      uint8_t cancelled_status, uint8_t returned_status, uint8_t removed_status,
                      unsigned threads, size_t max_listed, NettingReport& report) {
  report = NettingReport();
  report.enabled = true;
  const std::vector<uint8_t> cancellation = CancellationInvoices(table.dictionaries.invoices);

  // The cancellation lines, and the (customer, stock code) keys they concern.
  std::vector<NettingLine> lines;
  std::unordered_set<uint64_t> keys;
  for (size_t chunk_idx = 0; chunk_idx < table.chunks.size(); ++chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    const std::vector<uint8_t>& chunk_status = status[chunk_idx];
    for (size_t row = 0; row < chunk.rows(); ++row) {
      if (chunk_status[row] != cancelled_status && chunk_status[row] != returned_status) continue;
      if (!cancellation[chunk.invoice[row]] || chunk.user[row] == kNullCode ||
          chunk.time[row] == kInvalidTime || chunk.quantity[row] == 0)
        continue;
      lines.push_back({KeyOf(chunk, row), chunk.time[row], Position(chunk_idx, row),
                       std::abs(static_cast<int64_t>(chunk.quantity[row])), chunk.invoice[row],
                       true});
      keys.insert(lines.back().key);
    }
  }
  report.cancellation_lines = lines.size();
  if (lines.empty()) return;

  // The purchases still kept of those keys, each chunk on its own thread.
  std::vector<std::vector<NettingLine>> purchases(table.chunks.size());
  ParallelFor(table.chunks.size(), threads, [&](size_t chunk_idx) {
    const StagedChunk& chunk = table.chunks[chunk_idx];
    const std::vector<uint8_t>& chunk_status = status[chunk_idx];
    for (size_t row = 0; row < chunk.rows(); ++row) {
      if (chunk_status[row] != kKeepRow || chunk.quantity[row] <= 0 ||
          cancellation[chunk.invoice[row]] || chunk.user[row] == kNullCode)
        continue;
      const uint64_t key = KeyOf(chunk, row);
      if (keys.contains(key))
        purchases[chunk_idx].push_back({key, chunk.time[row], Position(chunk_idx, row),
                                        chunk.quantity[row], chunk.invoice[row], false});
    }
  });
  for (const std::vector<NettingLine>& found : purchases)
    lines.insert(lines.end(), found.begin(), found.end());
  std::sort(lines.begin(), lines.end(), [](const NettingLine& a, const NettingLine& b) {
    return std::tie(a.key, a.time, a.position) < std::tie(b.key, b.time, b.position);
  });

  // Per key in time order: purchases pile up, a cancellation takes units back from the latest.
  std::vector<int64_t> left(lines.size(), 0);
  std::vector<uint32_t> taken_by(lines.size(), kNullCode);
  std::vector<size_t> pile;
  std::vector<std::pair<uint64_t, UnmatchedCancellation>> unmatched;
  for (size_t idx = 0; idx < lines.size(); ++idx) {
    if (idx == 0 || lines[idx].key != lines[idx - 1].key) pile.clear();
    const NettingLine& line = lines[idx];
    if (!line.cancellation) {
      left[idx] = line.units;
      pile.push_back(idx);
      continue;
    }
    int64_t units = line.units;
    while (units > 0 && !pile.empty()) {
      const size_t purchase = pile.back();
      const int64_t take = std::min(units, left[purchase]);
      left[purchase] -= take;
      units -= take;
      taken_by[purchase] = line.invoice;
      if (left[purchase] == 0) pile.pop_back();
    }
    report.units_cancelled += line.units;
    report.units_netted += line.units - units;
    if (units == 0) {
      ++report.matched_lines;
      continue;
    }
    ++(units == line.units ? report.unmatched_lines : report.partly_matched_lines);
    const size_t chunk_idx = line.position >> 32;
    const size_t row = line.position & 0xFFFF'FFFFu;
    const StagedChunk& chunk = table.chunks[chunk_idx];
    unmatched.emplace_back(
        line.position,
        UnmatchedCancellation{chunk.lines.LineOf(static_cast<uint32_t>(row)),
                              std::string(table.dictionaries.invoices[line.invoice]),
                              std::string(table.dictionaries.users[chunk.user[row]]),
                              std::string(table.dictionaries.stock_codes[chunk.stock_code[row]]),
                              line.units, units});
  }
  std::sort(unmatched.begin(), unmatched.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t idx = 0; idx < unmatched.size() && idx < max_listed; ++idx)
    report.unmatched.push_back(std::move(unmatched[idx].second));

  // The purchases netted: fewer units, or dropped.
  for (size_t idx = 0; idx < lines.size(); ++idx) {
    const NettingLine& line = lines[idx];
    if (line.cancellation || left[idx] == line.units) continue;
    const size_t chunk_idx = line.position >> 32;
    const size_t row = line.position & 0xFFFF'FFFFu;
    if (left[idx] == 0) {
      status[chunk_idx][row] = removed_status;
      ++report.purchase_lines_removed;
      report.removed_by.emplace_back(line.position, taken_by[idx]);
    } else {
      table.chunks[chunk_idx].quantity[row] = static_cast<int32_t>(left[idx]);
      ++report.purchase_lines_reduced;
    }
  }
  std::sort(report.removed_by.begin(), report.removed_by.end());
}

}  // namespace growthlens
