// PersonaNumbersOf: means and medians per persona against a direct computation (sorted
// copies, compensated sums in row order), bit for bit, with medians counted (small integer
// ranges, negative recency) and sorted (a range too wide to count), odd and even persona
// sizes and a persona without users.

#include "ml/persona_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "core/compensated_sum.h"

namespace growthlens::ml {
namespace {

double SortedMedian(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

TEST(PersonaNumbers, MeansAndMediansEqualTheDirectComputation) {
  std::mt19937_64 rng(11);
  for (const size_t users : {1u, 2u, 9u, 1'000u, 30'001u}) {
    for (const bool wide : {false, true}) {
      const size_t k = 4;  // persona 3 gets no users
      RfmTable rfm;
      std::vector<int32_t> labels(users);
      for (size_t idx = 0; idx < users; ++idx) {
        labels[idx] = static_cast<int32_t>(rng() % 3);
        rfm.recency.push_back(static_cast<int32_t>(rng() % 400) - 30);
        rfm.frequency.push_back(wide ? static_cast<int64_t>(rng() % 4'000'000'000)
                                     : 1 + static_cast<int64_t>(rng() % 200));
        rfm.monetary.push_back(static_cast<double>(rng() % 100'000) / 7.0);
        rfm.user.push_back(static_cast<uint32_t>(idx));
      }
      const PersonaTable table = PersonaNumbersOf(rfm, labels, k);
      ASSERT_EQ(table.personas.size(), k);
      CompensatedSum all;
      for (const double value : rfm.monetary) all.Add(value);
      EXPECT_EQ(table.monetary, all.Value());
      for (size_t persona = 0; persona < k; ++persona) {
        std::vector<double> recency, frequency, monetary;
        CompensatedSum recency_sum, frequency_sum, monetary_sum;
        for (size_t idx = 0; idx < users; ++idx) {
          if (static_cast<size_t>(labels[idx]) != persona) continue;
          recency.push_back(rfm.recency[idx]);
          frequency.push_back(static_cast<double>(rfm.frequency[idx]));
          monetary.push_back(rfm.monetary[idx]);
          recency_sum.Add(recency.back());
          frequency_sum.Add(frequency.back());
          monetary_sum.Add(monetary.back());
        }
        const PersonaNumbers& got = table.personas[persona];
        const std::string where = std::to_string(users) + " users, persona " +
                                  std::to_string(persona) + (wide ? ", wide" : "");
        ASSERT_EQ(got.users, recency.size()) << where;
        const double count = static_cast<double>(std::max<size_t>(recency.size(), 1));
        EXPECT_EQ(got.mean_recency, recency.empty() ? 0 : recency_sum.Value() / count) << where;
        EXPECT_EQ(got.mean_frequency, frequency.empty() ? 0 : frequency_sum.Value() / count)
            << where;
        EXPECT_EQ(got.mean_monetary, monetary.empty() ? 0 : monetary_sum.Value() / count) << where;
        EXPECT_EQ(got.monetary, monetary_sum.Value()) << where;
        EXPECT_EQ(got.median_recency, SortedMedian(recency)) << where;
        EXPECT_EQ(got.median_frequency, SortedMedian(frequency)) << where;
        EXPECT_EQ(got.median_monetary, SortedMedian(monetary)) << where;
      }
    }
  }
}

}  // namespace
}  // namespace growthlens::ml
