#include "app/clickhouse_churn.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "app/clickhouse_connection.h"
#include "app/clickhouse_stand_in.h"

#include "warehouse/clickhouse_churn_features.h"
#include "warehouse/clickhouse_rollups.h"

namespace growthlens::app {

Result<std::shared_ptr<ClickHouseChurnData>> ClickHouseChurnData::Open(
    const warehouse::ClickHouseEndpoint& endpoint, const StoredKindChoice& choice,
    ProgressFn progress) {
  Result<StoredKindConnection> connection =
      ConnectToStoredKind(endpoint, choice, std::nullopt, progress);
  if (!connection.ok()) return connection.status();
  const DataKind kind = connection->kind;
  if (kind == DataKind::kTransactions)
    return Status(ErrorCode::kInvalidArgument,
                  "churn of transactions does not run on a ClickHouse workspace yet (their "
                  "per-user money sums and last country are not pushed down); churn of usage "
                  "and event logs does (docs/CLICKHOUSE.md)");
  if (progress)
    progress(fmt::format("churn features of the {} of {} from ClickHouse {}", DataKindName(kind),
                         endpoint.Display(), connection->client.version()));
  return std::make_shared<ClickHouseChurnData>(std::move(connection->client), kind,
                                               std::move(progress));
}

ChurnTableSource ClickHouseChurnData::Tables() {
  std::shared_ptr<ClickHouseChurnData> self = shared_from_this();
  ChurnTableSource tables;
  tables.last_day = [self] { return self->LastDay(); };
  tables.spec = [self](size_t max_shares, size_t) { return self->Spec(max_shares); };
  tables.table = [self](const ml::ChurnFeatureSpec& spec, const ml::ChurnTableOptions& options) {
    return self->Table(spec, options);
  };
  return tables;
}

std::shared_ptr<const Dataset> ClickHouseChurnData::Users() const {
  return std::make_shared<const Dataset>(StandInUsage(kind_, users_, {}));
}

Result<Day> ClickHouseChurnData::LastDay() {
  if (!last_day_) {
    Result<warehouse::KindTotals> totals = warehouse::QueryKindTotals(client_, kind_);
    if (!totals.ok()) return totals.status();
    if (totals->rows == 0) return Status(ErrorCode::kInvalidArgument, "churn: the data is empty");
    last_day_ = totals->last_day;
  }
  return *last_day_;
}

Status ClickHouseChurnData::LoadFeatureEvents() {
  if (feature_events_) return Status::Ok();
  Result<std::vector<std::pair<std::string, int64_t>>> features =
      warehouse::QueryFeatureEvents(client_, kind_);
  if (!features.ok()) return features.status();
  feature_events_ = std::move(features).value();
  return Status::Ok();
}

Result<ml::ChurnFeatureSpec> ClickHouseChurnData::Spec(size_t max_shares) {
  GROWTHLENS_RETURN_IF_ERROR(LoadFeatureEvents());
  // As ml::ChurnSpecFor: the most used features by events; ties by name (ClickHouse does not keep
  // the file's order, which the embedded engine breaks ties by).
  const auto& features = *feature_events_;
  std::vector<size_t> order(features.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return features[a].second > features[b].second; });
  ml::ChurnFeatureSpec spec;
  spec.kind = kind_;
  for (const size_t idx : order) {
    if (spec.feature_shares.size() == max_shares || features[idx].second == 0) break;
    spec.feature_shares.push_back(features[idx].first);
  }
  return spec;
}

Result<ml::ChurnTable> ClickHouseChurnData::Table(const ml::ChurnFeatureSpec& spec,
                                                  const ml::ChurnTableOptions& options) {
  // The checks and messages of ml::BuildChurnTable.
  if (IsUsageKind(spec.kind) != IsUsageKind(kind_))
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("the model was trained on {} data, this is {} data: its features "
                              "do not match",
                              DataKindName(spec.kind), DataKindName(kind_)));
  if (options.cutoff == kNoDay)
    return Status(ErrorCode::kInvalidArgument, "churn table: no cutoff day given");
  if (options.horizon < 1)
    return Status(ErrorCode::kInvalidArgument, "--horizon: expected at least 1 day");
  Result<Day> last_day = options.last_day ? Result<Day>(*options.last_day) : Result<Day>(LastDay());
  if (!last_day.ok()) return last_day.status();
  const bool labelled = *last_day >= options.cutoff + options.horizon - 1;
  GROWTHLENS_RETURN_IF_ERROR(LoadFeatureEvents());
  const auto known = [&](const std::string& name) {
    return std::any_of(feature_events_->begin(), feature_events_->end(),
                       [&](const auto& feature) { return feature.first == name; });
  };
  for (const std::string& name : spec.feature_shares)
    if (!known(name))
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("the model's feature '{}' is not in this data: its features do "
                                "not match (train a model on this data)",
                                name));
  if (!options.active_feature.empty() && !known(options.active_feature))
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("--active-feature '{}': no such feature in the data", options.active_feature));
  if (progress_)
    progress_(
        fmt::format("per-user churn rollups at {} in ClickHouse", FormatDate(options.cutoff)));
  Result<warehouse::ChurnRollups> rollups = warehouse::QueryChurnRollups(
      client_,
      warehouse::ChurnRollupRequest{kind_, options.cutoff, options.horizon, options.active_within,
                                    options.active_feature, spec.feature_shares},
      users_);
  if (!rollups.ok()) return rollups.status();
  // Rows in user id order, as the embedded table orders them.
  std::vector<size_t> order(rollups->user.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return users_[rollups->user[a]] < users_[rollups->user[b]];
  });
  ml::ChurnTable table;
  table.names = spec.Names();
  table.cutoff = options.cutoff;
  table.horizon = options.horizon;
  table.x = ml::FeatureMatrix(order.size(), table.names.size());
  const size_t shares = spec.feature_shares.size();
  for (size_t row = 0; row < order.size(); ++row) {
    const size_t idx = order[row];
    const size_t first = rollups->day_offsets[idx], end = rollups->day_offsets[idx + 1];
    ml::FillUsageChurnRow(
        ml::UsageChurnTotals{
            std::span<const Day>(rollups->days.data() + first, end - first), rollups->events[idx],
            rollups->breadth[idx],
            std::span<const int64_t>(rollups->share_events.data() + idx * shares, shares)},
        options.cutoff, table.x.row(row));
    table.users.push_back(rollups->user[idx]);
    if (labelled) table.churned.push_back(rollups->active_after[idx] ? 0 : 1);
  }
  if (table.users.empty())
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("cutoff {}: no user was active in the {} days before it",
                              FormatDate(options.cutoff), options.active_within));
  return table;
}

}  // namespace growthlens::app
