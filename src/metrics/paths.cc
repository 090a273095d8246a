#include "metrics/paths.h"

#include <algorithm>
#include <array>
#include <map>

#include "metrics/user_event_order.h"

namespace growthlens {

namespace {

/// A user's path: up to the anchor and kMaxPathSteps steps, in time order. length 0: none.
struct PathKey {
  uint8_t length = 0;
  std::array<uint16_t, kMaxPathSteps + 1> events{};

  std::span<const uint16_t> Events() const { return {events.data(), length}; }
  bool operator<(const PathKey& other) const {
    return std::lexicographical_compare(events.begin(), events.begin() + length,
                                        other.events.begin(), other.events.begin() + other.length);
  }
  bool operator==(const PathKey& other) const {
    return std::equal(events.begin(), events.begin() + length, other.events.begin(),
                      other.events.begin() + other.length);
  }
};

bool Excluded(const PathOptions& options, uint16_t event) {
  return event < options.excluded.size() && options.excluded[event];
}

/// The path of one user's rows (in time order), or an empty key when the anchor is missing.
PathKey PathOfUser(const UsageLog& log, const EventRows& rows, const PathOptions& options) {
  PathKey key;
  const auto feature = [&log](uint32_t row) { return log.usage.feature[row]; };
  size_t anchor = rows.size();
  for (size_t idx = 0; idx < rows.size(); ++idx) {
    const uint16_t event = feature(rows[idx]);
    if (options.anchor == PathAnchor::kFirstEvent ? !Excluded(options, event)
                                                  : event == options.anchor_event) {
      anchor = idx;
      break;
    }
  }
  if (anchor == rows.size()) return key;
  const bool forward = options.anchor != PathAnchor::kEnd;
  key.events[0] = feature(rows[anchor]);
  key.length = 1;
  int64_t previous_time = EventTimeMs(log, rows[anchor]);
  const size_t wanted = options.steps + 1;
  for (size_t step = 1; step <= (forward ? rows.size() - 1 - anchor : anchor); ++step) {
    const uint32_t row = rows[forward ? anchor + step : anchor - step];
    const uint16_t event = feature(row);
    if (Excluded(options, event)) continue;
    const int64_t time = EventTimeMs(log, row);
    const int64_t gap = forward ? time - previous_time : previous_time - time;
    if (options.max_gap_ms > 0 && gap > options.max_gap_ms) break;
    previous_time = time;
    if (options.collapse_repeats && event == key.events[key.length - 1u]) continue;
    key.events[key.length++] = event;
    if (key.length == wanted) break;
  }
  if (!forward) std::reverse(key.events.begin(), key.events.begin() + key.length);
  return key;
}

}  // namespace

PathReport ComputePaths(const UsageLog& log, const PathOptions& options) {
  PathReport report;
  const UserEventOrder order(log, options.threads);
  report.users = order.groups();
  std::vector<PathKey> keys(order.groups());
  ForEachUserChunk(order.by_user(), options.threads, 0, [&](int&, size_t first, size_t end) {
    for (size_t group = first; group < end; ++group)
      keys[group] = PathOfUser(log, order.Rows(group), options);
  });
  std::erase_if(keys, [](const PathKey& key) { return key.length == 0; });
  report.anchored = keys.size();
  std::sort(keys.begin(), keys.end());
  for (size_t idx = 0; idx < keys.size();) {
    size_t next = idx + 1;
    while (next < keys.size() && keys[next] == keys[idx]) ++next;
    const std::span<const uint16_t> events = keys[idx].Events();
    report.paths.push_back({{events.begin(), events.end()}, next - idx});
    idx = next;
  }
  std::stable_sort(
      report.paths.begin(), report.paths.end(),
      [](const PathCount& left, const PathCount& right) { return left.users > right.users; });
  return report;
}

PathSankey SankeyOfPaths(const PathReport& report, PathAnchor anchor) {
  PathSankey sankey;
  std::map<std::pair<int32_t, uint16_t>, uint64_t> nodes;
  std::map<std::pair<std::pair<int32_t, uint16_t>, uint16_t>, uint64_t> links;
  for (const PathCount& path : report.paths) {
    // End paths are aligned on their end event (step 0), start paths on their start.
    const int32_t first_step =
        anchor == PathAnchor::kEnd ? 1 - static_cast<int32_t>(path.events.size()) : 0;
    for (size_t idx = 0; idx < path.events.size(); ++idx) {
      const int32_t step = first_step + static_cast<int32_t>(idx);
      nodes[{step, path.events[idx]}] += path.users;
      if (idx + 1 < path.events.size())
        links[{{step, path.events[idx]}, path.events[idx + 1]}] += path.users;
    }
  }
  std::map<std::pair<int32_t, uint16_t>, size_t> index;
  for (const auto& [node, users] : nodes) sankey.nodes.push_back({node.first, node.second, users});
  std::stable_sort(sankey.nodes.begin(), sankey.nodes.end(),
                   [](const SankeyNode& left, const SankeyNode& right) {
                     if (left.step != right.step) return left.step < right.step;
                     return left.users > right.users;
                   });
  for (size_t idx = 0; idx < sankey.nodes.size(); ++idx)
    index[{sankey.nodes[idx].step, sankey.nodes[idx].event}] = idx;
  for (const auto& [link, users] : links)
    sankey.links.push_back(
        {index.at(link.first), index.at({link.first.first + 1, link.second}), users});
  std::sort(sankey.links.begin(), sankey.links.end(),
            [](const SankeyLink& left, const SankeyLink& right) {
              return std::pair{left.source, left.target} < std::pair{right.source, right.target};
            });
  return sankey;
}

}  // namespace growthlens
