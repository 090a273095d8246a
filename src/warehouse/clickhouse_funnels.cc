#include "warehouse/clickhouse_funnels.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "warehouse/clickhouse_rollups.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

namespace {

/// ['a','b'] as a SQL array literal; never empty (an empty literal has no type on 18.16).
std::string StringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t idx = 0; idx < items.size(); ++idx) {
    if (idx > 0) out += ',';
    out += SqlString(items[idx]);
  }
  return out + "]";
}

std::vector<std::string> NamesOf(const StringDictionary& names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (uint32_t code = 0; code < names.size(); ++code) out.emplace_back(names[code]);
  return out;
}

/// The query: per user with a listed event, the first active day, the signup day (0: none),
/// and the kept events' days, milliseconds and codes (1-based positions in `names`).
std::string FunnelRowsSql(const FunnelRowsRequest& request, const StringDictionary& names) {
  const std::string name = fmt::format("toString({})", FeatureColumnOf(request.kind));
  const std::string ms = request.kind == DataKind::kEvents ? "toUInt32(ms_of_day)" : "toUInt32(0)";
  const std::string signup =
      request.signup_events.empty()
          ? "toUInt8(0)"
          : fmt::format("has({}, {})", StringArray(request.signup_events), name);
  // Every event is kept only of the users with a listed one: the others' arrays would be built
  // before HAVING drops them (GLOBAL: on a Distributed table the users are found once and sent to
  // every shard; on one table it is a plain IN).
  const std::string users_with_a_step =
      request.every_event
          ? fmt::format(" WHERE user GLOBAL IN (SELECT user FROM {} WHERE has({}, {}))",
                        TableOf(request.kind), StringArray(request.listed), name)
          : std::string();
  return fmt::format(
      "SELECT user, toUInt16(min(day)), toUInt16(minIf(day, is_signup)), "
      "groupArrayIf(toUInt16(day), kept), groupArrayIf(ms, kept), groupArrayIf(code, kept) "
      "FROM (SELECT user, day, {0} AS ms, indexOf({1}, {2}) AS code, has({3}, {2}) AS listed, "
      "{4} AS kept, {5} AS is_signup FROM {6}{7}) "
      "GROUP BY user HAVING countIf(listed) > 0 FORMAT TabSeparated",
      ms, StringArray(NamesOf(names)), name, StringArray(request.listed),
      request.every_event ? "toUInt8(1)" : "listed", signup, TableOf(request.kind),
      users_with_a_step);
}

}  // namespace

Result<StringDictionary> QueryEventNames(ClickHouseClient& client, DataKind kind) {
  StringDictionary names;
  GROWTHLENS_RETURN_IF_ERROR(client.QueryLines(
      fmt::format("SELECT DISTINCT toString({}) FROM {} FORMAT TabSeparated", FeatureColumnOf(kind),
                  TableOf(kind)),
      [&](std::string_view line) {
        names.Intern(UnescapeTsv(line));
        return Status::Ok();
      },
      [&] { names = StringDictionary(); }));
  if (names.size() > 65535)
    return Status(ErrorCode::kDataError,
                  fmt::format("ClickHouse workspace {} holds {} event names: a funnel reads at "
                              "most 65,535",
                              client.endpoint().Display(), names.size()));
  return names;
}

Result<FunnelRows> QueryFunnelRows(ClickHouseClient& client, const FunnelRowsRequest& request,
                                   const StringDictionary& names) {
  FunnelRows rows;
  UsageLog& log = rows.log;
  std::vector<uint16_t> days;
  std::vector<uint32_t> ms;
  std::vector<uint32_t> codes;
  std::vector<uint32_t> order;
  const auto add_user = [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 6, "a user's funnel events"));
    uint16_t first_day = 0, signup_day = 0;
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], first_day, "a first day"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], signup_day, "a signup day"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[3], days, "the events' days"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[4], ms, "the events' times"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[5], codes, "the events' names"));
    if (days.size() != ms.size() || days.size() != codes.size())
      return Status(ErrorCode::kParseError,
                    "ClickHouse answered a user's funnel events as arrays of unequal lengths");
    const uint32_t user = log.users.Intern(UnescapeTsv(fields[0]));
    // minIf over no signup event gives 1970-01-01 (0), a day no stored event has.
    log.user_signup.push_back(signup_day != 0 ? Day{signup_day} : Day{first_day});
    // Time order; events of the same millisecond by name (the source's row order, which the
    // embedded workspace keeps for ties, is not stored in ClickHouse).
    for (const uint32_t code : codes)
      if (code == 0 || code > names.size())
        return Status(ErrorCode::kParseError,
                      fmt::format("ClickHouse answered event code {} for {} event names", code,
                                  names.size()));
    order.resize(days.size());
    std::iota(order.begin(), order.end(), 0U);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      if (days[a] != days[b]) return days[a] < days[b];
      if (ms[a] != ms[b]) return ms[a] < ms[b];
      return names[codes[a] - 1] < names[codes[b] - 1];
    });
    for (const uint32_t idx : order) {
      log.usage.user.push_back(user);
      log.usage.day.push_back(Day{days[idx]});
      log.usage.feature.push_back(static_cast<uint16_t>(codes[idx] - 1));
      if (request.kind == DataKind::kEvents)
        log.usage.ms_of_day.push_back(static_cast<int32_t>(ms[idx]));
    }
    rows.events_read += days.size();
    return Status::Ok();
  };
  const auto restart = [&] {
    rows = FunnelRows();
    log.grain = request.kind == DataKind::kEvents ? UsageGrain::kEvent : UsageGrain::kDay;
    log.features = names;
  };
  restart();
  GROWTHLENS_RETURN_IF_ERROR(client.QueryLines(FunnelRowsSql(request, names), add_user, restart));
  return rows;
}

}  // namespace growthlens::warehouse
