// The workspace's block codings (src/store/block_codec.h): delta planes round-trip every int64,
// extremes included, find a common factor, refuse damaged bytes with a message instead of reading
// past them; event times stored as one timestamp column give back their days and milliseconds.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/usage_log.h"
#include "store/block_codec.h"
#include "store/schema.h"
#include "store/stored_table.h"
#include "store/table_layout.h"

namespace growthlens {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

/// The raw (decompressed) block of one delta-planes column, and the reader of it.
std::string PlanesBlock(const std::vector<int64_t>& values) {
  store::BlockWriter writer(static_cast<uint32_t>(values.size()));
  writer.DeltaPlanes("time", values);
  Result<std::string> payload = writer.Compress(3);
  EXPECT_TRUE(payload.ok());
  return *payload;
}

std::vector<int64_t> ReadPlanes(const std::string& payload, size_t rows) {
  Result<store::BlockReader> reader = store::BlockReader::Open(payload, "test block");
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  if (!reader.ok()) return {};
  std::vector<int64_t> values(rows);
  const Status read = reader->Integers("time", values.data());
  EXPECT_TRUE(read.ok()) << read.message();
  return values;
}

TEST(BlockCodecTest, DeltaPlanesRoundTripExtremes) {
  const std::vector<std::vector<int64_t>> cases = {
      {},
      {0},
      {kMin},
      {kMax},
      {kMin, kMax, kMin, 0, kMax, -1, 1},  // differences that wrap around
      {0, 0, 0, 0},
      {1'700'000'000'000, 1'700'000'002'345, 1'700'000'002'345, 1'699'999'000'001},
      {-5, -5'000'000'000'000, 42, int64_t{1} << 62, -(int64_t{1} << 62)},
  };
  for (const std::vector<int64_t>& values : cases)
    EXPECT_EQ(ReadPlanes(PlanesBlock(values), values.size()), values);
  // Every value and difference width, from 1 to 10 varint bytes.
  std::vector<int64_t> widths;
  for (int bit = 0; bit < 63; ++bit) {
    widths.push_back(int64_t{1} << bit);
    widths.push_back(-(int64_t{1} << bit) - 7);
  }
  EXPECT_EQ(ReadPlanes(PlanesBlock(widths), widths.size()), widths);
}

TEST(BlockCodecTest, DeltaPlanesUseTheCommonFactorOfTimesToTheSecond) {
  std::vector<int64_t> seconds, milliseconds;
  for (int64_t row = 0; row < 5000; ++row) {
    seconds.push_back(1'700'000'000'000 + row * 37'000);
    milliseconds.push_back(1'700'000'000'000 + row * 37'001);
  }
  const std::string by_seconds = PlanesBlock(seconds);
  EXPECT_EQ(ReadPlanes(by_seconds, seconds.size()), seconds);
  EXPECT_EQ(ReadPlanes(PlanesBlock(milliseconds), milliseconds.size()), milliseconds);
  // 37 fits a byte, 37,000 needs three: the factor is what makes the difference.
  store::BlockWriter writer(static_cast<uint32_t>(seconds.size()));
  writer.Integers("time", std::span<const int64_t>(seconds));
  Result<std::string> varints = writer.Compress(3);
  ASSERT_TRUE(varints.ok());
  EXPECT_LT(by_seconds.size(), varints->size());
}

TEST(BlockCodecTest, DamagedDeltaPlanesAreRefusedByName) {
  // A hand-made raw block: header, then one column "t" coded as delta planes.
  const auto block = [](uint32_t rows, const std::string& column_bytes) {
    std::string raw = "GLB1";
    for (int byte = 0; byte < 4; ++byte) raw.push_back(static_cast<char>(rows >> (8 * byte)));
    raw += std::string("\x01\0\0\0", 4);  // one column
    raw += std::string("\x01t", 2);
    raw.push_back(static_cast<char>(store::ColumnCoding::kDeltaPlanes));
    for (int byte = 0; byte < 8; ++byte)
      raw.push_back(static_cast<char>(column_bytes.size() >> (8 * byte)));
    return raw + column_bytes;
  };
  const auto read = [&](uint32_t rows, const std::string& column_bytes) {
    Result<store::BlockReader> reader = store::BlockReader::Parse(block(rows, column_bytes), "b");
    if (!reader.ok()) return reader.status();
    std::vector<int64_t> values(rows);
    return reader->Integers("t", values.data());
  };
  EXPECT_TRUE(read(2, std::string("\x01\x02\x03", 3)).ok());  // factor 1, values 1 and -2
  const Status no_factor = read(2, std::string("\x00\x02\x03", 3));
  EXPECT_NE(no_factor.message().find("common factor"), std::string::npos) << no_factor.message();
  const Status short_plane = read(3, std::string("\x01\x02\x03", 3));
  EXPECT_NE(short_plane.message().find("end early"), std::string::npos) << short_plane.message();
  const Status continued = read(1, std::string("\x01\x82", 2));  // says a byte follows; none does
  EXPECT_NE(continued.message().find("end early"), std::string::npos) << continued.message();
  const Status left_over = read(1, std::string("\x01\x02\x03", 3));
  EXPECT_NE(left_over.message().find("left over"), std::string::npos) << left_over.message();
  std::string too_long = "\x01";
  for (int plane = 0; plane < 10; ++plane) too_long.push_back('\x81');
  too_long.push_back('\x01');
  const Status overlong = read(1, too_long);
  EXPECT_NE(overlong.message().find("64 bits"), std::string::npos) << overlong.message();
  // Values that decode but do not fit the reader's type.
  Result<store::BlockReader> wide = store::BlockReader::Open(PlanesBlock({kMax}), "wide");
  ASSERT_TRUE(wide.ok());
  std::vector<int32_t> narrow(1);
  EXPECT_FALSE(wide->Integers("time", narrow.data()).ok());
}

/// The coding the writer picked for column `name` of a one-column block of `values`, and the
/// values read back.
template <typename T>
std::pair<store::ColumnCoding, std::vector<T>> RoundTrip(const std::vector<T>& values) {
  store::BlockWriter writer(static_cast<uint32_t>(values.size()));
  writer.Integers("v", std::span<const T>(values));
  Result<std::string> payload = writer.Compress(3);
  EXPECT_TRUE(payload.ok());
  Result<store::BlockReader> reader = store::BlockReader::Open(*payload, "b");
  EXPECT_TRUE(reader.ok());
  std::vector<T> back(values.size());
  EXPECT_TRUE(reader->Integers("v", back.data()).ok());
  return {reader->CodingOf("v").value_or(store::ColumnCoding::kStrings), back};
}

TEST(BlockCodecTest, AnEmptyBlocksNumberColumnReadsIntoNoMemory) {
  // The fuzzer's find: a block of 0 rows handed its (null) output to memcpy, undefined behaviour
  // that UBSan reports even for 0 bytes.
  store::BlockWriter writer(0);
  writer.Doubles("price", {});
  Result<std::string> payload = writer.Compress(3);
  ASSERT_TRUE(payload.ok());
  Result<store::BlockReader> reader = store::BlockReader::Open(*payload, "block 0");
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  std::vector<double> none;
  EXPECT_TRUE(reader->Doubles("price", none.data()).ok());
}

TEST(BlockCodecTest, AFrameClaimingMoreThanItsBytesCouldHoldIsRefusedBeforeAllocating) {
  // A zstd frame header (magic, single segment, 8-byte content size) claiming 1 GiB, then junk:
  // without the plausibility bound the reader allocated the 1 GiB before finding the damage
  // (the fuzzer's out-of-memory with 2 GiB).
  std::string frame = {'\x28', '\xB5', '\x2F', '\xFD', '\xE0'};
  const uint64_t claimed = uint64_t{1} << 30;
  for (int byte = 0; byte < 8; ++byte) frame += static_cast<char>((claimed >> (8 * byte)) & 0xFF);
  frame += std::string(200, 'x');
  Result<store::BlockReader> reader = store::BlockReader::Open(frame, "block 9");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("claims 1073741824 bytes of content from 213"),
            std::string::npos)
      << reader.status().message();
}

TEST(BlockCodecTest, ColumnsOfLongRunsAreStoredAsRunsAndRoundTrip) {
  std::vector<uint32_t> users;
  for (uint32_t user = 0; user < 300; ++user) users.insert(users.end(), 5 + user % 40, user * 3);
  const auto [coding, back] = RoundTrip(users);
  EXPECT_EQ(coding, store::ColumnCoding::kRuns);
  EXPECT_EQ(back, users);
  // Extremes, runs of one, one run of everything.
  const std::vector<int64_t> extremes = {kMin, kMin, kMin, kMax, kMax, kMax, kMax, 0, 0, 0, -1, -1};
  EXPECT_EQ(RoundTrip(extremes).second, extremes);
  const std::vector<int16_t> constant(1000, -7);
  EXPECT_EQ(RoundTrip(constant).first, store::ColumnCoding::kRuns);
  EXPECT_EQ(RoundTrip(constant).second, constant);
  // Values that change every row are no runs.
  std::vector<int32_t> changing(1000);
  for (int32_t row = 0; row < 1000; ++row) changing[static_cast<size_t>(row)] = row * 7 % 100;
  EXPECT_NE(RoundTrip(changing).first, store::ColumnCoding::kRuns);
  EXPECT_EQ(RoundTrip(changing).second, changing);
}

TEST(BlockCodecTest, DamagedRunsAreRefusedByName) {
  const auto read = [](uint32_t rows, const std::string& column_bytes) {
    std::string raw = "GLB1";
    for (int byte = 0; byte < 4; ++byte) raw.push_back(static_cast<char>(rows >> (8 * byte)));
    raw += std::string("\x01\0\0\0\x01r", 6);
    raw.push_back(static_cast<char>(store::ColumnCoding::kRuns));
    for (int byte = 0; byte < 8; ++byte)
      raw.push_back(static_cast<char>(column_bytes.size() >> (8 * byte)));
    raw += column_bytes;
    Result<store::BlockReader> reader = store::BlockReader::Parse(raw, "b");
    if (!reader.ok()) return reader.status();
    std::vector<int64_t> values(rows);
    return reader->Integers("r", values.data());
  };
  // Two runs: value 1 (zigzag 2) twice, then value 0 (difference -1: zigzag 1) once.
  EXPECT_TRUE(read(3, std::string("\x02\x02\x01\x01\x00", 5)).ok());
  const auto message = [&](uint32_t rows, const std::string& bytes) {
    return read(rows, bytes).message();
  };
  EXPECT_NE(message(3, std::string("\x09\x02\x01\x01\x00", 5)).find("run count"),
            std::string::npos);
  EXPECT_NE(message(3, std::string("\x02\x02\x01\x05\x00", 5)).find("longer than the block"),
            std::string::npos);
  EXPECT_NE(message(4, std::string("\x02\x02\x01\x01\x00", 5)).find("shorter than the block"),
            std::string::npos);
  EXPECT_NE(message(3, std::string("\x02\x02\x01\x01", 4)).find("run lengths end early"),
            std::string::npos);
  EXPECT_NE(message(3, std::string("\x02\x02\x01\x01\x00\x00", 6)).find("left over"),
            std::string::npos);
}

TEST(BlockCodecTest, TimestampsSplitIntoDaysAndMillisecondsOfTheDay) {
  const std::vector<int64_t> times = {0,
                                      store::kMsPerDay - 1,
                                      store::kMsPerDay,
                                      -1,
                                      -store::kMsPerDay,
                                      int64_t{20'000} * store::kMsPerDay + 12'345'678,
                                      int64_t{INT32_MAX} * store::kMsPerDay + store::kMsPerDay - 1,
                                      int64_t{INT32_MIN} * store::kMsPerDay};
  std::vector<Day> days(times.size());
  std::vector<int32_t> ms(times.size());
  ASSERT_TRUE(store::detail::SplitTimes(times, days.data(), ms.data()));
  EXPECT_EQ(days, (std::vector<Day>{0, 0, 1, -1, -1, 20'000, INT32_MAX, INT32_MIN}));
  EXPECT_EQ(ms, (std::vector<int32_t>{0, store::kMsPerDay - 1, 0, store::kMsPerDay - 1, 0,
                                      12'345'678, store::kMsPerDay - 1, 0}));
  for (const int64_t out_of_range : {kMax, kMin, int64_t{INT32_MAX + 1LL} * store::kMsPerDay})
    EXPECT_FALSE(
        store::detail::SplitTimes(std::vector<int64_t>{out_of_range}, days.data(), ms.data()));
}

TEST(BlockCodecTest, EventTimesReadFromTheJointColumnAndFromBlocksWrittenBeforeIt) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("growthlens_block_codec_test_" + std::to_string(::getpid()) + ".glw");
  std::filesystem::remove(path);
  Result<store::Database> db = store::Database::Open(path.string(), true);
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE(store::PrepareSchema(*db).ok());
  UsageColumns events;
  for (uint32_t row = 0; row < 3 * store::kBlockRows / 2; ++row) {
    events.user.push_back(row / 50);
    events.day.push_back(static_cast<Day>(20'000 + row / 7 % 400 - (row % 11 == 0 ? 30'000 : 0)));
    events.feature.push_back(static_cast<uint16_t>(row % 13));
    events.ms_of_day.push_back(static_cast<int32_t>(row * 7'919 % store::kMsPerDay));
  }
  const auto for_each = [](auto& columns, auto&& fn) { store::ForEachUsageRowColumn(columns, fn); };
  store::TableStore store(*db, 3);
  // "old": day and ms_of_day as written before the joint column; "new": one timestamp column.
  ASSERT_TRUE(store.WriteRows("old", std::nullopt, events, for_each, 0, events.user.size()).ok());
  ASSERT_TRUE(store
                  .WriteRows("new", std::nullopt, events, for_each, 0, events.user.size(), nullptr,
                             &store::kEventTime)
                  .ok());
  for (const std::string_view table : {"old", "new"}) {
    Result<std::vector<store::StoredBlock>> blocks = store.Blocks(table);
    ASSERT_TRUE(blocks.ok());
    ASSERT_EQ(blocks->size(), 2u);
    Result<store::BlockReader> first = store::BlockReader::Open(blocks->front().payload, "first");
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->Has("time"), table == "new");
    EXPECT_EQ(first->Has("day"), table == "old");
    EXPECT_EQ(first->Has("ms_of_day"), table == "old");
    UsageColumns read;
    const Status decoded =
        store::DecodeBlocks<UsageColumns>(*blocks, table, read, for_each, &store::kEventTime);
    ASSERT_TRUE(decoded.ok()) << decoded.message();
    EXPECT_EQ(read.user, events.user);
    EXPECT_EQ(read.day, events.day);
    EXPECT_EQ(read.feature, events.feature);
    EXPECT_EQ(read.ms_of_day, events.ms_of_day);
    EXPECT_TRUE(read.events.empty());
  }
  // A usage log (no times of day) keeps its day column: nothing to join.
  UsageColumns usage = events;
  usage.ms_of_day.clear();
  ASSERT_TRUE(store
                  .WriteRows("usage", std::nullopt, usage, for_each, 0, usage.user.size(), nullptr,
                             &store::kEventTime)
                  .ok());
  Result<std::vector<store::StoredBlock>> blocks = store.Blocks("usage");
  ASSERT_TRUE(blocks.ok());
  Result<store::BlockReader> first = store::BlockReader::Open(blocks->front().payload, "first");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->Has("day"));
  EXPECT_FALSE(first->Has("time"));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace growthlens
