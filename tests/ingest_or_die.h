#pragma once
// A CSV text ingested and cleaned as `growthlens ingest` does, for tests whose fixtures are
// small inline CSVs; a failure to load fails the test.

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "prep/ingest.h"

namespace growthlens::testing {

inline CleanedData IngestOrDie(const std::string& text) {
  Result<CleanedData> data = IngestText(text, "t.csv", IngestOptions());
  EXPECT_TRUE(data.ok()) << data.status().message();
  return std::move(data).value();
}

}  // namespace growthlens::testing
