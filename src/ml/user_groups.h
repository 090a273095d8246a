#pragma once
// Users grouped by segment, for analyses that run per segment (the campaign simulation): the
// 11 RFM segments in rule order, or the personas of a segmentation in persona order. Each
// group lists user codes in the RfmTable's order (ascending id). A group is found by its name
// as people type it (NameKey: case, spaces and punctuation ignored), or by a prefix that only
// one group has ("dormant" for "Dormant Users").
//
//   std::vector<UserGroup> groups = RfmGroups(rfm);
//   Result<size_t> at_risk = FindGroup(groups, "at-risk");

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "metrics/rfm.h"
#include "ml/segmentation.h"

namespace growthlens::ml {

struct UserGroup {
  std::string name;
  std::vector<uint32_t> users;  ///< codes into Dataset::users
};

/// All 11 RFM segments, empty ones included.
std::vector<UserGroup> RfmGroups(const RfmTable& rfm);

/// One group per persona; `segmentation.labels` are per RfmTable row.
std::vector<UserGroup> PersonaGroups(const RfmTable& rfm, const Segmentation& segmentation);

/// The group named `name`, else the only one whose NameKey starts with it. Errors (invalid
/// argument) name what was typed and list the groups with their users.
Result<size_t> FindGroup(const std::vector<UserGroup>& groups, std::string_view name);

}  // namespace growthlens::ml
