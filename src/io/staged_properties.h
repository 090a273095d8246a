#pragma once
// Event properties while parsing: each chunk parser stages a row's property values through a
// PropertyStager (named values, or a JSON object whose top-level keys are the names), and the
// reader folds the chunks' properties into one list with global dictionaries afterwards.
//
//   PropertyStager stager(mapping.property_selection, chunk);
//   stager.Set("platform", "ios");          // while reading a row
//   stager.Commit(row);                     // once the row is kept (Discard() otherwise)
//   ...
//   stager.Finish(chunk.rows());
//   MergeStagedProperties(table, threads);  // after every chunk is parsed

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/column_mapping.h"
#include "io/staged_table.h"

namespace growthlens {

class PropertyStager {
 public:
  /// `fixed` columns (in order) get properties 0.. up front, so SetFixed needs no lookup.
  PropertyStager(const ColumnMapping& mapping, StagedChunk& chunk);

  /// The value of the fixed column `source` (an index into mapping.properties, not JSON).
  void SetFixed(size_t source, std::string_view value) { Stage(fixed_[source], value); }
  /// The value of the property `name`, unless the selection leaves it out.
  void Set(std::string_view name, std::string_view value);
  /// Every top-level key of a JSON object (text); false when `text` is not one.
  bool SetJsonObject(std::string_view text);
  /// A row's staged values go to row `row` (rows never staged read "" = not set).
  void Commit(size_t row);
  void Discard() { pending_.clear(); }
  /// Pads every property to `rows` rows.
  void Finish(size_t rows);

 private:
  static constexpr uint32_t kNotKept = UINT32_MAX;
  uint32_t PropertyOf(std::string_view name);
  void Stage(uint32_t property, std::string_view value);

  const PropertySelection& selection_;
  StagedChunk& chunk_;
  std::vector<uint32_t> fixed_;                          // per mapping.properties entry
  std::vector<std::pair<std::string, uint32_t>> names_;  // every name seen, kept or not
  std::vector<std::pair<uint32_t, uint32_t>> pending_;   // (property, code) of the row
  std::string scratch_;
};

/// Folds the chunks' properties into `table.properties` (names in order of first appearance,
/// at most kMaxEventProperties) with global dictionaries, and rewrites every chunk's properties
/// to that order and those codes, one column per property and a code per row. A property with
/// more than kMaxPropertyValues values is left out; table.property_notes says what was.
void MergeStagedProperties(StagedTable& table, unsigned threads);

}  // namespace growthlens
