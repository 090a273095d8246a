#include "server/downloads.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/json_text.h"
#include "server/api_responses.h"

namespace growthlens::server {

namespace {

/// Text placed inside <script>: "</script" would end the element early. It can only occur in
/// a string, regex or comment, where "<\/" means the same.
std::string ScriptSafe(std::string text) {
  for (size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 1)) {
    std::string next = text.substr(at + 2, 6);
    for (char& c : next) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (next == "script") text.replace(at, 2, "<\\/");
  }
  return text;
}

bool ReplaceOnce(std::string& text, std::string_view placeholder, const std::string& value) {
  const size_t at = text.find(placeholder);
  if (at == std::string::npos) return false;
  text.replace(at, placeholder.size(), value);
  return true;
}

}  // namespace

std::vector<DownloadFile> ListDownloads(const Holdings& holdings) {
  std::vector<DownloadFile> files;
  // Files loaded under one name (a workspace's kinds): their tables are told apart by the kind
  // in front.
  const std::vector<HeldPtr> held_sets = holdings.All();
  bool same_stem = false;
  for (const HeldPtr& one : held_sets)
    for (const HeldPtr& other : held_sets)
      same_stem = same_stem || (one != other && one->stem == other->stem);
  bool report = false;  // the report needs an analyze run's results (none from ClickHouse yet)
  for (const HeldPtr& held : held_sets) {
    if (held->analysis_json.empty()) continue;
    report = true;
    const std::string kind = DataKindName(held->kind());
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(held->processed_dir, error)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || !name.starts_with(held->stem + "_")) continue;
      const bool csv = name.ends_with(".csv");
      if (!csv && !name.ends_with(".json")) continue;
      if (name.ends_with("_clean.csv")) continue;  // ingest's export, not this analysis
      files.push_back({same_stem ? kind + "_" + name : name, kind, entry.path().string(),
                       csv ? "text/csv" : "application/json",
                       static_cast<size_t>(entry.file_size(error))});
    }
  }
  std::sort(files.begin(), files.end(),
            [](const DownloadFile& a, const DownloadFile& b) { return a.name < b.name; });
  if (report) files.push_back({std::string(kReportName), "", "", "text/html", 0});
  return files;
}

nlohmann::ordered_json DownloadsJson(const std::vector<DownloadFile>& files) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const DownloadFile& file : files) {
    nlohmann::ordered_json item;
    item["name"] = file.name;
    item["dataset"] = file.dataset.empty() ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(file.dataset);
    item["content_type"] = file.content_type;
    item["bytes"] =
        file.path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(file.bytes);
    item["url"] = "/api/v1/downloads/" + file.name;
    list.push_back(std::move(item));
  }
  nlohmann::ordered_json body;
  body["files"] = std::move(list);
  return body;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, fmt::format("{}: cannot be read", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<std::string> BuildReport(const Holdings& holdings, std::string_view page,
                                std::string_view plotly) {
  nlohmann::ordered_json report;
  report["generated"] = fmt::format(
      "{:%FT%TZ}", std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  report["datasets"] = nlohmann::ordered_json::object();
  // The report shows the product-usage data the pages show by default, and the transactions.
  for (const HeldPtr& held : {holdings.DefaultUsage(), holdings.Of(DataKind::kTransactions)}) {
    if (!held || held->analysis_json.empty()) continue;
    nlohmann::ordered_json analysis = nlohmann::ordered_json::parse(held->analysis_json);
    analysis["source"] = held->source;
    report["datasets"][ByKind<const char*>(held->kind(), "usage", "transactions")] =
        std::move(analysis);
  }
  std::string html(page);
  if (!ReplaceOnce(html, "/*GROWTHLENS_PLOTLY*/", ScriptSafe(std::string(plotly))) ||
      !ReplaceOnce(html, "/*GROWTHLENS_REPORT_JSON*/", ScriptSafe(app::JsonText(report))))
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: the report template lacks its placeholders", kReportName));
  return html;
}

}  // namespace growthlens::server
