#pragma once
// Paths: per user, the events that follow the first occurrence of a start event (or precede the
// first occurrence of an end event, or follow the user's first event), as one sequence of up to
// N steps; the distinct sequences with the users who took each, and the Sankey diagram's nodes
// (step x event) and links. One path per user, so counts are users and shares add up to 1.
// Excluded events are removed first; a step further than `max_gap_ms` from the one before (after)
// it ends the path (a session's end); repeats (A, A, B) collapse to (A, B) when asked. Paths
// shorter than N steps (the user had no more events) are sequences of their own.
// Definitions in docs/ANALYTICS.md ("Paths").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/usage_log.h"

namespace growthlens {

/// Steps after (before) the anchor event that a path may have.
constexpr size_t kMaxPathSteps = 10;

enum class PathAnchor {
  kFirstEvent,  // from each user's first event
  kStart,       // from each user's first start event, forward
  kEnd,         // to each user's first end event, backward
};

struct PathOptions {
  PathAnchor anchor = PathAnchor::kFirstEvent;
  uint16_t anchor_event = 0;  // feature code of the start or end event
  size_t steps = 4;           // 1..kMaxPathSteps, not counting the anchor
  bool collapse_repeats = false;
  std::vector<bool> excluded;  // per feature code; shorter: not excluded
  int64_t max_gap_ms = 0;      // 0: no limit
  unsigned threads = 0;        // 0: all cores
};

/// One distinct path in time order: the anchor first (start paths) or last (end paths).
struct PathCount {
  std::vector<uint16_t> events;
  uint64_t users = 0;
};

struct PathReport {
  uint64_t users = 0;     // users with an event
  uint64_t anchored = 0;  // users with a path (who did the anchor event)
  /// Every distinct path, most users first, ties in code order (the app layer orders ties by
  /// name).
  std::vector<PathCount> paths;
};

PathReport ComputePaths(const UsageLog& log, const PathOptions& options);

/// The Sankey diagram of a report: one node per (step, event) with the users who reached it,
/// and one link per pair of consecutive nodes with the users who went along it. Steps count
/// from the anchor: 0, 1, .. N for start paths, -N .. 0 for end paths (the end event at 0).
struct SankeyNode {
  int32_t step = 0;
  uint16_t event = 0;
  uint64_t users = 0;
};
struct SankeyLink {
  size_t source = 0;  // index into nodes
  size_t target = 0;
  uint64_t users = 0;
};
struct PathSankey {
  std::vector<SankeyNode> nodes;  // by step, then users (most first), then code
  std::vector<SankeyLink> links;  // by source, then target
};
PathSankey SankeyOfPaths(const PathReport& report, PathAnchor anchor);

}  // namespace growthlens
