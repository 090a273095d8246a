#pragma once
// The first rows of an uploaded CSV, for the dashboard's column-mapping form: when the header is
// not one of the known schemas, the upload answers with the columns found and a preview of the
// rows instead of only an error, and the user picks a role per column.

#include <string>
#include <vector>

#include "core/status.h"
#include "io/column_mapping.h"

namespace growthlens::server {

struct ColumnPreview {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // at most the rows asked for
};

/// The header and up to `rows` records of the CSV (or .csv.gz) at `path`, its encoding and
/// delimiter detected as the reader does; each cell cut to kMaxPreviewCell bytes.
inline constexpr size_t kMaxPreviewCell = 120;
inline constexpr size_t kMaxPreviewColumns = 200;
Result<ColumnPreview> PreviewColumns(const std::string& path, size_t rows);

/// The role names an upload maps with `<role>-col` parameters ("user", "time", ...), and the
/// overrides those parameters ask for. Names are at most kMaxColumnName bytes.
inline constexpr size_t kMaxColumnName = 200;
std::vector<std::string> MappingParameterNames();

/// {"error", "parameter": "columns", "columns": [...], "preview": [[...]], "roles": {...}} as
/// JSON text: the answer to an upload whose columns could not be mapped.
std::string MappingNeededJson(const std::string& message, const ColumnPreview& preview);

}  // namespace growthlens::server
