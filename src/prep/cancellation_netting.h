#pragma once
// Netting of cancelled orders (transactions). A cancellation line (an InvoiceNo starting with
// C, which the `cancelled` rule drops) takes back units the same customer bought of the same
// stock code: it is matched to that customer's purchases of the item at or before its time, the
// latest first, and removes its quantity from them. A purchase netted to 0 is dropped (rule
// `net_cancellations`); one netted in part is kept with the units left. Units no earlier
// purchase in the data can give back (a purchase before the data starts) are unmatched and
// listed. Without it an order cancelled minutes later still counts: on Online Retail the top
// product would be one 80,995-unit order taken back by C581484.
//
//   NettingReport report;
//   NetCancellations(table, status, kNettedStatus, report, /*max_listed=*/100);

#include <cstdint>
#include <string>
#include <vector>

#include "io/staged_table.h"

namespace growthlens {

/// A cancellation line whose units found no (or not enough) earlier purchase.
struct UnmatchedCancellation {
  uint64_t line = 0;  // 1-based line in the file
  std::string invoice;
  std::string customer;
  std::string stock_code;
  int64_t units = 0;      // cancelled
  int64_t unmatched = 0;  // of which no purchase gave back
};

struct NettingReport {
  bool enabled = false;
  uint64_t cancellation_lines = 0;    // C lines with a customer, date and non-zero quantity
  uint64_t matched_lines = 0;         // every unit netted
  uint64_t partly_matched_lines = 0;  // some units netted
  uint64_t unmatched_lines = 0;       // no unit netted
  int64_t units_cancelled = 0;
  int64_t units_netted = 0;
  uint64_t purchase_lines_removed = 0;  // netted to 0: dropped (net_cancellations)
  uint64_t purchase_lines_reduced = 0;  // netted in part: kept with fewer units
  /// The first cancellation lines not netted in full, in file order (at most max_listed).
  std::vector<UnmatchedCancellation> unmatched;
  /// Per removed purchase line (chunk index << 32 | row): the invoice code that cancelled it
  /// (the last one to take units from it), for the report's examples.
  std::vector<std::pair<uint64_t, uint32_t>> removed_by;

  int64_t UnitsUnmatched() const { return units_cancelled - units_netted; }
  /// The cancelling invoice of a removed purchase line, or kNullCode.
  uint32_t RemovedBy(size_t chunk_idx, size_t row) const;
};

/// Nets the cancellation lines of `table` (those whose status is `cancelled_status` or
/// `returned_status`: dropped as cancelled, or as a non-positive quantity when that rule is
/// switched off) against the purchases still kept (status kKeepRow, quantity > 0, not a C
/// invoice). Quantities of purchases netted in part are lowered in the table; purchases netted
/// in full get `removed_status`. Deterministic: per (customer, stock code) the lines are taken
/// by time, then in file order (a cancellation takes back only what came before it).
void NetCancellations(StagedTable& table, std::vector<std::vector<uint8_t>>& status,
                      uint8_t cancelled_status, uint8_t returned_status, uint8_t removed_status,
                      unsigned threads, size_t max_listed, NettingReport& report);

}  // namespace growthlens
