// Live ingestion from a Redis stream (issue 19 item 3), against a redis-server of the test's own:
// messages of every form become events, unreadable ones go to the dead-letter stream with the
// reason, nothing is acknowledged before the sink committed it, a restarted consumer gets its
// pending messages again, another consumer's stale ones are claimed, and the uuid the message's
// id gives makes a redelivery a duplicate rather than a second event.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "live/message_events.h"
#include "live/redis_stream_source.h"
#include "live/stream_consumer.h"
#include "redis_test_server.h"

namespace growthlens::live {
namespace {

using std::chrono::milliseconds;

/// Keeps what it is given, once per uuid, as a workspace would.
class MemorySink final : public EventSink {
 public:
  Result<SinkOutcome> Commit(std::span<const app::IncomingEvent> events) override {
    ++commits;
    if (fail_next) {
      fail_next = false;
      return Status(ErrorCode::kIoError, "the disk is full");
    }
    SinkOutcome outcome;
    for (const app::IncomingEvent& event : events) {
      if (!event.uuid.empty() && !uuids.insert(event.uuid).second) {
        ++outcome.duplicates;
        continue;
      }
      stored.push_back(event);
      ++outcome.stored;
    }
    stored_count = stored.size();
    return outcome;
  }
  std::vector<app::IncomingEvent> stored;
  std::atomic<size_t> stored_count = 0;  // read by a test while Run() commits
  std::set<std::string> uuids;
  int commits = 0;
  bool fail_next = false;
};

/// A source whose acknowledgement fails once: the crash between commit and XACK.
class AckFailsOnce final : public EventSource {
 public:
  explicit AckFailsOnce(EventSource& inner) : inner_(inner) {}
  std::string Name() const override { return inner_.Name(); }
  Result<std::vector<SourceMessage>> Next(size_t max, milliseconds wait) override {
    return inner_.Next(max, wait);
  }
  Status DeadLetter(const SourceMessage& message, std::string_view reason) override {
    return inner_.DeadLetter(message, reason);
  }
  Status Acknowledge(std::span<const std::string> ids) override {
    if (failed_) return inner_.Acknowledge(ids);
    failed_ = true;
    return Status(ErrorCode::kIoError, "connection reset");
  }
  Result<SourceLag> Lag() override { return inner_.Lag(); }
  void Redeliver() override { inner_.Redeliver(); }

 private:
  EventSource& inner_;
  bool failed_ = false;
};

class RedisConsumer : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.ready())
        << "redis-server did not start: install it (scripts/install-deps.sh)";
    Result<RedisConnection> connection =
        RedisConnection::Open(redis_.address(), milliseconds(2000));
    ASSERT_TRUE(connection.ok()) << connection.status().message();
    client_.emplace(std::move(*connection));
  }

  void Add(std::initializer_list<std::string_view> fields) {
    std::vector<std::string_view> command = {"XADD", "events", "*"};
    command.insert(command.end(), fields.begin(), fields.end());
    Result<RedisValue> added = client_->Command(command);
    ASSERT_TRUE(added.ok()) << added.status().message();
  }

  std::unique_ptr<RedisStreamSource> Source(const std::string& consumer,
                                            milliseconds claim_idle = milliseconds(30'000)) {
    RedisStreamOptions options;
    options.consumer = consumer;
    options.claim_idle = claim_idle;
    Result<std::unique_ptr<RedisStreamSource>> source =
        RedisStreamSource::Open(redis_.address(), options);
    EXPECT_TRUE(source.ok()) << source.status().message();
    return source.ok() ? std::move(*source) : nullptr;
  }

  int64_t Integer(std::initializer_list<std::string_view> command) {
    Result<RedisValue> reply = client_->Command(command);
    return reply.ok() ? reply->integer : -1;
  }
  int64_t Pending() {
    Result<RedisValue> reply = client_->Command({"XPENDING", "events", "growthlens"});
    return reply.ok() && !reply->elements.empty() ? reply->elements[0].integer : -1;
  }

  static ConsumerOptions Quick() {
    ConsumerOptions options;
    options.wait = milliseconds(50);
    options.backoff = milliseconds(10);
    return options;
  }

  testing::RedisTestServer redis_;
  std::optional<RedisConnection> client_;
};

TEST_F(RedisConsumer, EveryMessageFormBecomesEventsAndBadOnesAreDeadLettered) {
  Add({"user_id", "u1", "event", "login", "timestamp", "2025-03-01T10:00:00Z", "count", "2",
       "platform", "ios"});
  Add({"json", R"([{"user_id": "u2", "event": "a", "uuid": "given"},
                   {"user_id": "u3", "event": "b"}, {"event": "no user"}])"});
  Add({"data", R"({"distinct_id": "u4", "event": "c", "properties": {"plan": "pro"}})"});
  Add({"event", "orphan"});
  Add({"user_id", "u5", "event", "d", "properties", "not json"});
  std::unique_ptr<RedisStreamSource> source = Source("c1");
  ASSERT_NE(source, nullptr);
  MemorySink sink;
  StreamConsumer consumer(*source, sink, Quick());
  Result<size_t> polled = consumer.Poll();
  ASSERT_TRUE(polled.ok()) << polled.status().message();
  EXPECT_EQ(*polled, 5u);

  ASSERT_EQ(sink.stored.size(), 4u);
  EXPECT_EQ(sink.stored[0].user, "u1");
  EXPECT_EQ(sink.stored[0].count, 2);
  EXPECT_EQ(sink.stored[0].time_ms, 1'740'823'200'000);
  const std::vector<std::pair<std::string, std::string>> platform = {{"platform", "ios"}};
  EXPECT_EQ(sink.stored[0].properties, platform);
  EXPECT_EQ(sink.stored[1].uuid, "given");
  EXPECT_NE(sink.stored[2].uuid.find("/1"), std::string::npos) << sink.stored[2].uuid;
  EXPECT_EQ(sink.stored[3].user, "u4");

  EXPECT_EQ(Pending(), 0);
  EXPECT_EQ(Integer({"XLEN", "events:dead"}), 3);  // the batch's bad event, orphan, "not json"
  Result<RedisValue> dead = client_->Command({"XRANGE", "events:dead", "-", "+"});
  ASSERT_TRUE(dead.ok());
  const std::string first = dead->elements[0].elements[1].elements[5].text;  // "reason"
  EXPECT_NE(first.find("event 2: missing user"), std::string::npos) << first;
  const ConsumerStats& stats = consumer.stats();
  EXPECT_EQ(stats.messages, 5u);
  EXPECT_EQ(stats.stored, 4u);
  EXPECT_EQ(stats.dead_letters, 3u);
  EXPECT_EQ(stats.rejected, 3u);
}

TEST_F(RedisConsumer, NothingIsAcknowledgedBeforeTheSinkCommitted) {
  Add({"user_id", "u1", "event", "a"});
  std::unique_ptr<RedisStreamSource> source = Source("c1");
  MemorySink sink;
  sink.fail_next = true;
  StreamConsumer consumer(*source, sink, Quick());
  EXPECT_FALSE(consumer.Poll().ok());
  EXPECT_EQ(Pending(), 1);  // still Redis's: handed out again
  Result<size_t> again = consumer.Poll();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, 1u);
  EXPECT_EQ(sink.stored.size(), 1u);
  EXPECT_EQ(Pending(), 0);
}

TEST_F(RedisConsumer, ACrashBetweenCommitAndAcknowledgementStoresEachEventOnce) {
  for (int i = 0; i < 10; ++i) Add({"user_id", "u", "event", "e"});
  MemorySink sink;
  {
    std::unique_ptr<RedisStreamSource> source = Source("c1");
    AckFailsOnce crashing(*source);
    StreamConsumer consumer(crashing, sink, Quick());
    EXPECT_FALSE(consumer.Poll().ok());
  }  // the consumer is gone; its 10 messages are pending
  EXPECT_EQ(sink.stored.size(), 10u);
  EXPECT_EQ(Pending(), 10);
  std::unique_ptr<RedisStreamSource> restarted = Source("c1");
  StreamConsumer consumer(*restarted, sink, Quick());
  Result<size_t> polled = consumer.Poll();
  ASSERT_TRUE(polled.ok()) << polled.status().message();
  EXPECT_EQ(*polled, 10u);
  EXPECT_EQ(consumer.stats().duplicates, 10u);
  EXPECT_EQ(sink.stored.size(), 10u);
  EXPECT_EQ(Pending(), 0);
}

TEST_F(RedisConsumer, AnotherConsumersStaleMessagesAreClaimed) {
  for (int i = 0; i < 3; ++i) Add({"user_id", "u", "event", "e"});
  std::unique_ptr<RedisStreamSource> dead = Source("dead");
  Result<std::vector<SourceMessage>> taken = dead->Next(10, milliseconds(50));
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->size(), 3u);  // handed to "dead", which never acknowledges
  std::unique_ptr<RedisStreamSource> fresh = Source("fresh", milliseconds(100));
  MemorySink sink;
  StreamConsumer consumer(*fresh, sink, Quick());
  std::this_thread::sleep_for(milliseconds(150));
  Result<size_t> polled = consumer.Poll();
  ASSERT_TRUE(polled.ok()) << polled.status().message();
  EXPECT_EQ(*polled, 3u);
  EXPECT_EQ(sink.stored.size(), 3u);
  EXPECT_EQ(Pending(), 0);
  Result<SourceLag> lag = fresh->Lag();
  ASSERT_TRUE(lag.ok()) << lag.status().message();
  EXPECT_EQ(lag->pending, 0);
  EXPECT_EQ(lag->waiting, 0);
}

TEST_F(RedisConsumer, RunStopsWhenAskedAndReportsFailures) {
  for (int i = 0; i < 2'500; ++i) Add({"user_id", std::to_string(i), "event", "e"});
  std::unique_ptr<RedisStreamSource> source = Source("c1");
  MemorySink sink;
  sink.fail_next = true;
  StreamConsumer consumer(*source, sink, Quick());
  std::vector<std::string> errors;
  std::stop_source stop;
  std::jthread worker([&] {
    consumer.Run(stop.get_token(),
                 [&](const Status& status) { errors.push_back(status.message()); });
  });
  for (int i = 0; i < 200 && sink.stored_count < 2'500; ++i)
    std::this_thread::sleep_for(milliseconds(25));
  stop.request_stop();
  worker.join();
  EXPECT_EQ(sink.stored.size(), 2'500u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("the disk is full"), std::string::npos) << errors[0];
  EXPECT_EQ(Pending(), 0);
}

TEST_F(RedisConsumer, RunStoresWhatItReadAheadBeforeItStops) {
  for (int i = 0; i < 2'500; ++i) Add({"user_id", std::to_string(i), "event", "e"});
  std::unique_ptr<RedisStreamSource> source = Source("c1");
  MemorySink sink;
  ConsumerOptions options = Quick();
  options.batch = 1'000;
  StreamConsumer consumer(*source, sink, options);
  std::vector<size_t> rounds;
  // Stops after the first round: the second round's 1,000 messages were read during its commit.
  consumer.Run(
      std::stop_token(), [](const Status&) {},
      [&](size_t polled) {
        rounds.push_back(polled);
        return false;
      });
  ASSERT_EQ(rounds, std::vector<size_t>{1'000});
  EXPECT_EQ(sink.stored.size(), 2'000u);  // both rounds stored, the third never read
  EXPECT_EQ(consumer.stats().messages, 2'000u);
  EXPECT_EQ(Pending(), 0);  // and acknowledged: nothing left pending for a restart
}

TEST(RedisAddress, ParsesAndRefusesWithTheExpectedForm) {
  Result<RedisAddress> full = RedisAddress::Parse("redis://user:secret@db.local:6380/2");
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full->host, "db.local");
  EXPECT_EQ(full->port, 6380);
  EXPECT_EQ(full->user, "user");
  EXPECT_EQ(full->password, "secret");
  EXPECT_EQ(full->database, 2);
  EXPECT_EQ(full->Display(), "redis://***@db.local:6380/2");
  Result<RedisAddress> plain = RedisAddress::Parse("redis://127.0.0.1");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->port, 6379);
  for (const char* bad : {"http://x", "redis://", "redis://h:0", "redis://h:99999", "redis://h:x",
                          "redis://h/x", "redis://nopass@h"}) {
    const Result<RedisAddress> refused = RedisAddress::Parse(bad);
    EXPECT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.status().message().find("expected redis://"), std::string::npos) << bad;
  }
}

TEST(RedisAddress, NoServerIsAClearError) {
  RedisAddress address;
  address.port = testing::FreeLoopbackPort();
  const Result<RedisConnection> connection = RedisConnection::Open(address, milliseconds(500));
  ASSERT_FALSE(connection.ok());
  EXPECT_NE(connection.status().message().find("is redis-server running"), std::string::npos)
      << connection.status().message();
}

}  // namespace
}  // namespace growthlens::live
