#include "store/inbox_group.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "store/block_codec.h"

namespace growthlens::store {

namespace {

// Level 1: the group is compressed on the one thread that commits, once; read back by the
// watcher and the fold, which decompress at several times the speed either way.
constexpr int kGroupLevel = 1;

}  // namespace

void InboxGroupColumns::Reserve(size_t events) {
  id.reserve(events);
  user.reserve(events);
  event.reserve(events);
  time_ms.reserve(events);
  count.reserve(events);
  properties_json.reserve(events);
}

void InboxGroupColumns::Add(int64_t event_id, const InboxEvent& added) {
  id.push_back(event_id);
  user.push_back(added.user);
  event.push_back(added.event);
  time_ms.push_back(added.time_ms);
  count.push_back(added.count);
  properties_json.push_back(added.properties_json);
}

void InboxGroupColumns::AddRow(const InboxRows& rows, size_t row) {
  id.push_back(rows.id[row]);
  user.push_back(rows.user[row]);
  event.push_back(rows.event[row]);
  time_ms.push_back(rows.time_ms[row]);
  count.push_back(rows.count[row]);
  properties_json.push_back(rows.properties_json[row]);
}

Result<std::string> EncodeInboxGroup(const InboxGroupColumns& group) {
  BlockWriter writer(static_cast<uint32_t>(group.size()));
  writer.Integers("id", std::span<const int64_t>(group.id));
  writer.Strings("user", std::span<const std::string_view>(group.user));
  writer.Strings("event", std::span<const std::string_view>(group.event));
  writer.Integers("time_ms", std::span<const int64_t>(group.time_ms));
  writer.Integers("count", std::span<const int32_t>(group.count));
  writer.Strings("properties", std::span<const std::string_view>(group.properties_json));
  return writer.Compress(kGroupLevel);
}

Status DecodeInboxGroup(std::string_view payload, int64_t received_ms, int64_t after_id,
                        size_t limit, bool with_properties, std::string_view what,
                        InboxRows& rows) {
  Result<BlockReader> reader = BlockReader::Open(payload, std::string(what));
  if (!reader.ok()) return reader.status();
  const size_t events = reader->rows();
  std::vector<int64_t> ids(events), times(events);
  std::vector<int32_t> counts(events);
  GROWTHLENS_RETURN_IF_ERROR(reader->Integers("id", ids.data()));
  if (std::adjacent_find(ids.begin(), ids.end(), std::greater_equal<>()) != ids.end())
    return Status(ErrorCode::kDataError, fmt::format("{}: its event ids do not ascend", what));
  // Ids ascend: skip those already seen.
  const size_t first =
      static_cast<size_t>(std::upper_bound(ids.begin(), ids.end(), after_id) - ids.begin());
  const size_t end = first + std::min(limit, events - first);
  if (first == end) return Status::Ok();
  std::vector<std::string_view> users, names, properties;
  users.reserve(events);
  names.reserve(events);
  GROWTHLENS_RETURN_IF_ERROR(reader->Strings("user", users));
  GROWTHLENS_RETURN_IF_ERROR(reader->Strings("event", names));
  GROWTHLENS_RETURN_IF_ERROR(reader->Integers("time_ms", times.data()));
  GROWTHLENS_RETURN_IF_ERROR(reader->Integers("count", counts.data()));
  if (with_properties) {
    properties.reserve(events);
    GROWTHLENS_RETURN_IF_ERROR(reader->Strings("properties", properties));
  }
  for (size_t row = first; row < end; ++row) {
    rows.id.push_back(ids[row]);
    rows.received_ms.push_back(received_ms);
    rows.user.emplace_back(users[row]);
    rows.event.emplace_back(names[row]);
    rows.time_ms.push_back(times[row]);
    rows.count.push_back(counts[row]);
    rows.properties_json.emplace_back(with_properties ? properties[row] : std::string_view());
  }
  return Status::Ok();
}

}  // namespace growthlens::store
