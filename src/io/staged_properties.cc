#include "io/staged_properties.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/event_properties.h"
#include "core/parallel.h"

namespace growthlens {

namespace {

// Strings as they are, numbers and booleans as written, null as "" (not set), arrays and
// objects as their JSON text.
void PropertyText(const nlohmann::ordered_json& value, std::string& out) {
  out.clear();
  if (value.is_string())
    out = value.get_ref<const std::string&>();
  else if (!value.is_null())
    out = value.dump();
}

}  // namespace

PropertyStager::PropertyStager(const ColumnMapping& mapping, StagedChunk& chunk)
    : selection_(mapping.property_selection), chunk_(chunk) {
  for (const PropertySource& source : mapping.properties)
    fixed_.push_back(source.json ? kNotKept : PropertyOf(source.name));
}

uint32_t PropertyStager::PropertyOf(std::string_view name) {
  for (const auto& [known, property] : names_)
    if (known == name) return property;
  uint32_t property = kNotKept;
  if (!selection_.Keeps(name) || NormalizeColumnName(name) == "uuid") {
    // left out by --property (a uuid is the event's identity, not a property)
  } else if (chunk_.properties.size() >= kMaxEventProperties) {
    chunk_.properties_over_limit.emplace_back(name);
  } else {
    property = static_cast<uint32_t>(chunk_.properties.size());
    StagedProperty& added = chunk_.properties.emplace_back();
    added.name = std::string(name);
    added.values.Intern("");  // code 0: not set
  }
  names_.emplace_back(std::string(name), property);
  return property;
}

void PropertyStager::Set(std::string_view name, std::string_view value) {
  Stage(PropertyOf(name), value);
}

void PropertyStager::Stage(uint32_t property, std::string_view value) {
  if (property == kNotKept || value.empty()) return;
  pending_.emplace_back(property, chunk_.properties[property].values.Intern(value));
}

bool PropertyStager::SetJsonObject(std::string_view text) {
  if (text.empty()) return true;  // no properties on this row
  // Ordered: properties keep the order their keys are written in.
  const nlohmann::ordered_json object =
      nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return false;
  for (const auto& [key, value] : object.items()) {
    PropertyText(value, scratch_);
    Set(key, scratch_);
  }
  return true;
}

void PropertyStager::Commit(size_t row) {
  for (const auto& [property, code] : pending_) {
    std::vector<uint32_t>& codes = chunk_.properties[property].codes;
    if (codes.size() < row) codes.resize(row, 0);
    if (codes.size() == row)
      codes.push_back(code);
    else
      codes[row] = code;  // a repeated key: the last value, as JSON parsers read it
  }
  pending_.clear();
}

void PropertyStager::Finish(size_t rows) {
  pending_.clear();
  for (StagedProperty& property : chunk_.properties) property.codes.resize(rows, 0);
}

void MergeStagedProperties(StagedTable& table, unsigned threads) {
  std::vector<std::string> names, over_limit;
  for (StagedChunk& chunk : table.chunks) {
    for (const StagedProperty& property : chunk.properties)
      if (std::find(names.begin(), names.end(), property.name) == names.end()) {
        if (names.size() < kMaxEventProperties)
          names.push_back(property.name);
        else if (std::find(over_limit.begin(), over_limit.end(), property.name) == over_limit.end())
          over_limit.push_back(property.name);
      }
    for (std::string& name : chunk.properties_over_limit)
      if (std::find(over_limit.begin(), over_limit.end(), name) == over_limit.end())
        over_limit.push_back(std::move(name));
    chunk.properties_over_limit.clear();
  }
  if (!over_limit.empty())
    table.property_notes.push_back(
        fmt::format("{} properties past the first {} were left out: {} (keep the ones you need "
                    "with --property NAME)",
                    over_limit.size(), kMaxEventProperties, fmt::join(over_limit, ", ")));

  // Global dictionaries in chunk order; then each chunk's codes are rewritten in parallel.
  std::vector<StagedProperty> merged(names.size());
  std::vector<std::vector<std::vector<uint32_t>>> remaps(table.chunks.size());
  for (size_t property = 0; property < names.size(); ++property) {
    merged[property].name = names[property];
    merged[property].values.Intern("");
  }
  for (size_t chunk_idx = 0; chunk_idx < table.chunks.size(); ++chunk_idx) {
    StagedChunk& chunk = table.chunks[chunk_idx];
    remaps[chunk_idx].resize(names.size());
    for (StagedProperty& local : chunk.properties) {
      const auto at = std::find(names.begin(), names.end(), local.name);
      if (at == names.end()) continue;
      const auto property = static_cast<size_t>(at - names.begin());
      std::vector<uint32_t>& remap = remaps[chunk_idx][property];
      remap.resize(local.values.size());
      for (uint32_t code = 0; code < local.values.size(); ++code)
        remap[code] = merged[property].values.Intern(local.values[code]);
      local.values = StringDictionary();
    }
  }
  std::vector<uint8_t> dropped(names.size(), 0);
  for (size_t property = 0; property < names.size(); ++property) {
    const uint32_t values = merged[property].values.size() - 1;
    if (values <= kMaxPropertyValues) continue;
    dropped[property] = 1;
    table.property_notes.push_back(
        fmt::format("property '{}' was left out: {} distinct values, more than the {} a property "
                    "may have (an id belongs in the user or event column, not in a property)",
                    names[property], values, kMaxPropertyValues));
  }
  std::vector<std::function<void()>> tasks;
  for (size_t chunk_idx = 0; chunk_idx < table.chunks.size(); ++chunk_idx) {
    tasks.emplace_back([&, chunk_idx] {
      StagedChunk& chunk = table.chunks[chunk_idx];
      std::vector<StagedProperty> ordered;
      for (size_t property = 0; property < names.size(); ++property) {
        if (dropped[property]) continue;
        StagedProperty& out = ordered.emplace_back();
        out.name = names[property];
        auto local = std::find_if(
            chunk.properties.begin(), chunk.properties.end(),
            [&](const StagedProperty& staged) { return staged.name == names[property]; });
        if (local == chunk.properties.end()) {
          out.codes.assign(chunk.rows(), 0);
          continue;
        }
        out.codes = std::move(local->codes);
        const std::vector<uint32_t>& remap = remaps[chunk_idx][property];
        for (uint32_t& code : out.codes) code = remap[code];
      }
      chunk.properties = std::move(ordered);
    });
  }
  ParallelFor(tasks.size(), std::max(1u, threads), [&tasks](size_t task) { tasks[task](); });
  table.properties.clear();
  for (size_t property = 0; property < names.size(); ++property)
    if (!dropped[property]) table.properties.push_back(std::move(merged[property]));
}

}  // namespace growthlens
