#pragma once
// The event logs of the paths and behavioural-retention goldens (tests/golden/event_log.py reads
// them the same way with pandas), and running an analysis on them with parameters from a golden
// file's JSON.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "app/analysis_registry.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens::testing {

/// BPI Challenge 2012 as issue 20 maps it: user = case, event = activity, COMPLETE rows only.
inline const CleanedData& BpicCompleteEvents() {
  static const CleanedData data = [] {
    const std::string text = ReadXz(PublicDataPath("bpic2012_events.csv.xz"));
    IngestOptions options;
    options.read.columns.kind = DataKind::kEvents;
    options.read.columns.name[static_cast<size_t>(Role::kUser)] = "case:concept:name";
    options.read.columns.name[static_cast<size_t>(Role::kTime)] = "time:timestamp";
    options.read.columns.name[static_cast<size_t>(Role::kItem)] = "concept:name";
    options.read.columns.where.emplace_back("lifecycle:transition", "COMPLETE");
    Result<CleanedData> read = IngestText(text, "bpic2012_events.csv", options);
    EXPECT_TRUE(read.ok()) << read.status().message();
    return read.ok() ? std::move(read).value() : CleanedData();
  }();
  return data;
}

/// `growthlens generate --kind events --users 150 --seed 11`, kept as a golden input.
inline const CleanedData& GeneratedSmallEvents() {
  static const CleanedData data = [] {
    std::ifstream file(GoldenPath("events_generated_small.csv"), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(file)),
                           std::istreambuf_iterator<char>());
    Result<CleanedData> read = IngestText(text, "events_generated_small.csv", IngestOptions());
    EXPECT_TRUE(read.ok()) << read.status().message();
    return read.ok() ? std::move(read).value() : CleanedData();
  }();
  return data;
}

inline nlohmann::json ReadJsonGolden(const std::string& file) {
  std::ifstream in(GoldenPath(file));
  EXPECT_TRUE(in.good()) << file;
  return in.good() ? nlohmann::json::parse(in) : nlohmann::json();
}

/// A golden's parameters as the API's query: arrays comma-joined, booleans true/false.
inline app::ParamText QueryOf(const nlohmann::json& params) {
  app::ParamText query;
  for (const auto& [key, value] : params.items()) {
    if (key == "name") continue;
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_array()) {
      for (const auto& item : value) {
        if (!text.empty()) text += ',';
        text += item.get<std::string>();
      }
    } else {
      text = value.dump();
    }
    query.emplace_back(key, text);
  }
  return query;
}

/// The analysis's JSON for `query` over `data`.
inline nlohmann::json RunAnalysisJson(const std::string& analysis, const app::ParamText& query,
                                      const CleanedData& data) {
  const app::AnalysisEntry* entry = app::FindAnalysis(analysis);
  EXPECT_NE(entry, nullptr) << analysis;
  if (entry == nullptr) return {};
  Result<app::ParamText> params =
      app::Canonical(entry->params, query, app::Naming::kApi, entry->name);
  EXPECT_TRUE(params.ok()) << params.status().message();
  if (!params.ok()) return {};
  app::RunContext context;
  context.naming = app::Naming::kApi;
  context.source = "data.csv";
  Result<std::string> text = entry->run(data, *params, app::OutputFormat::kJson, context);
  EXPECT_TRUE(text.ok()) << analysis << ": " << text.status().message();
  return text.ok() ? nlohmann::json::parse(*text) : nlohmann::json();
}

}  // namespace growthlens::testing
