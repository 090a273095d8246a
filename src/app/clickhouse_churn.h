#pragma once
// Churn prediction on a ClickHouse workspace: the feature tables come from per-user rollups
// ClickHouse computes for each cutoff (warehouse/clickhouse_churn_features.h: one row per user of
// the table's population, never the events), and GrowthLens fills each row with the embedded
// engine's code (ml::FillUsageChurnRow), then trains, evaluates and scores exactly as on a
// workspace file (app/churn_training.h over a ChurnTableSource). Usage and event logs; the
// churn features of transactions are not pushed down yet (refused).
//
//   Result<std::shared_ptr<ClickHouseChurnData>> data = ClickHouseChurnData::Open(endpoint,
//   choice); Result<ChurnTraining> training = TrainChurnModel((*data)->Tables(), options, source);
//   View view = ChurnScoresView(scores, (*data)->Users());  // the users' names

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/churn_training.h"
#include "app/data_source.h"
#include "core/dataset.h"
#include "core/status.h"
#include "warehouse/clickhouse_client.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::app {

class ClickHouseChurnData : public std::enable_shared_from_this<ClickHouseChurnData> {
 public:
  /// Connects and chooses the stored kind (`choice`, as the other analyses do); transactions are
  /// refused with a message saying what runs.
  static Result<std::shared_ptr<ClickHouseChurnData>> Open(
      const warehouse::ClickHouseEndpoint& endpoint, const StoredKindChoice& choice,
      ProgressFn progress = nullptr);

  DataKind kind() const { return kind_; }
  /// The tables' source; queries run when the training or scoring asks for a table.
  ChurnTableSource Tables();
  /// A dataset without rows naming the users of every table read so far (codes as in them).
  std::shared_ptr<const Dataset> Users() const;

  /// Private: use Open.
  ClickHouseChurnData(warehouse::ClickHouseClient client, DataKind kind, ProgressFn progress)
      : client_(std::move(client)), kind_(kind), progress_(std::move(progress)) {}

 private:
  Result<Day> LastDay();
  Result<ml::ChurnFeatureSpec> Spec(size_t max_shares);
  Result<ml::ChurnTable> Table(const ml::ChurnFeatureSpec& spec,
                               const ml::ChurnTableOptions& options);
  Status LoadFeatureEvents();

  warehouse::ClickHouseClient client_;
  DataKind kind_;
  ProgressFn progress_;
  StringDictionary users_;
  std::optional<Day> last_day_;
  std::optional<std::vector<std::pair<std::string, int64_t>>> feature_events_;
};

}  // namespace growthlens::app
