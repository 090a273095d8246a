// The persona model of the users list, which the server keeps per held file (app/persona_cache.h):
// every user's persona is the label of `segment`'s default model (the four tiers of all the data),
// computed once per dataset and kept; a stopped computation is not kept, and data too small for a
// model lists no personas.

#include "app/persona_cache.h"

#include <gtest/gtest.h>

#include <stop_token>
#include <string>

#include "dataset_kinds.h"
#include "ingest_or_die.h"
#include "metrics/rfm.h"
#include "ml/segmentation.h"
#include "test_data.h"

namespace growthlens::app {
namespace {

Dataset UsageOf(const std::string& rows) {
  return testing::IngestOrDie(std::string(testing::kUsageHeader) + rows).dataset;
}

/// Twelve users in four clear groups of activity.
std::string TwelveUsers() {
  std::string rows;
  for (int user = 0; user < 12; ++user)
    for (int day = 0; day <= user % 4 * 3; ++day)
      rows += "u" + std::to_string(user) + ",2024-01-01,2024-03-" +
              std::to_string(10 + day + user % 4 * 4) + ",Search," +
              std::to_string(1 + user % 4 * 10) + "\n";
  return rows;
}

TEST(PersonaCache, EveryUsersPersonaIsTheDefaultModelsLabelComputedOnce) {
  const Dataset dataset = UsageOf(TwelveUsers());
  PersonaCache cache;
  const Result<std::shared_ptr<const UserPersonas>> first = cache.Get(dataset, {});
  ASSERT_TRUE(first.ok()) << first.status().message();
  const Result<std::shared_ptr<const UserPersonas>> again = cache.Get(dataset, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(first->get(), again->get()) << "computed once, then kept";

  // The same labels as the default model fitted here.
  const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
  ml::SegmentationOptions options;
  options.advise = false;
  const Result<ml::Segmentation> model = ml::SegmentUsers(dataset, rfm, options);
  ASSERT_TRUE(model.ok()) << model.status().message();
  const UserPersonas& personas = **first;
  ASSERT_NE(personas.model, nullptr);
  EXPECT_EQ(personas.model->personas.size(), 4u);
  ASSERT_EQ(personas.of_user.size(), dataset.users().size());
  for (size_t row = 0; row < rfm.size(); ++row)
    EXPECT_EQ(personas.of_user[rfm.user[row]], model->labels[row]) << row;
}

TEST(PersonaCache, AStoppedComputationIsNotKept) {
  const Dataset dataset = UsageOf(TwelveUsers());
  PersonaCache cache;
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(cache.Get(dataset, stop.get_token()).ok());
  const Result<std::shared_ptr<const UserPersonas>> later = cache.Get(dataset, {});
  ASSERT_TRUE(later.ok()) << later.status().message();
  EXPECT_NE((*later)->model, nullptr);
}

TEST(PersonaCache, DataTooSmallForAModelHasNoPersonas) {
  const Dataset dataset = UsageOf("u1,2024-01-01,2024-01-02,Search,3\n");
  const Result<UserPersonas> personas = ComputeUserPersonas(dataset, {});
  ASSERT_TRUE(personas.ok()) << personas.status().message();
  EXPECT_EQ(personas->model, nullptr);
  EXPECT_EQ(personas->of_user, std::vector<int32_t>(dataset.users().size(), -1));
}

}  // namespace
}  // namespace growthlens::app
