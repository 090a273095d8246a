// The collector's body parser (app/event_batch.h): every shape clients send, each bad event
// refused with its index and reason while the good ones are kept, and the limits.

#include "app/event_batch.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace growthlens::app {
namespace {

constexpr int64_t kReceiveMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

EventBatch Parse(std::string_view body, const EventBatchLimits& limits = {}) {
  Result<EventBatch> batch = ParseEventBatch(body, kReceiveMs, limits);
  EXPECT_TRUE(batch.ok()) << batch.status().message();
  return batch.ok() ? std::move(*batch) : EventBatch{};
}

std::string Reason(const EventBatch& batch, size_t i = 0) {
  return batch.rejected.size() > i ? batch.rejected[i].reason : "(not rejected)";
}

TEST(EventBatch, ArrayOfEventsWithEveryField) {
  const EventBatch batch = Parse(R"([{"user_id": "u1", "event": "login",
      "timestamp": "2025-03-01T10:00:00.250+02:00", "count": 3, "uuid": "id-1",
      "properties": {"plan": "pro", "seats": 5, "ratio": 0.5, "beta": true, "gone": null,
                     "tags": ["a", 1]}}])");
  ASSERT_EQ(batch.accepted.size(), 1u);
  const IncomingEvent& event = batch.accepted[0];
  EXPECT_EQ(event.user, "u1");
  EXPECT_EQ(event.event, "login");
  EXPECT_EQ(event.time_ms, 1'740'816'000'250);  // 08:00:00.250 UTC
  EXPECT_EQ(event.count, 3);
  EXPECT_EQ(event.uuid, "id-1");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"beta", "true"}, {"plan", "pro"}, {"ratio", "0.5"}, {"seats", "5"}, {"tags", R"(["a",1])"}};
  EXPECT_EQ(event.properties, expected);  // nlohmann orders keys; the null is left out
}

TEST(EventBatch, MissingTimestampIsReceiveTimeAndEpochNumbersAreTold) {
  const EventBatch batch = Parse(R"([{"user_id": 42, "event": "a"},
      {"user_id": "u", "event": "b", "timestamp": 1740823200123},
      {"user_id": "u", "event": "c", "timestamp": 1740823200},
      {"user_id": "u", "event": "d", "timestamp": 1740823200.5},
      {"user_id": "u", "event": "e", "timestamp": "1740823200123"}])");
  ASSERT_EQ(batch.accepted.size(), 5u) << Reason(batch);
  EXPECT_EQ(batch.accepted[0].user, "42");
  EXPECT_EQ(batch.accepted[0].time_ms, kReceiveMs);
  EXPECT_EQ(batch.accepted[1].time_ms, 1'740'823'200'123);
  EXPECT_EQ(batch.accepted[2].time_ms, 1'740'823'200'000);
  EXPECT_EQ(batch.accepted[3].time_ms, 1'740'823'200'500);
  EXPECT_EQ(batch.accepted[4].time_ms, 1'740'823'200'123);
}

TEST(EventBatch, BadEventsAreListedWithIndexAndReasonAndTheOthersKept) {
  const EventBatch batch = Parse(R"([
      {"user_id": "u", "event": "ok"},
      {"event": "no user"},
      {"user_id": "u"},
      {"user_id": "u", "event": "t", "timestamp": "yesterday"},
      {"user_id": "u", "event": "t", "timestamp": "2126-01-01T00:00:00Z"},
      {"user_id": "u", "event": "t", "timestamp": "1999-12-31T23:59:59Z"},
      {"user_id": "u", "event": "c", "count": 0},
      {"user_id": "u", "event": "c", "count": 2.5},
      {"user_id": "u", "event": "c", "count": "3"},
      "just a string",
      {"user_id": "", "event": "e"},
      {"user_id": "u", "event": "p", "properties": [1]},
      {"user_id": "u", "event": "ok again"}])");
  ASSERT_EQ(batch.accepted.size(), 2u);
  EXPECT_EQ(batch.accepted[0].index, 0u);
  EXPECT_EQ(batch.accepted[1].index, 12u);
  ASSERT_EQ(batch.rejected.size(), 11u);
  for (uint32_t i = 0; i < 11; ++i) EXPECT_EQ(batch.rejected[i].index, i + 1);
  EXPECT_NE(Reason(batch, 0).find("missing user"), std::string::npos) << Reason(batch, 0);
  EXPECT_NE(Reason(batch, 1).find("missing event"), std::string::npos) << Reason(batch, 1);
  EXPECT_NE(Reason(batch, 2).find("bad timestamp \"yesterday\""), std::string::npos)
      << Reason(batch, 2);
  EXPECT_NE(Reason(batch, 3).find("ahead of the server's clock"), std::string::npos);
  EXPECT_NE(Reason(batch, 4).find("before 2000"), std::string::npos);
  for (size_t i = 5; i <= 7; ++i)
    EXPECT_NE(Reason(batch, i).find("count must be a whole number"), std::string::npos) << i;
  EXPECT_NE(Reason(batch, 8).find("not a JSON object"), std::string::npos);
  EXPECT_NE(Reason(batch, 9).find("non-empty"), std::string::npos);
  EXPECT_NE(Reason(batch, 10).find("properties must be a JSON object"), std::string::npos);
}

TEST(EventBatch, LimitsOnStringsAndProperties) {
  EventBatchLimits limits;
  limits.max_name_bytes = 8;
  limits.max_value_bytes = 4;
  limits.max_properties = 2;
  const EventBatch batch = Parse(R"([
      {"user_id": "123456789", "event": "e"},
      {"user_id": "u", "event": "123456789"},
      {"user_id": "u", "event": "e", "uuid": "123456789"},
      {"user_id": "u", "event": "e", "properties": {"k": "12345"}},
      {"user_id": "u", "event": "e", "properties": {"a": 1, "b": 2, "c": 3}},
      {"user_id": "u", "event": "e", "properties": {"123456789": 1}},
      {"user_id": "12345678", "event": "e", "properties": {"k": "1234", "j": 1}}])",
                                 limits);
  ASSERT_EQ(batch.accepted.size(), 1u);
  EXPECT_EQ(batch.accepted[0].index, 6u);
  EXPECT_EQ(Reason(batch, 0), "user_id over 8 bytes");
  EXPECT_EQ(Reason(batch, 1), "event over 8 bytes");
  EXPECT_EQ(Reason(batch, 2), "uuid over 8 bytes");
  EXPECT_EQ(Reason(batch, 3), "property 'k' over 4 bytes");
  EXPECT_EQ(Reason(batch, 4), "more than 2 properties");
  EXPECT_EQ(Reason(batch, 5), "a property name over 8 bytes");
}

TEST(EventBatch, NdjsonLinesAreEventsAndABadLineIsOneRejection) {
  const EventBatch batch = Parse(
      "{\"user_id\": \"a\", \"event\": \"x\"}\r\n\n  \n{\"user_id\": \"b\", \"event\": \"y\"}\n"
      "{broken\n{\"user_id\": \"c\", \"event\": \"z\"}");
  ASSERT_EQ(batch.accepted.size(), 3u);
  EXPECT_EQ(batch.accepted[2].user, "c");
  EXPECT_EQ(batch.accepted[2].index, 3u);  // blank lines do not count
  ASSERT_EQ(batch.rejected.size(), 1u);
  EXPECT_EQ(batch.rejected[0].index, 2u);
  EXPECT_NE(Reason(batch).find("line 3 is not JSON"), std::string::npos) << Reason(batch);
}

TEST(EventBatch, SegmentBatchTrackPageAndIdentify) {
  const EventBatch batch = Parse(R"({"batch": [
      {"type": "track", "userId": "u1", "event": "Signed Up", "messageId": "m-1",
       "timestamp": "2025-01-01T00:00:00Z", "properties": {"plan": "pro"}},
      {"type": "page", "anonymousId": "anon-9", "name": "Pricing", "messageId": "m-2",
       "originalTimestamp": "2025-01-01T00:00:01Z"},
      {"type": "identify", "userId": "u1", "traits": {"email": "x"}}],
      "sentAt": "2025-01-01T00:00:02Z", "context": {"library": {"name": "analytics-node"}}})");
  ASSERT_EQ(batch.accepted.size(), 2u);
  EXPECT_EQ(batch.accepted[0].event, "Signed Up");
  EXPECT_EQ(batch.accepted[0].uuid, "m-1");
  EXPECT_EQ(batch.accepted[1].event, "page_view");
  EXPECT_EQ(batch.accepted[1].user, "anon-9");
  EXPECT_EQ(batch.accepted[1].time_ms, 1'735'689'601'000);
  const std::vector<std::pair<std::string, std::string>> page = {{"name", "Pricing"}};
  EXPECT_EQ(batch.accepted[1].properties, page);
  ASSERT_EQ(batch.rejected.size(), 1u);
  EXPECT_EQ(batch.rejected[0].index, 2u);
  EXPECT_NE(Reason(batch).find("'identify' call holds no event"), std::string::npos);
}

TEST(EventBatch, PostHogCaptureAndBatch) {
  const EventBatch single = Parse(
      R"({"api_key": "phc_x", "event": "$pageview", "distinct_id": "d1",
          "properties": {"$current_url": "/"}, "timestamp": "2025-06-01T12:00:00Z"})");
  ASSERT_EQ(single.accepted.size(), 1u);
  EXPECT_EQ(single.accepted[0].user, "d1");
  const EventBatch batch = Parse(R"({"api_key": "phc_x", "batch": [
      {"event": "clicked", "properties": {"distinct_id": "d2", "button": "buy"},
       "uuid": "0190-aa", "type": "capture"}]})");
  ASSERT_EQ(batch.accepted.size(), 1u) << Reason(batch);
  EXPECT_EQ(batch.accepted[0].user, "d2");
  EXPECT_EQ(batch.accepted[0].uuid, "0190-aa");
  const std::vector<std::pair<std::string, std::string>> properties = {{"button", "buy"}};
  EXPECT_EQ(batch.accepted[0].properties, properties);  // distinct_id is the user, not a property
}

TEST(EventBatch, BodiesRefusedWhole) {
  const auto code = [](std::string_view body, const EventBatchLimits& limits = {}) {
    return ParseEventBatch(body, kReceiveMs, limits).status().code();
  };
  EXPECT_EQ(code(""), ErrorCode::kParseError);
  EXPECT_EQ(code("  \n "), ErrorCode::kParseError);
  EXPECT_EQ(code("[{\"user_id\": \"u\", \"event\": \"x\"}"), ErrorCode::kParseError);
  EXPECT_EQ(code("{\n\"user_id\": \"u\",\n\"event\": }\n"), ErrorCode::kParseError);
  EXPECT_EQ(code("{\"batch\": {}}"), ErrorCode::kParseError);
  EXPECT_EQ(code("[{\"user_id\": \"\xff\", \"event\": \"x\"}]"), ErrorCode::kParseError);
  EventBatchLimits two;
  two.max_events = 2;
  EXPECT_EQ(code("[{}, {}, {}]", two), ErrorCode::kDataError);
  EXPECT_EQ(code("{}\n{}\n{}\n", two), ErrorCode::kDataError);
  EXPECT_EQ(code("[{}, {}]", two), ErrorCode::kOk);
  const Status refused = ParseEventBatch("[1, 2", kReceiveMs).status();
  EXPECT_NE(refused.message().find("not JSON or NDJSON"), std::string::npos) << refused.message();
}

TEST(EventBatch, NumbersTooLargeForADoubleAreRefusedNotThrown) {
  // nlohmann reports 1e999 as out_of_range, not parse_error (a fuzzer's find, CI).
  EXPECT_EQ(ParseEventBatch("1e999", kReceiveMs).status().code(), ErrorCode::kParseError);
  EXPECT_EQ(
      ParseEventBatch("[{\"user_id\": \"u\", \"event\": \"x\", \"count\": 5e999}]", kReceiveMs)
          .status()
          .code(),
      ErrorCode::kParseError);
  const EventBatch lines = Parse(
      "{\"user_id\": \"b\", \"event\": \"y\"}\n"
      "{\"user_id\": \"a\", \"event\": \"x\", \"count\": 1e70422396}\n");
  ASSERT_EQ(lines.accepted.size(), 1u);
  EXPECT_EQ(lines.accepted[0].user, "b");
  ASSERT_EQ(lines.rejected.size(), 1u);
  EXPECT_NE(Reason(lines).find("line 2 is not JSON"), std::string::npos) << Reason(lines);
}

TEST(EventBatch, AnswerCountsAndListsErrors) {
  const EventBatch batch = Parse(R"([{"user_id": "u", "event": "a"}, {"event": "b"}, 3])");
  EXPECT_EQ(EventBatchAnswerJson(batch),
            R"({"received":3,"accepted":1,"rejected":2,"errors":[{"index":1,"reason":)"
            R"x("missing user: expected user_id (or userId, distinct_id, anonymousId)"},)x"
            R"({"index":2,"reason":"not a JSON object: an event is {\"user_id\", \"event\", )"
            R"(\"timestamp\"}"}]})");
  EXPECT_EQ(EventBatchAnswerJson(batch, 1).find("\"index\":2"), std::string::npos);
}

/// The same body judged through a JSON document (the reading before the SAX reader, and still
/// the path of a stream message's event: AddEvent), for bodies that are JSON.
EventBatch ViaDocument(std::string_view body, const EventBatchLimits& limits = {}) {
  const nlohmann::json whole = nlohmann::json::parse(body.begin(), body.end());
  const nlohmann::json* events = &whole;
  if (whole.is_object() && whole.contains("batch") && !whole["batch"].is_null())
    events = &whole["batch"];
  EventBatch batch;
  if (!events->is_array()) {
    AddEvent(*events, 0, kReceiveMs, limits, batch);
    return batch;
  }
  uint32_t index = 0;
  for (const nlohmann::json& event : *events) AddEvent(event, index++, kReceiveMs, limits, batch);
  return batch;
}

void ExpectSameBatch(const EventBatch& sax, const EventBatch& document) {
  ASSERT_EQ(sax.accepted.size(), document.accepted.size());
  for (size_t i = 0; i < sax.accepted.size(); ++i) {
    SCOPED_TRACE(i);
    const IncomingEvent &a = sax.accepted[i], &b = document.accepted[i];
    EXPECT_EQ(a.index, b.index);
    EXPECT_EQ(a.user, b.user);
    EXPECT_EQ(a.event, b.event);
    EXPECT_EQ(a.time_ms, b.time_ms);
    EXPECT_EQ(a.count, b.count);
    EXPECT_EQ(a.uuid, b.uuid);
    EXPECT_EQ(a.properties, b.properties);
  }
  ASSERT_EQ(sax.rejected.size(), document.rejected.size());
  for (size_t i = 0; i < sax.rejected.size(); ++i) {
    EXPECT_EQ(sax.rejected[i].index, document.rejected[i].index);
    EXPECT_EQ(sax.rejected[i].reason, document.rejected[i].reason);
  }
}

// The SAX reader must judge exactly as a document of the body would: keys given twice (the last
// counts), nested values as compact JSON text, properties by key, null fields, batches whose key
// comes before or after the other fields, events that are no objects, PostHog's distinct_id
// among the properties, page calls with a name.
TEST(EventBatch, TheSaxReaderJudgesAsADocumentWould) {
  const std::vector<std::string> bodies = {
      R"([{"user_id": "u1", "event": "a", "event": "b", "timestamp": 1767225000000,
          "properties": {"z": 1, "a": {"y": [1, {"k": null}], "x": 2.5}, "z": "again", "n": null,
                         "m": 18446744073709551615, "f": -0.0, "t": false}},
         {"user_id": null, "userId": 7, "event": "c", "properties": null},
         {"distinct_id": "d1", "event": "e", "properties": "no"},
         [1, 2], "text", 3, null,
         {"event": "p", "properties": {"distinct_id": "p1", "k": "v"}},
         {"event": "p", "properties": {"distinct_id": 42}},
         {"event": "p", "properties": {"distinct_id": 4.5}},
         {"user_id": "u", "type": "page", "name": "Pricing", "properties": {"name": null}},
         {"user_id": "u", "type": "screen", "name": "Home"},
         {"user_id": "u", "type": "identify", "traits": {"a": 1}},
         {"user_id": "u", "event": "t", "timestamp": {"when": [1, 2]}},
         {"user_id": "u", "event": "t", "timestamp": "2025-03-01T10:00:00Z", "count": 2.0,
          "uuid": 12, "properties": {"a": 1}, "properties": {"b": [true]}},
         {"user_id": "u", "event": "t", "count": 0.5},
         {"user_id": "u", "event": "t", "uuid": ""}])",
      R"({"sentAt": "2025-12-31T23:59:59Z", "batch": [{"userId": "s1", "event": "x",
          "type": "track", "messageId": "m1"}, {"userId": "s2", "event": "y"}],
          "context": {"library": {"name": "analytics"}}})",
      R"({"api_key": "k", "batch": [], "batch": [{"distinct_id": "q", "event": "$pageview",
          "properties": {"$current_url": "/a", "distinct_id": "q"}}]})",
      R"({"batch": null, "user_id": "one", "event": "single", "properties": {"a": {"b": {}}}})",
      R"({"batch": [{"user_id": "lost", "event": "x"}], "batch": null, "user_id": "kept",
          "event": "single"})",
      R"({"user_id": "solo", "event": "x", "properties": {"list": [[], {}, [1, [2]]]}})",
      R"("just a string")",
      R"([])",
  };
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body);
    ExpectSameBatch(Parse(body), ViaDocument(body));
  }
  EventBatchLimits tight;
  tight.max_properties = 2;
  tight.max_value_bytes = 8;
  tight.max_name_bytes = 4;
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body);
    ExpectSameBatch(Parse(body, tight), ViaDocument(body, tight));
  }
}

TEST(EventBatch, ABatchThatIsNoArrayAndTooManyEventsInABatchAreRefused) {
  Result<EventBatch> not_array = ParseEventBatch(R"({"batch": {"a": 1}})", kReceiveMs);
  ASSERT_FALSE(not_array.ok());
  EXPECT_EQ(not_array.status().message(), "'batch' must be a JSON array of events");
  EventBatchLimits limits;
  limits.max_events = 2;
  Result<EventBatch> many =
      ParseEventBatch(R"({"batch": [{}, 1, [2], {"user_id": "u"}]})", kReceiveMs, limits);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("holds 4 events; at most 2"), std::string::npos)
      << many.status().message();
  // The last "batch" counts: an earlier one's events are not counted.
  EXPECT_EQ(Parse(R"({"batch": [1, 2, 3], "batch": [{"user_id": "u", "event": "e"}]})", limits)
                .accepted.size(),
            1u);
}

}  // namespace
}  // namespace growthlens::app
