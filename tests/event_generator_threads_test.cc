// The synthetic event log on any thread count: the same bytes (in the parallel suite, which
// the TSan job runs; the model's structure is tested in event_generator_test.cc).

#include <gtest/gtest.h>

#include <string>

#include "synth/usage_generator.h"
#include "synth_test_support.h"

namespace growthlens::synth {
namespace {

TEST(EventGeneratorTest, ThreadCountDoesNotChangeBytesButTheSeedDoes) {
  UsageGeneratorOptions options;
  options.users = 3000;  // three blocks
  options.threads = 1;
  const std::string one = GenerateEventText(options);
  options.threads = 2;
  EXPECT_EQ(GenerateEventText(options), one);
  options.threads = 4;
  EXPECT_EQ(GenerateEventText(options), one);
  options.seed = 43;
  EXPECT_NE(GenerateEventText(options), one);
}

}  // namespace
}  // namespace growthlens::synth
