#include "warehouse/clickhouse_behaviour.h"

#include <fmt/format.h>

#include <vector>

#include "warehouse/clickhouse_rollups.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

namespace {

/// The condition of a row being `event` (any row when "").
std::string IsEvent(DataKind kind, const std::string& event) {
  if (event.empty()) return "toUInt8(1)";
  return fmt::format("toString({}) = {}", FeatureColumnOf(kind), SqlString(event));
}

}  // namespace

Status QueryBehaviourDays(ClickHouseClient& client, const BehaviourDaysRequest& request,
                          const std::function<Status(std::string_view user, Day first_start,
                                                     std::span<const Day> return_days)>& on_user) {
  const std::string sql = fmt::format(
      "SELECT user, toUInt16(minIf(day, is_start)), "
      "arraySort(groupUniqArrayIf(toUInt16(day), is_return)) FROM (SELECT user, day, {} AS "
      "is_start, {} AS is_return FROM {} WHERE user != '') GROUP BY user HAVING "
      "countIf(is_start) > 0 FORMAT TabSeparated",
      IsEvent(request.kind, request.start_event), IsEvent(request.kind, request.return_event),
      TableOf(request.kind));
  std::vector<uint16_t> raw;
  std::vector<Day> days;
  return client.QueryLines(sql, [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 3, "a user's start and return days"));
    uint16_t first = 0;
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], first, "a first start day"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[2], raw, "a user's return days"));
    days.assign(raw.begin(), raw.end());  // toUInt16 of a Date: days since 1970
    return on_user(UnescapeTsv(fields[0]), Day{first}, days);
  });
}

Result<DaySpan> QueryDaySpan(ClickHouseClient& client, DataKind kind) {
  Result<std::string> answer = client.Query(
      fmt::format("SELECT toUInt16(min(day)), toUInt16(max(day)) FROM {}", TableOf(kind)));
  if (!answer.ok()) return answer.status();
  const std::vector<std::string_view> fields =
      TsvFields(std::string_view(*answer).substr(0, answer->find('\n')));
  GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 2, "the first and last day"));
  uint16_t first = 0, last = 0;
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[0], first, "the first day"));
  GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], last, "the last day"));
  return DaySpan{Day{first}, Day{last}};
}

}  // namespace growthlens::warehouse
