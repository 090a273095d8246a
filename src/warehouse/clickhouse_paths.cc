#include "warehouse/clickhouse_paths.h"

#include <fmt/format.h>

#include <algorithm>

#include "warehouse/clickhouse_behaviour.h"
#include "warehouse/clickhouse_funnels.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

namespace {

/// 1-based positions of `names` among `sorted` (a code of 0: not stored) as a SQL array.
std::string CodesOf(const std::vector<std::string>& names, const std::vector<std::string>& sorted) {
  std::string out = "[";
  for (const std::string& name : names) {
    const auto found = std::lower_bound(sorted.begin(), sorted.end(), name);
    const size_t code = found != sorted.end() && *found == name
                            ? static_cast<size_t>(found - sorted.begin()) + 1
                            : 0;
    out += fmt::format("{}{}", out.size() > 1 ? "," : "", code);
  }
  return out + "]";
}

std::string PathRowsSql(const PathRowsRequest& request, const std::vector<std::string>& sorted) {
  std::string names = "[";
  for (const std::string& name : sorted) names += (names.size() > 1 ? "," : "") + SqlString(name);
  names += "]";
  const std::string kept = request.excluded.empty()
                               ? std::string("all_events")
                               : fmt::format("arrayFilter(t -> NOT has({}, t.3), all_events)",
                                             CodesOf(request.excluded, sorted));
  const size_t reach = request.steps + 1;
  // The path's events and, with a start or end event, the position of its first occurrence
  // (0: none; a name not stored codes as 0, which no event has).
  std::string anchor;
  std::string path;
  if (request.anchor == PathRowsAnchor::kFirstEvent) {
    path = request.whole_tail ? "kept" : fmt::format("arraySlice(kept, 1, {})", reach);
  } else {
    const std::string code = CodesOf({request.anchor_event}, sorted);
    anchor = fmt::format("arrayFirstIndex(t -> t.3 = {}, kept) AS anchor, ",
                         code.substr(1, code.size() - 2));
    if (request.anchor == PathRowsAnchor::kStart)
      path = request.whole_tail
                 ? "arraySlice(kept, anchor, if(anchor = 0, 0, length(kept)))"
                 : fmt::format("arraySlice(kept, anchor, if(anchor = 0, 0, {}))", reach);
    else
      path = request.whole_tail
                 ? "arraySlice(kept, 1, anchor)"
                 : fmt::format(
                       "arraySlice(kept, greatest(1, toInt64(anchor) - {}), if(anchor = 0, 0, "
                       "least(anchor, {})))",
                       request.steps, reach);
  }
  // The innermost query sorts each user's events (ties by name: codes are in name order); the
  // next keeps the path's reach, or the user's first event when there is no path.
  return fmt::format(
      "SELECT user, arrayMap(t -> t.1, p), arrayMap(t -> t.2, p), arrayMap(t -> t.3, p) FROM "
      "(SELECT user, {0} AS kept, {1}{2} AS path, "
      "if(empty(path), arraySlice(all_events, 1, 1), path) AS p FROM "
      "(SELECT user, arraySort(groupArray((toUInt16(day), toUInt32(ms_of_day), "
      "indexOf({3}, toString(event))))) AS all_events FROM {4} WHERE user != '' AND {5} "
      "GROUP BY user)) FORMAT TabSeparated",
      kept, anchor, path, names, TableOf(DataKind::kEvents),
      WindowCondition(DataKind::kEvents, request.window));
}

}  // namespace

Result<PathRows> QueryPathRows(ClickHouseClient& client, const PathRowsRequest& request) {
  Result<StringDictionary> stored = QueryEventNames(client, DataKind::kEvents);
  if (!stored.ok()) return stored.status();
  std::vector<std::string> sorted;
  for (uint32_t code = 0; code < stored->size(); ++code) sorted.emplace_back((*stored)[code]);
  std::sort(sorted.begin(), sorted.end());
  PathRows rows;
  Result<DaySpan> span = QueryDaySpan(client, DataKind::kEvents);
  if (!span.ok()) return span.status();
  std::vector<uint16_t> day_items;
  std::vector<uint32_t> ms_items, codes;
  const auto restart = [&] {
    rows.log = UsageLog();
    rows.log.grain = UsageGrain::kEvent;
    for (const std::string& name : sorted) rows.log.features.Intern(name);
    rows.events_read = 0;
    rows.first_day = span->first;
    rows.last_day = span->last;
  };
  restart();
  const auto on_line = [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 4, "a user's path events"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[1], day_items, "the events' days"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[2], ms_items, "the events' times"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[3], codes, "the events' names"));
    if (day_items.size() != ms_items.size() || day_items.size() != codes.size())
      return Status(ErrorCode::kParseError,
                    "ClickHouse answered a user's path events as arrays of unequal lengths");
    UsageLog& log = rows.log;
    const uint32_t user = log.users.Intern(UnescapeTsv(fields[0]));
    for (size_t idx = 0; idx < codes.size(); ++idx) {
      if (codes[idx] == 0 || codes[idx] > sorted.size())
        return Status(ErrorCode::kParseError,
                      fmt::format("ClickHouse answered event code {} for {} event names",
                                  codes[idx], sorted.size()));
      log.usage.user.push_back(user);
      log.usage.day.push_back(Day{day_items[idx]});
      log.usage.ms_of_day.push_back(static_cast<int32_t>(ms_items[idx]));
      log.usage.feature.push_back(static_cast<uint16_t>(codes[idx] - 1));
    }
    rows.events_read += codes.size();
    return Status::Ok();
  };
  GROWTHLENS_RETURN_IF_ERROR(client.QueryLines(PathRowsSql(request, sorted), on_line, restart));
  rows.log.user_signup.assign(rows.log.users.size(), kNoDay);
  return rows;
}

}  // namespace growthlens::warehouse
