// What a ClickHouse workspace's server answers for a route it does not push down (issue 22): a
// 501 whose JSON names the parameter at fault, as other refusals do, so the page can point at
// the setting to change. No ClickHouse server is needed: the refusal is decided before any query.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "app/analysis_registry.h"
#include "app/param_spec.h"
#include "server/clickhouse_serving.h"

namespace growthlens::server {
namespace {

/// The refusal of the API route `path` with `given` (checked and defaulted as the server does).
std::optional<ApiError> Refusal(const std::string& path, const app::ParamText& given) {
  const app::AnalysisEntry* entry = app::FindApiRoute(path);
  EXPECT_NE(entry, nullptr) << path;
  if (entry == nullptr) return std::nullopt;
  Result<app::ParamText> params = app::Canonical(entry->params, given, app::Naming::kApi, path);
  EXPECT_TRUE(params.ok()) << params.status().message();
  if (!params.ok()) return std::nullopt;
  return RefuseOnClickHouse(*entry, *params);
}

TEST(ClickHouseRefusal, BehaviouralCohortsOverAWindowNameTheWindowParameter) {
  std::optional<ApiError> from =
      Refusal("cohorts", {{"start-event", "sign_up"}, {"from", "2025-03-01"}});
  ASSERT_TRUE(from.has_value());
  EXPECT_EQ(from->http_status, 501);
  EXPECT_EQ(from->parameter, "from");
  EXPECT_NE(from->message.find("2025-03-01"), std::string::npos) << from->message;
  EXPECT_NE(from->Body().find("\"parameter\":\"from\""), std::string::npos) << from->Body();

  std::optional<ApiError> to =
      Refusal("cohorts", {{"return-event", "search"}, {"to", "2025-04-30"}});
  ASSERT_TRUE(to.has_value());
  EXPECT_EQ(to->http_status, 501);
  EXPECT_EQ(to->parameter, "to");
  EXPECT_NE(to->message.find("2025-04-30"), std::string::npos) << to->message;
}

TEST(ClickHouseRefusal, WhatRunsThereIsNotRefused) {
  // Behavioural cohorts over all time, and cohorts by signup over a window, are pushed down.
  EXPECT_FALSE(Refusal("cohorts", {{"start-event", "sign_up"}}).has_value());
  EXPECT_FALSE(Refusal("cohorts", {{"from", "2025-03-01"}, {"to", "2025-04-30"}}).has_value());
}

TEST(ClickHouseRefusal, OtherRefusalsStillNameTheirParameter) {
  std::optional<ApiError> users = Refusal("users", {{"from", "2025-03-01"}});
  ASSERT_TRUE(users.has_value());
  EXPECT_EQ(users->http_status, 501);
  EXPECT_EQ(users->parameter, "from");
  EXPECT_FALSE(Refusal("paths", {}).has_value());
}

}  // namespace
}  // namespace growthlens::server
