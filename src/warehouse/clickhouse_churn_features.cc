#include "warehouse/clickhouse_churn_features.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "warehouse/clickhouse_rollups.h"
#include "warehouse/clickhouse_tsv.h"

namespace growthlens::warehouse {

namespace {

/// Days as numbers since 1970 compared with numbers: no Date literal, so a cutoff or a window
/// start before 1970 needs no special case.
std::string ChurnRollupSql(const ChurnRollupRequest& request) {
  const Day cutoff = request.cutoff, label_end = request.cutoff + request.horizon;
  std::string shares;
  for (const std::string& feature : request.shares)
    shares += fmt::format(", sumIf(n, d < {} AND f = {})", cutoff, SqlString(feature));
  const std::string after = request.active_feature.empty()
                                ? fmt::format("d >= {} AND d < {}", cutoff, label_end)
                                : fmt::format("d >= {} AND d < {} AND f = {}", cutoff, label_end,
                                              SqlString(request.active_feature));
  const std::string population =
      request.active_within > 0
          ? fmt::format(" AND maxIf(d, d < {}) >= {}", cutoff, cutoff - request.active_within)
          : std::string();
  return fmt::format(
      "SELECT user, arraySort(groupUniqArrayIf(d, d < {0})), sumIf(n, d < {0}), "
      "uniqExactIf(f, d < {0}){1}, countIf({2}) > 0 FROM (SELECT user, "
      "toInt32(toUInt16(day)) AS d, toString({3}) AS f, toInt64(events) AS n FROM {4} "
      "WHERE toInt32(toUInt16(day)) < {5}) GROUP BY user HAVING countIf(d < {0}) > 0{6} "
      "ORDER BY user FORMAT TabSeparated",
      cutoff, shares, after, FeatureColumnOf(request.kind), TableOf(request.kind), label_end,
      population);
}

}  // namespace

Result<ChurnRollups> QueryChurnRollups(ClickHouseClient& client, const ChurnRollupRequest& request,
                                       StringDictionary& users) {
  ChurnRollups rollups;
  const size_t shares = request.shares.size();
  std::vector<Day> days;
  const auto add_user = [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 5 + shares, "a user's churn rollups"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[1], days, "a user's active days"));
    int64_t events = 0, breadth = 0, active_after = 0;
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[2], events, "a user's events"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[3], breadth, "a user's features"));
    for (size_t idx = 0; idx < shares; ++idx) {
      int64_t share = 0;
      GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[4 + idx], share, "a feature's events"));
      rollups.share_events.push_back(share);
    }
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[4 + shares], active_after, "a label"));
    rollups.user.push_back(users.Intern(UnescapeTsv(fields[0])));
    rollups.days.insert(rollups.days.end(), days.begin(), days.end());
    rollups.day_offsets.push_back(rollups.days.size());
    rollups.events.push_back(events);
    rollups.breadth.push_back(breadth);
    rollups.active_after.push_back(active_after != 0 ? 1 : 0);
    return Status::Ok();
  };
  // A broken answer is read again from its first line (users keep their codes).
  GROWTHLENS_RETURN_IF_ERROR(
      client.QueryLines(ChurnRollupSql(request), add_user, [&] { rollups = ChurnRollups{}; }));
  return rollups;
}

Result<std::vector<std::pair<std::string, int64_t>>> QueryFeatureEvents(ClickHouseClient& client,
                                                                        DataKind kind) {
  std::vector<std::pair<std::string, int64_t>> features;
  const auto add_feature = [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 2, "a feature's events"));
    int64_t events = 0;
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumber(fields[1], events, "a feature's events"));
    features.emplace_back(UnescapeTsv(fields[0]), events);
    return Status::Ok();
  };
  GROWTHLENS_RETURN_IF_ERROR(client.QueryLines(
      fmt::format("SELECT toString({0}) AS f, sum(toInt64(events)) FROM {1} GROUP BY f ORDER BY f "
                  "FORMAT TabSeparated",
                  FeatureColumnOf(kind), TableOf(kind)),
      add_feature));
  return features;
}

Result<CustomerDays> QueryCustomerDays(ClickHouseClient& client) {
  CustomerDays out;
  std::vector<uint16_t> days;
  std::vector<double> totals;
  std::vector<size_t> order;
  const auto add_customer = [&](std::string_view line) -> Status {
    const std::vector<std::string_view> fields = TsvFields(line);
    GROWTHLENS_RETURN_IF_ERROR(ExpectTsvFields(fields, 3, "a customer's purchase days"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[1], days, "a customer's days"));
    GROWTHLENS_RETURN_IF_ERROR(ParseTsvNumberArray(fields[2], totals, "a customer's day totals"));
    if (days.size() != totals.size())
      return Status(ErrorCode::kParseError, "ClickHouse answered purchase days of unequal arrays");
    order.resize(days.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return days[a] < days[b]; });
    out.customers.Intern(UnescapeTsv(fields[0]));
    for (const size_t idx : order) {
      out.days.push_back(days[idx]);
      out.totals.push_back(totals[idx]);
    }
    out.offsets.push_back(out.days.size());
    return Status::Ok();
  };
  GROWTHLENS_RETURN_IF_ERROR(client.QueryLines(
      fmt::format("SELECT customer, groupArray(d), groupArray(total) FROM (SELECT customer, "
                  "toUInt16(toDate(time)) AS d, sum(quantity * price) AS total FROM {} WHERE "
                  "customer != '' GROUP BY customer, d) GROUP BY customer ORDER BY customer "
                  "FORMAT TabSeparated",
                  TableOf(DataKind::kTransactions)),
      add_customer, [&] { out = CustomerDays{}; }));
  return out;
}

}  // namespace growthlens::warehouse
