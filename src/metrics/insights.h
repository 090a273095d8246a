#pragma once
// Insights: plain-language findings computed from an Analysis, each with the number it rests on.
// Every sentence is built from the data (names, months, shares), none is fixed text; a finding
// whose data is missing (no features in transactions, one cohort only) is left out. The rules
// are in docs/ANALYTICS.md.

#include <string>
#include <vector>

#include "core/dataset.h"

namespace growthlens {

struct Analysis;

struct Insight {
  std::string key;    // stable id, e.g. "most_used_feature"
  std::string title;  // short heading, e.g. "Most used feature"
  std::string text;   // the sentence
  double value = 0;   // the number the sentence rests on (a share as 0-1, a count, money)
};

std::vector<Insight> ComputeInsights(const Dataset& dataset, const Analysis& analysis);

}  // namespace growthlens
