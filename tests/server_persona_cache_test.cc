// The persona model of the users list, which the server keeps per held file (app/persona_cache.h):
// every user's persona is the label of `segment`'s default model (the four tiers of all the data),
// computed once per dataset and kept; a stopped computation is not kept, and data too small for a
// model lists no personas. The server keeps the fit `analyze` made at the load instead of fitting
// again: it must be the same model.

#include "app/persona_cache.h"

#include <gtest/gtest.h>

#include <memory>

#include <stop_token>
#include <string>

#include "app/analyze_pipeline.h"
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

/// The same model, field by field (the persona model's sweep and advice aside).
void ExpectSameModel(const ml::Segmentation& kept, const ml::Segmentation& fitted) {
  EXPECT_EQ(kept.labels, fitted.labels);
  EXPECT_EQ(kept.k, fitted.k);
  EXPECT_EQ(kept.inertia, fitted.inertia);
  EXPECT_EQ(kept.silhouette, fitted.silhouette);
  EXPECT_EQ(kept.feature_names, fitted.feature_names);
  ASSERT_EQ(kept.centres.rows(), fitted.centres.rows());
  for (size_t row = 0; row < kept.centres.rows(); ++row)
    for (size_t column = 0; column < kept.centres.cols(); ++column)
      EXPECT_EQ(kept.centres(row, column), fitted.centres(row, column)) << row << "," << column;
  ASSERT_EQ(kept.personas.size(), fitted.personas.size());
  for (size_t id = 0; id < kept.personas.size(); ++id) {
    EXPECT_EQ(kept.personas[id].name, fitted.personas[id].name);
    EXPECT_EQ(kept.personas[id].description, fitted.personas[id].description);
    EXPECT_EQ(kept.personas[id].users, fitted.personas[id].users);
  }
}

TEST(PersonaCache, AnalyzesFitKeptIsTheModelTheUsersListAndSegmentFit) {
  const CleanedData cleaned =
      testing::IngestOrDie(std::string(testing::kUsageHeader) + TwelveUsers());
  const Dataset& dataset = cleaned.dataset;
  AnalyzeRequest request;
  request.input = "usage_log.csv";
  const Result<AnalyzeOutcome> analyzed = AnalyzeData(cleaned, request);
  ASSERT_TRUE(analyzed.ok()) << analyzed.status().message();
  ASSERT_NE(analyzed->segmentation, nullptr);

  PersonaCache kept;
  kept.Keep(analyzed->segmentation, analyzed->analysis->rfm, dataset.users().size());
  EXPECT_EQ(kept.DefaultModel(), analyzed->segmentation);
  const Result<std::shared_ptr<const UserPersonas>> from_load = kept.Get(dataset, {});
  ASSERT_TRUE(from_load.ok()) << from_load.status().message();
  const Result<UserPersonas> computed = ComputeUserPersonas(dataset, {});
  ASSERT_TRUE(computed.ok()) << computed.status().message();
  ASSERT_NE((*from_load)->model, nullptr);
  ASSERT_NE(computed->model, nullptr);
  EXPECT_EQ((*from_load)->of_user, computed->of_user);
  ExpectSameModel(*(*from_load)->model, *computed->model);
  EXPECT_TRUE((*from_load)->model->sweep.rows.empty()) << "the users list's model has no advice";

  // `segment` without parameters fits the default model with its sweep: the fit kept.
  const Result<ml::Segmentation> segment =
      ml::SegmentUsers(dataset, ComputeRfm(dataset, RfmOptions()), ml::SegmentationOptions());
  ASSERT_TRUE(segment.ok()) << segment.status().message();
  ExpectSameModel(*analyzed->segmentation, *segment);
  EXPECT_EQ(analyzed->segmentation->advice, segment->advice);
  EXPECT_EQ(analyzed->segmentation->sweep.rows.size(), segment->sweep.rows.size());
}

TEST(PersonaCache, OnlyTheDefaultOptionsFitTheSameModel) {
  const ml::SegmentationOptions defaults;
  ml::SegmentationOptions threads;
  threads.threads = 1;
  EXPECT_TRUE(ml::SameFit(defaults, threads)) << "threads change the time, not the fit";
  ml::SegmentationOptions seed;
  seed.seed = 1;
  EXPECT_FALSE(ml::SameFit(defaults, seed));
  ml::SegmentationOptions k;
  k.k = 4;
  EXPECT_FALSE(ml::SameFit(defaults, k));
  ml::SegmentationOptions sample;
  sample.silhouette_sample_size = 5'000;
  EXPECT_FALSE(ml::SameFit(defaults, sample));
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
