#include "ml/user_groups.h"

#include <fmt/format.h>

#include "core/name_key.h"
#include "core/number_format.h"

namespace growthlens::ml {

std::vector<UserGroup> RfmGroups(const RfmTable& rfm) {
  std::vector<UserGroup> groups(kRfmSegmentCount);
  for (size_t segment = 0; segment < kRfmSegmentCount; ++segment)
    groups[segment].name = RfmSegmentName(static_cast<RfmSegment>(segment));
  for (size_t row = 0; row < rfm.size(); ++row)
    groups[static_cast<size_t>(rfm.segment[row])].users.push_back(rfm.user[row]);
  return groups;
}

std::vector<UserGroup> PersonaGroups(const RfmTable& rfm, const Segmentation& segmentation) {
  std::vector<UserGroup> groups(segmentation.personas.size());
  for (size_t persona = 0; persona < groups.size(); ++persona)
    groups[persona].name = segmentation.personas[persona].name;
  for (size_t row = 0; row < rfm.size() && row < segmentation.labels.size(); ++row)
    groups[static_cast<size_t>(segmentation.labels[row])].users.push_back(rfm.user[row]);
  return groups;
}

Result<size_t> FindGroup(const std::vector<UserGroup>& groups, std::string_view name) {
  const std::string key = NameKey(name);
  std::vector<size_t> prefixed;
  for (size_t group = 0; group < groups.size(); ++group) {
    const std::string group_key = NameKey(groups[group].name);
    if (group_key == key) return group;
    if (!key.empty() && group_key.starts_with(key)) prefixed.push_back(group);
  }
  if (prefixed.size() == 1) return prefixed.front();
  std::string names;
  for (const UserGroup& group : groups)
    names += fmt::format("{}{} ({} users)", names.empty() ? "" : ", ", group.name,
                         GroupedNumber(static_cast<double>(group.users.size()), 0));
  return Status(
      ErrorCode::kInvalidArgument,
      fmt::format("'{}' {}; expected one of {}", name,
                  prefixed.empty() ? "names no segment" : "names several segments", names));
}

}  // namespace growthlens::ml
