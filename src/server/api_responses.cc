#include "server/api_responses.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <memory>
#include <optional>

#include "app/date_window.h"
#include "core/date.h"
#include "server/clickhouse_serving.h"
#include "server/data_loader.h"
#include "server/static_files.h"

namespace growthlens::server {

void SendJson(httplib::Response& response, int status, std::string body) {
  response.status = status;
  SendShared(response, std::make_shared<const std::string>(std::move(body)),
             std::string(kJsonContentType));
}

std::string NameSources(std::string text, const std::string& path, const std::string& name) {
  if (path.empty() || path == name) return text;
  for (size_t at = text.find(path); at != std::string::npos; at = text.find(path, at + name.size()))
    text.replace(at, path.size(), name);
  return text;
}

void SendError(httplib::Response& response, const ApiError& error) {
  if (error.http_status == 503) response.set_header("Retry-After", "2");
  SendJson(response, error.http_status, error.Body());
}

void SendStatusError(httplib::Response& response, const Status& status) {
  SendError(response, ErrorFromStatus(status));
}

std::string DatasetWords(DataKind kind) {
  // In the order of DataKind (kAllDataKinds).
  constexpr std::array<const char*, kDataKindCount> kWords = {"usage log", "transactions file",
                                                              "event log"};
  return kWords[static_cast<size_t>(kind)];
}

nlohmann::ordered_json DatasetJson(const HeldDataset& held) {
  const Dataset& dataset = held.data->dataset;
  nlohmann::ordered_json json;
  json["name"] = DataKindName(held.kind());  // as the `dataset` parameter names it
  json["kind"] = DataKindName(held.kind());
  json["source"] = held.source;
  // A ClickHouse workspace's held rows are one per user: the table's rows and days are its own.
  const ClickHouseData* clickhouse = held.clickhouse.get();
  json["rows"] = clickhouse != nullptr ? clickhouse->rows : dataset.rows();
  json["users"] = dataset.users().size();
  const std::optional<app::DayRange> days =
      clickhouse != nullptr
          ? std::optional(app::DayRange{clickhouse->first_day, clickhouse->last_day})
          : app::DaysWithRows(dataset);
  json["first_day"] = days ? nlohmann::ordered_json(FormatDate(days->first)) : nullptr;
  json["last_day"] = days ? nlohmann::ordered_json(FormatDate(days->last)) : nullptr;
  json["load_seconds"] = held.load_seconds;
  json["cleaning"] = nlohmann::ordered_json::parse(held.cleaning_json);
  return json;
}

nlohmann::ordered_json WorkspaceIngestJson(const WorkspaceIngest& ingest) {
  nlohmann::ordered_json json;
  json["source"] = ingest.source;
  json["kind"] = DataKindName(ingest.kind);
  json["already_ingested"] = ingest.already_ingested;
  json["load_id"] = ingest.load_id;
  json["loaded_at"] = ingest.already_ingested ? nlohmann::ordered_json(ingest.loaded_at) : nullptr;
  json["rows_read"] = ingest.rows_read;
  json["rows_kept"] = ingest.rows_kept;
  json["rows_added"] = ingest.rows_added;
  json["rows_skipped"] = ingest.rows_skipped;
  json["cleaning"] = ingest.cleaning_json.empty()
                         ? nlohmann::ordered_json(nullptr)
                         : nlohmann::ordered_json::parse(ingest.cleaning_json);
  return json;
}

}  // namespace growthlens::server
