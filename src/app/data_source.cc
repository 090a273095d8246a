#include "app/data_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "app/clickhouse_aggregates.h"
#include "app/inbox_fold.h"
#include "app/table_view.h"
#include "core/stopwatch.h"
#include "prep/dataset_builder.h"
#include "store/workspace.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::app {

std::string DataStem(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* suffix : {".gz", ".csv", ".tsv", ".txt", ".ndjson", ".jsonl", ".glw"})
    if (name.size() > std::strlen(suffix) && name.ends_with(suffix))
      name.resize(name.size() - std::strlen(suffix));
  return name;
}

CsvFileSource::CsvFileSource(std::string path, IngestOptions options, ProgressFn progress)
    : path_(std::move(path)), options_(std::move(options)), progress_(std::move(progress)) {}

Result<LoadedData> CsvFileSource::Load() {
  if (progress_) progress_(fmt::format("reading {}", path_));
  Result<CleanedData> cleaned = IngestFile(path_, options_);
  if (!cleaned.ok()) return cleaned.status();
  const CleaningReport& report = cleaned->report;
  if (progress_)
    progress_(fmt::format("{} rows read in {:.2f} s, {} kept after cleaning in {:.2f} s",
                          WithThousands(report.records), report.read_seconds,
                          WithThousands(report.rows_kept), report.clean_seconds));
  return LoadedData(std::make_shared<const CleanedData>(std::move(cleaned).value()));
}

namespace {

bool InFamily(DataKind kind, KindFamily family) {
  switch (family) {
    case KindFamily::kAny:
      return true;
    case KindFamily::kUsage:
      return IsUsageKind(kind);
    case KindFamily::kTransactions:
      return !IsUsageKind(kind);
  }
  return true;
}

/// "usage, events and transactions"; with `between` "|": "usage|events|transactions".
std::string KindList(const std::vector<DataKind>& kinds, std::string_view between = ", ",
                     std::string_view last = " and ") {
  std::string names;
  for (size_t index = 0; index < kinds.size(); ++index)
    names += fmt::format("{}{}",
                         index == 0                  ? ""
                         : index + 1 == kinds.size() ? last
                                                     : between,
                         DataKindName(kinds[index]));
  return names;
}

/// --signup-event on stored events: each user's signup is the day of their first `event`.
Status RecomputeSignups(Dataset& data, const std::string& event, const std::string& path) {
  UsageLog* log = data.As<UsageLog>();
  if (log == nullptr) return Status::Ok();
  if (!log->features.Find(event))
    return Status(ErrorCode::kDataError,
                  fmt::format("--signup-event {}: the event log of workspace {} has no event of "
                              "that name (names are matched exactly)",
                              event, path));
  log->user_signup.assign(log->users.size(), kNoDay);
  SignupsFromEvents(*log, event);
  return Status::Ok();
}

bool Holds(const std::vector<DataKind>& kinds, DataKind kind) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace

Result<DataKind> ChooseStoredKind(const std::vector<DataKind>& stored,
                                  const StoredKindChoice& choice, const std::string& path,
                                  std::string* note) {
  if (stored.empty())
    return Status(ErrorCode::kDataError, fmt::format("workspace {} holds no data yet", path));
  if (choice.asked) {
    if (!Holds(stored, *choice.asked))
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--kind {}: workspace {} holds no {} data (it holds {})",
                                DataKindName(*choice.asked), path, DataKindName(*choice.asked),
                                KindList(stored)));
    return *choice.asked;
  }
  std::vector<DataKind> fitting;
  for (const DataKind kind : stored)
    if (InFamily(kind, choice.family)) fitting.push_back(kind);
  if (fitting.empty())
    return Status(
        ErrorCode::kDataError,
        fmt::format(
            "workspace {} holds {} data; this analysis reads {}", path, KindList(stored),
            choice.family == KindFamily::kUsage ? "a usage log or an event log" : "transactions"));
  if (fitting.size() == 1) return fitting.front();
  const bool usage_and_events =
      fitting.size() == 2 && Holds(fitting, DataKind::kUsage) && Holds(fitting, DataKind::kEvents);
  if (!usage_and_events)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("workspace {} holds {} data; name the one to analyse with --kind "
                              "{}",
                              path, KindList(fitting), KindList(fitting, "|", "|")));
  // The usage log stays what is analysed when an event log is added beside it, unless the event
  // log is what is asked for (a model fitted on it, a signup event).
  const DataKind chosen =
      choice.preferred.value_or(choice.signup_event.empty() ? DataKind::kUsage : DataKind::kEvents);
  const DataKind other = chosen == DataKind::kUsage ? DataKind::kEvents : DataKind::kUsage;
  if (note != nullptr)
    *note = fmt::format(
        "workspace {} holds a usage log and an event log; analysing the {} (--kind {} analyses "
        "the {})",
        path, chosen == DataKind::kUsage ? "usage log" : "event log", DataKindName(other),
        other == DataKind::kUsage ? "usage log" : "event log");
  return chosen;
}

WorkspaceSource::WorkspaceSource(std::string path, ProgressFn progress, StoredKindChoice choice)
    : path_(std::move(path)), progress_(std::move(progress)), choice_(std::move(choice)) {}

Result<LoadedData> WorkspaceSource::Load() {
  if (warehouse::IsClickHouseUrl(path_))
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("{} is a ClickHouse workspace: {} run on it (pushed down to ClickHouse); "
                    "loading its rows, as this command needs, is not built yet "
                    "(docs/CLICKHOUSE.md)",
                    path_, PushedDownAnalysesText()));
  const Stopwatch stopwatch;
  Result<store::Workspace> workspace = store::Workspace::Open(path_, store::OpenMode::kExisting);
  if (!workspace.ok()) return workspace.status();
  Result<std::vector<DataKind>> kinds = workspace->Kinds();
  if (!kinds.ok()) return kinds.status();
  std::string note;
  Result<DataKind> kind = ChooseStoredKind(*kinds, choice_, path_, &note);
  if (!kind.ok()) return kind.status();
  if (!choice_.signup_event.empty() && *kind != DataKind::kEvents)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--signup-event {}: only event logs have signup events; workspace "
                              "{} is read for its {} data (--kind events reads its event log)",
                              choice_.signup_event, path_, DataKindName(*kind)));
  if (progress_ && !note.empty()) progress_(note);
  if (progress_) progress_(fmt::format("loading workspace {}", path_));
  Result<Dataset> data = workspace->Load(*kind);
  if (!data.ok()) return data.status();
  if (*kind == DataKind::kEvents) {  // with the live events not yet folded into blocks
    data = WithInbox(std::move(*data), *workspace, IngestOptions{});
    if (!data.ok()) return data.status();
  }
  if (!choice_.signup_event.empty())
    GROWTHLENS_RETURN_IF_ERROR(RecomputeSignups(*data, choice_.signup_event, path_));
  CleanedData cleaned;
  cleaned.dataset = std::move(data).value();
  CleaningReport& report = cleaned.report;
  report.source.name = path_;
  report.kind = cleaned.dataset.kind();
  report.records = report.rows_kept = cleaned.dataset.rows();
  // The properties the stored events carry, as the ingest's report named them.
  if (const UsageLog* log = cleaned.dataset.As<UsageLog>())
    for (const PropertyColumn& column : log->properties.columns)
      report.properties.push_back(column.name());
  // Cleaned at ingest (each load's report is in the workspace's history), not again here.
  for (size_t rule = 0; rule < kCleaningRuleCount; ++rule) {
    report.rules[rule].rule = kAllCleaningRules[rule];
    report.rules[rule].enabled = false;
  }
  report.read_seconds = stopwatch.Seconds();
  if (progress_)
    progress_(fmt::format("{} rows loaded in {:.2f} s", WithThousands(report.rows_kept),
                          report.read_seconds));
  return LoadedData(std::make_shared<const CleanedData>(std::move(cleaned)));
}

}  // namespace growthlens::app
