#pragma once
// Live events between the workspace's inbox (store/event_inbox.h) and its column blocks. Inbox
// rows are read as an events CSV (user_id, timestamp in epoch milliseconds, event, count, one
// column per property) by the same reader and cleaning rules as any events file, so a live event
// and an uploaded one are judged alike and the fold's report says what was dropped and why.
//
//  - FoldInbox moves the inbox into blocks, a load per `max_events`, each in one transaction
//    with the removal of its inbox rows (Workspace::Append's fold_inbox_through).
//  - WithInbox adds the inbox's rows to events loaded from blocks, for analyses of a workspace
//    that is being written to.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "core/dataset.h"
#include "core/status.h"
#include "prep/ingest.h"
#include "store/event_inbox.h"

namespace growthlens::store {
class Workspace;
}  // namespace growthlens::store

namespace growthlens::app {

/// The rows as an events CSV: user_id,timestamp,event,count, then each property name in order of
/// first appearance.
std::string InboxCsv(const store::InboxRows& rows);

/// The rows read and cleaned as kind events with `options` (their columns are fixed).
Result<CleanedData> CleanInbox(const store::InboxRows& rows, IngestOptions options);

struct FoldOutcome {
  uint64_t loads = 0;
  uint64_t events = 0;      // inbox rows folded
  uint64_t kept = 0;        // after cleaning
  uint64_t added = 0;       // new to the blocks
  uint64_t duplicates = 0;  // already in the blocks (same user, time and event)
};

/// Folds the inbox, `max_events` per load, until it is empty or `max_loads` loads are made.
Result<FoldOutcome> FoldInbox(store::Workspace& workspace, const IngestOptions& options,
                              size_t max_events = 1'000'000,
                              size_t max_loads = std::numeric_limits<size_t>::max());

/// `stored` (an event log from blocks, or no rows at all) with the inbox's events added: the
/// inbox's dictionaries mapped onto the stored ones, signup days the earliest of both. Rows keep
/// their order: blocks first, then the inbox in arrival order.
Result<Dataset> WithInbox(Dataset stored, store::Workspace& workspace,
                          const IngestOptions& options);

}  // namespace growthlens::app
