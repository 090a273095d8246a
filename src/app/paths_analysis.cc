#include "app/paths_analysis.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/date_params.h"
#include "app/event_names.h"
#include "app/table_view.h"
#include "metrics/paths.h"

namespace growthlens::app {

namespace {

/// Longest gap accepted: a year, in minutes.
constexpr int64_t kMaxGapMinutes = 525'600;
/// Most paths listed.
constexpr int64_t kMaxTopPaths = 1'000;
/// Most events excluded at once.
constexpr size_t kMaxExcluded = 100;
/// A Sankey node below the minimum share is folded into this one at its step.
constexpr const char* kOtherName = "(other)";

struct PathsParams {
  std::optional<Day> from;
  std::optional<Day> to;
  std::string start;
  std::string end;
  int64_t steps = 4;
  double min_share = 0.01;
  bool collapse_repeats = false;
  int64_t top = 20;
  std::vector<std::string> exclude;  // event names
  int64_t max_gap_minutes = 0;
};

struct ShownPath {
  std::vector<std::string> events;
  uint64_t users = 0;
};

struct PathsResult {
  PathAnchor anchor = PathAnchor::kFirstEvent;
  std::string anchor_event;
  PathsParams params;
  std::optional<DayRange> data;
  DateWindow window;
  uint64_t users = 0;
  uint64_t anchored = 0;
  uint64_t distinct = 0;
  std::vector<ShownPath> paths;  // the top paths at or above the minimum share
  uint64_t other_users = 0;      // users on the other paths
  uint64_t other_paths = 0;
  struct Node {
    int32_t step;
    std::string event;
    uint64_t users;
  };
  struct Link {
    size_t source, target;
    uint64_t users;
  };
  std::vector<Node> nodes;
  std::vector<Link> links;
};

Status CheckPathsParams(const PathsParams& params, Naming naming) {
  GROWTHLENS_RETURN_IF_ERROR(CheckWindowParams(params, naming));
  if (!params.start.empty() && !params.end.empty())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} and {}: give one of them (paths after a start event, or paths "
                              "before an end event), not both",
                              ShownName("start", naming), ShownName("end", naming)));
  const std::vector<std::string>& excluded = params.exclude;
  if (excluded.size() > kMaxExcluded)
    return BadValue("exclude", naming, fmt::format("{}", fmt::join(excluded, ",")),
                    fmt::format("at most {} event names", kMaxExcluded));
  const std::string& anchor = params.start.empty() ? params.end : params.start;
  if (!anchor.empty() && std::find(excluded.begin(), excluded.end(), anchor) != excluded.end())
    return BadValue("exclude", naming, anchor,
                    fmt::format("the {} event '{}' cannot be excluded",
                                params.start.empty() ? "end" : "start", anchor));
  return Status::Ok();
}

Result<PathsResult> RunPaths(const CleanedData& data, const PathsParams& params,
                             RunContext& context) {
  GROWTHLENS_RETURN_IF_ERROR(CheckPathsParams(params, context.naming));
  PathsResult result;
  result.params = params;
  result.window = DateWindow{params.from, params.to};
  result.data = DaysWithRows(data.dataset, context.analysis.get());
  const std::shared_ptr<const Dataset> windowed = RowsOfWindow(data.dataset, result.window);
  const Dataset& dataset = windowed ? *windowed : data.dataset;
  const UsageLog* log = dataset.As<UsageLog>();
  if (log == nullptr || log->grain != UsageGrain::kEvent)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} log, and paths need an event log (one row per event "
                              "with its time): read it with --kind events, or pick the event "
                              "data (dataset=events)",
                              context.source, DataKindName(dataset.kind())));
  PathOptions options;
  options.steps = static_cast<size_t>(params.steps);
  options.collapse_repeats = params.collapse_repeats;
  options.max_gap_ms = params.max_gap_minutes * 60'000;
  options.threads = context.threads;
  if (!params.start.empty() || !params.end.empty()) {
    const bool start = !params.start.empty();
    options.anchor = start ? PathAnchor::kStart : PathAnchor::kEnd;
    result.anchor_event = start ? params.start : params.end;
    Result<uint16_t> code = EventCodeOf(*log, start ? "start" : "end", result.anchor_event,
                                        context.naming, context.source);
    if (!code.ok()) return code.status();
    options.anchor_event = *code;
  }
  result.anchor = options.anchor;
  options.excluded.assign(log->features.size(), false);
  for (const std::string& name : params.exclude) {
    Result<uint16_t> code = EventCodeOf(*log, "exclude", name, context.naming, context.source);
    if (!code.ok()) return code.status();
    options.excluded[*code] = true;
  }
  const PathReport report = ComputePaths(*log, options);
  result.users = report.users;
  result.anchored = report.anchored;
  result.distinct = report.paths.size();
  const auto names_of = [&](const std::vector<uint16_t>& events) {
    std::vector<std::string> names;
    for (const uint16_t event : events) names.emplace_back(log->features[event]);
    return names;
  };
  std::vector<ShownPath> all;
  all.reserve(report.paths.size());
  for (const PathCount& path : report.paths) all.push_back({names_of(path.events), path.users});
  // Most users first, ties by the events' names: the same order whatever the codes.
  std::sort(all.begin(), all.end(), [](const ShownPath& left, const ShownPath& right) {
    if (left.users != right.users) return left.users > right.users;
    return left.events < right.events;
  });
  // A path is shown when its share reaches the minimum, the first `top` of them.
  const auto shown = [&](uint64_t users) {
    return static_cast<double>(users) >= params.min_share * static_cast<double>(result.anchored);
  };
  for (ShownPath& path : all) {
    if (shown(path.users) && result.paths.size() < static_cast<size_t>(params.top)) {
      result.paths.push_back(std::move(path));
    } else {
      result.other_users += path.users;
      ++result.other_paths;
    }
  }
  // The Sankey diagram: nodes below the minimum share folded into "(other)" at their step.
  const PathSankey sankey = SankeyOfPaths(report, options.anchor);
  std::map<std::pair<int32_t, std::string>, uint64_t> nodes;
  std::map<std::pair<std::pair<int32_t, std::string>, std::string>, uint64_t> links;
  const auto node_name = [&](const SankeyNode& node) {
    return shown(node.users) ? std::string(log->features[node.event]) : std::string(kOtherName);
  };
  for (const SankeyNode& node : sankey.nodes) nodes[{node.step, node_name(node)}] += node.users;
  for (const SankeyLink& link : sankey.links) {
    const SankeyNode& source = sankey.nodes[link.source];
    const SankeyNode& target = sankey.nodes[link.target];
    links[{{source.step, node_name(source)}, node_name(target)}] += link.users;
  }
  std::map<std::pair<int32_t, std::string>, size_t> index;
  for (const auto& [node, users] : nodes) {
    index[node] = result.nodes.size();
    result.nodes.push_back({node.first, node.second, users});
  }
  for (const auto& [link, users] : links)
    result.links.push_back(
        {index.at(link.first), index.at({link.first.first + 1, link.second}), users});
  return result;
}

double ShareOf(uint64_t users, uint64_t of) {
  return Ratio(static_cast<double>(users), static_cast<double>(of));
}

/// "A > B > C" (ASCII: the table pads by bytes).
std::string PathText(const std::vector<std::string>& events) {
  std::string text;
  for (size_t idx = 0; idx < events.size(); ++idx) text += (idx == 0 ? "" : " → ") + events[idx];
  return text;
}

/// The shown paths, then "other" when some users are on other paths.
View PathsView(const PathsResult& result) {
  View view;
  view.columns = {{"rank", "#"},
                  {"path", "Path", Align::kLeft},
                  {"steps", "Steps"},
                  {"users", "Users"},
                  {"share", "Share"}};
  const bool other = result.other_users > 0;
  view.rows = result.paths.size() + (other ? 1 : 0);
  view.row = [&result](size_t row, std::vector<Cell>& cells) {
    if (row == result.paths.size()) {
      cells = {Cell::Empty(), Cell::Text(fmt::format("other ({} paths)", result.other_paths)),
               Cell::Empty(), Cell::Integer(static_cast<int64_t>(result.other_users)),
               Cell::Percent(ShareOf(result.other_users, result.anchored))};
      return;
    }
    const ShownPath& path = result.paths[row];
    cells = {Cell::Integer(static_cast<int64_t>(row + 1)), Cell::Text(PathText(path.events)),
             Cell::Integer(static_cast<int64_t>(path.events.size()) - 1),
             Cell::Integer(static_cast<int64_t>(path.users)),
             Cell::Percent(ShareOf(path.users, result.anchored))};
  };
  return view;
}

const char* AnchorName(PathAnchor anchor) {
  switch (anchor) {
    case PathAnchor::kStart:
      return "start";
    case PathAnchor::kEnd:
      return "end";
    case PathAnchor::kFirstEvent:
      break;
  }
  return "first-event";
}

std::string PathsJson(const PathsResult& result) {
  JsonDocument json;
  json.Set("anchor", AnchorName(result.anchor));
  json.Set("anchor_event", result.anchor_event);
  json.Set("steps", result.params.steps);
  json.Set("collapse_repeats", result.params.collapse_repeats);
  json.Set("min_share", result.params.min_share);
  json.Set("max_gap_minutes", result.params.max_gap_minutes);
  json.Set("exclude", result.params.exclude);
  json.Set("window", WindowJson(result.data, result.window));
  json.Set("users", result.users);
  json.Set("users_with_path", result.anchored);
  json.Set("distinct_paths", result.distinct);
  std::vector<nlohmann::ordered_json> paths;
  for (const ShownPath& path : result.paths)
    paths.push_back({{"events", path.events},
                     {"users", path.users},
                     {"share", ShareOf(path.users, result.anchored)}});
  json.SetList("paths", paths);
  json.Set("other", {{"paths", result.other_paths},
                     {"users", result.other_users},
                     {"share", ShareOf(result.other_users, result.anchored)}});
  std::vector<nlohmann::ordered_json> nodes, links;
  for (const PathsResult::Node& node : result.nodes)
    nodes.push_back({{"step", node.step}, {"event", node.event}, {"users", node.users}});
  for (const PathsResult::Link& link : result.links)
    links.push_back({{"source", link.source}, {"target", link.target}, {"users", link.users}});
  json.Set("sankey", {{"nodes", nodes}, {"links", links}});
  return json.Render();
}

std::string PathsCsv(const PathsResult& result) {
  return RenderCsv(PathsView(result));
}

std::string PathsTableText(const PathsResult& result) {
  const std::string from =
      result.anchor == PathAnchor::kFirstEvent
          ? std::string("from each user's first event")
          : fmt::format("{} the first '{}'",
                        result.anchor == PathAnchor::kStart ? "after" : "before",
                        result.anchor_event);
  std::string out = fmt::format(
      "Paths of up to {} steps {}{}: {} of {} users, {} distinct paths; shown: the top {} with "
      "at least {} of users\n\n",
      result.params.steps, from, result.params.collapse_repeats ? ", repeats collapsed" : "",
      WithThousands(result.anchored), WithThousands(result.users), WithThousands(result.distinct),
      result.params.top, Cell::Percent(result.params.min_share).TableText());
  return out + RenderTable(PathsView(result));
}

}  // namespace

AnalysisEntry PathsAnalysis() {
  AnalysisEntry entry = MakeEntry(
      AnalysisInfo("paths", DataNeed::kUsage,
                   "Paths: the most frequent sequences of events after a start event or before "
                   "an end event, with users, shares and a Sankey diagram's nodes and links",
                   "Paths through an event log: for each user, the events after their first "
                   "start event (--start), before their first end event (--end) or from their "
                   "first event, up to --steps steps; the most frequent sequences with the "
                   "users who took each and their share, the rest as 'other', and (JSON) the "
                   "Sankey diagram's nodes (step x event) and links. Definitions in "
                   "docs/ANALYTICS.md."),
      TypedAnalysis<PathsParams, PathsResult>{
          {
              {FromParamSpec(), &PathsParams::from},
              {ToParamSpec(), &PathsParams::to},
              {StringParam("start", "Paths after each user's first occurrence of this event"),
               &PathsParams::start},
              {StringParam("end", "Paths before each user's first occurrence of this event"),
               &PathsParams::end},
              {IntParam("steps", 4, 1, static_cast<int64_t>(kMaxPathSteps),
                        "Events after the start event (before the end event) a path shows"),
               &PathsParams::steps},
              {DoubleParam("min-share", 0.01, 0, 1,
                           "Paths (and Sankey nodes) with a smaller share of users are counted "
                           "as other"),
               &PathsParams::min_share},
              {BoolParam("collapse-repeats",
                         "Count repeats of an event in a row once (A, A, B is A, B)"),
               &PathsParams::collapse_repeats},
              {IntParam("top", 20, 1, kMaxTopPaths, "Most paths listed"), &PathsParams::top},
              {ListParam("exclude", {}, "Events left out of the paths, comma-separated names"),
               &PathsParams::exclude},
              {IntParam("max-gap", 0, 0, kMaxGapMinutes,
                        "A path ends at a gap longer than this many minutes between two events "
                        "(a session's end); 0: no limit"),
               &PathsParams::max_gap_minutes},
          },
          CheckPathsParams,
          RunPaths,
          PathsJson,
          PathsCsv,
          PathsTableText});
  entry.reads_kind = DataKind::kEvents;
  return entry;
}

}  // namespace growthlens::app
