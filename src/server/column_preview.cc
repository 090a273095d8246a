#include "server/column_preview.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "app/json_text.h"
#include "io/csv_cursor.h"
#include "io/input_buffer.h"
#include "io/ndjson_reader.h"

namespace growthlens::server {

namespace {

/// Enough text for the header and a few rows; records longer than this are cut short.
constexpr size_t kPreviewBytes = 256 * 1024;

std::string Cell(std::string_view text) {
  if (text.size() <= kMaxPreviewCell) return std::string(text);
  size_t cut = kMaxPreviewCell;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return std::string(text.substr(0, cut)) + "…";
}

std::vector<std::string> Cells(const std::vector<std::string_view>& fields) {
  std::vector<std::string> out;
  const size_t count = std::min(fields.size(), kMaxPreviewColumns);
  out.reserve(count);
  for (size_t field = 0; field < count; ++field) out.push_back(Cell(fields[field]));
  return out;
}

}  // namespace

Result<ColumnPreview> PreviewColumns(const std::string& path, size_t rows) {
  Result<InputBuffer> input = InputBuffer::Load(path, Encoding::kAuto);
  if (!input.ok()) return input.status();
  const std::string_view text = input->text().substr(0, kPreviewBytes);
  ColumnPreview preview;
  // NDJSON has no header to map: its keys are found line by line (io/ndjson_reader.h).
  if (LooksLikeNdjson(std::filesystem::path(path).filename().string(), text)) return preview;
  const CsvDialect dialect{DetectDelimiter(text), '"'};
  CsvCursor cursor(text, dialect, 0, text.size());
  std::vector<std::string_view> fields;
  while (cursor.Next(fields)) {
    if (cursor.blank_line()) continue;
    if (preview.header.empty()) {
      preview.header = Cells(fields);
      continue;
    }
    if (preview.rows.size() == rows) break;
    preview.rows.push_back(Cells(fields));
  }
  return preview;
}

std::vector<std::string> MappingParameterNames() {
  std::vector<std::string> names;
  for (size_t role = 0; role < kRoleCount; ++role)
    names.push_back(std::string(RoleName(static_cast<Role>(role))) + "-col");
  return names;
}

std::string MappingNeededJson(const std::string& message, const ColumnPreview& preview) {
  nlohmann::ordered_json body;
  body["error"] = message;
  body["parameter"] = "columns";
  body["columns"] = preview.header;
  body["preview"] = preview.rows;
  // What each kind needs (required) and can use (optional), by role.
  body["roles"] = {
      {"usage", {{"required", {"user", "time", "item"}}, {"optional", {"signup", "count"}}}},
      {"events", {{"required", {"user", "time", "item"}}, {"optional", {"count"}}}},
      {"transactions",
       {{"required", {"user", "time", "price"}},
        {"optional", {"order", "item", "count", "amount", "description", "country"}}}},
  };
  return app::JsonText(body);
}

}  // namespace growthlens::server
