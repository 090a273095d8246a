// GET /api/v1/paths and /api/v1/cohorts?start-event= (issue 20.2, 20.3) over an uploaded event
// log: the answers the analyses give, and 4xx JSON errors naming the parameter for values out of
// bounds, unknown events and contradictory parameters.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>

#include "server_test_support.h"

namespace growthlens {
namespace {

using testing::Reply;
using testing::TestServer;

TEST(ServerPaths, PathsAndBehaviourRetentionRoutes) {
  // 20 users: view then buy (even users) or view then leave (odd users).
  std::string csv = "user_id,timestamp,event\n";
  for (int user = 1; user <= 20; ++user) {
    csv += fmt::format("u{},2025-01-0{}T10:00:00Z,view\n", user, 1 + user % 5);
    if (user % 2 == 0) csv += fmt::format("u{},2025-01-0{}T10:05:00Z,buy\n", user, 1 + user % 5);
  }
  TestServer server;
  ASSERT_EQ(server.Post("/api/v1/upload?name=clicks.csv", csv).status, 200);

  const Reply paths = server.Get("/api/v1/paths?start=view&steps=2&min-share=0");
  ASSERT_EQ(paths.status, 200) << paths.body;
  EXPECT_EQ(paths.Json()["users_with_path"], 20);
  ASSERT_EQ(paths.Json()["paths"].size(), 2u);
  EXPECT_EQ(paths.Json()["paths"][0]["users"], 10);
  EXPECT_EQ(paths.Json()["sankey"]["links"][0]["users"], 10);

  const Reply retention =
      server.Get("/api/v1/cohorts?start-event=view&return-event=buy&period=day&values=count");
  ASSERT_EQ(retention.status, 200) << retention.body;
  EXPECT_EQ(retention.Json()["start_event"], "view");
  uint64_t returned = 0;
  const nlohmann::json cohorts = retention.Json()["cohorts"];
  ASSERT_EQ(cohorts.size(), 5u) << retention.body;
  for (const auto& cohort : cohorts) returned += cohort["values"][0].get<uint64_t>();
  EXPECT_EQ(returned, 10u);

  for (const auto& [target, parameter] :
       {std::pair{"/api/v1/paths?steps=11", "steps"},
        std::pair{"/api/v1/paths?start=nope", "start"},
        std::pair{"/api/v1/paths?start=view&end=buy", "start"},
        std::pair{"/api/v1/paths?min-share=2", "min-share"},
        std::pair{"/api/v1/paths?start=view&exclude=view", "exclude"},
        std::pair{"/api/v1/cohorts?return-event=nope", "return-event"}}) {
    const Reply bad = server.Get(target);
    EXPECT_EQ(bad.status, 400) << target << bad.body;
    EXPECT_NE(bad.body.find(fmt::format("parameter '{}'", parameter)), std::string::npos)
        << target << bad.body;
  }
}

}  // namespace
}  // namespace growthlens
