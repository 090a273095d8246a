#pragma once
// The Downloads page: every table `analyze` wrote for the held data (CSV with spreadsheet
// formulas neutralised), the model and analysis JSON, the cleaning report, and a standalone
// HTML report with Plotly and the whole analysis inlined, so that it opens offline.

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/held_data.h"

namespace growthlens::server {

struct DownloadFile {
  std::string name;          // what the URL names: /api/v1/downloads/<name>
  std::string dataset;       // "usage" or "transactions"; "" for the report
  std::string path;          // on disk; "" for the report (built on request)
  std::string content_type;  // text/csv, application/json, text/html
  size_t bytes = 0;
};

inline constexpr std::string_view kReportName = "report.html";

std::vector<DownloadFile> ListDownloads(const Holdings& holdings);
nlohmann::ordered_json DownloadsJson(const std::vector<DownloadFile>& files);

/// The report: `page` (web/report.html) with `plotly` and {"generated", "datasets": {kind:
/// analysis}} inlined.
Result<std::string> BuildReport(const Holdings& holdings, std::string_view page,
                                std::string_view plotly);

/// The whole file, or an I/O error naming it.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace growthlens::server
