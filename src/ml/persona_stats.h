#pragma once
// The numbers NamePersonas describes each persona with: users, mean and median recency,
// frequency and monetary, monetary total, and events per feature (usage logs). Means are
// compensated sums in RfmTable row order; medians are exact (the middle value, or the mean of
// the two middle values).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/dataset.h"
#include "metrics/feature_usage.h"
#include "metrics/rfm.h"

namespace growthlens::ml {

struct PersonaNumbers {
  uint64_t users = 0;
  double mean_recency = 0, mean_frequency = 0, mean_monetary = 0;  // 0 without users
  double median_recency = 0, median_frequency = 0, median_monetary = 0;
  double monetary = 0;  // sum over the persona's users
};

struct PersonaTable {
  std::vector<PersonaNumbers> personas;  // by label
  double monetary = 0;                   // sum over every user
};

/// Numbers of personas 0..k-1; labels[i] (0..k-1) is the persona of RfmTable row i.
PersonaTable PersonaNumbersOf(const RfmTable& rfm, std::span<const int32_t> labels, size_t k);

/// Events per (persona, feature code) of a usage log: from `user_features` when given and not
/// empty, else from the rows on `threads` threads (0 = all cores); integer sums either way.
std::vector<std::vector<int64_t>> EventsByPersonaAndFeature(const UsageLog& dataset,
                                                            const RfmTable& rfm,
                                                            std::span<const int32_t> labels,
                                                            size_t k, unsigned threads,
                                                            const UserFeatureEvents* user_features);

}  // namespace growthlens::ml
