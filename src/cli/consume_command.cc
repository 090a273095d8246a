// growthlens consume redis://HOST:PORT --stream S --group G --workspace W: live events from a
// Redis stream into a workspace (docs/LIVE.md). Each round's events are committed to the
// workspace's inbox before the round is acknowledged, so a kill at any moment loses nothing and
// a restart stores nothing twice; the inbox is folded into blocks every --fold-every events.
// With --workspace clickhouse://HOST:PORT/DATABASE the rounds go into ClickHouse's events table
// instead (live/clickhouse_sink.h), acknowledged once ClickHouse confirmed them.

#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "app/event_batch.h"
#include "app/inbox_fold.h"
#include "cli/command.h"
#include "cli/option_bounds.h"
#include "cli/output_format.h"
#include "cli/workspace_option.h"
#include "live/clickhouse_sink.h"
#include "live/redis_stream_source.h"
#include "live/stream_consumer.h"
#include "live/workspace_sink.h"
#include "warehouse/clickhouse_url.h"

namespace growthlens::cli {

namespace {

struct ConsumeArgs {
  std::string url;
  std::string workspace;
  live::RedisStreamOptions stream;
  int claim_idle_seconds = 30;
  size_t batch = 1'000;
  size_t fold_every = 1'000'000;
  bool until_idle = false;
  bool quiet = false;
  ClickHouseCredentials clickhouse;
};

/// SIGINT and SIGTERM request a stop (the round in progress ends first), from a thread that
/// waits for them, so no handler runs inside the consumer.
class StopOnSignal {
 public:
  explicit StopOnSignal(std::stop_source& stop) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    waiter_ = std::jthread([this, &stop](std::stop_token done) {
      const timespec tick{0, 100'000'000};
      while (!done.stop_requested())
        if (sigtimedwait(&signals_, nullptr, &tick) > 0) {
          stop.request_stop();
          return;
        }
    });
  }
  ~StopOnSignal() {
    waiter_.request_stop();
    waiter_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  sigset_t signals_{}, previous_{};
  std::jthread waiter_;
};

std::string StatsLine(const live::ConsumerStats& stats) {
  return fmt::format("{} messages, {} events stored, {} duplicates, {} dead letters",
                     WithThousands(stats.messages), WithThousands(stats.stored),
                     WithThousands(stats.duplicates), WithThousands(stats.dead_letters));
}

/// Consumer options from the command's.
live::ConsumerOptions OptionsOf(const ConsumeArgs& args) {
  live::ConsumerOptions options;
  options.batch = args.batch;
  return options;
}

void PrintRetrying(const Status& failure) {
  fmt::print(stderr, "growthlens consume: {} (nothing acknowledged; retrying)\n",
             failure.message());
}

/// Into a ClickHouse workspace: no inbox to fold, no consumer reports (the workspace file's
/// consumer_status table has no ClickHouse counterpart yet).
Status RunConsumeIntoClickHouse(ConsumeArgs& args, const std::string& workspace) {
  Result<warehouse::ClickHouseEndpoint> endpoint =
      warehouse::ParseClickHouseUrl(workspace, args.clickhouse.user, args.clickhouse.password);
  if (!endpoint.ok()) return endpoint.status();
  Result<live::RedisAddress> address = live::RedisAddress::Parse(args.url);
  if (!address.ok()) return address.status();
  args.stream.claim_idle = std::chrono::seconds(args.claim_idle_seconds);
  Result<std::unique_ptr<live::RedisStreamSource>> source =
      live::RedisStreamSource::Open(*address, args.stream);
  if (!source.ok()) return source.status();
  // Named after the consumer: its restart ends the inserts its killed life left running.
  const live::RedisStreamOptions& stream = (*source)->options();
  Result<live::ClickHouseSink> sink = live::ClickHouseSink::Open(
      *endpoint, fmt::format("consume-{}-{}-{}", stream.stream, stream.group, stream.consumer));
  if (!sink.ok()) return sink.status();
  if (!args.quiet)
    fmt::print(stderr, "growthlens consume: {} at {} into {}{}\n", (*source)->Name(),
               address->Display(), endpoint->Display(),
               args.until_idle ? " until it is idle" : " (Ctrl-C stops)");
  live::StreamConsumer consumer(**source, *sink, OptionsOf(args));
  std::stop_source stop;
  StopOnSignal signals(stop);
  auto last_note = std::chrono::steady_clock::now();
  consumer.Run(stop.get_token(), PrintRetrying, [&](size_t polled) {
    if (polled == 0 && args.until_idle) return false;
    if (!args.quiet && std::chrono::steady_clock::now() - last_note > std::chrono::seconds(10)) {
      last_note = std::chrono::steady_clock::now();
      fmt::print(stderr, "growthlens consume: {}\n", StatsLine(consumer.stats()));
    }
    return true;
  });
  if (!args.quiet)
    fmt::print(
        stderr, "growthlens consume: stopped: {}{}\n", StatsLine(consumer.stats()),
        sink->retries() > 0
            ? fmt::format(", {} inserts sent again after a broken connection", sink->retries())
            : "");
  return Status::Ok();
}

Status RunConsume(ConsumeArgs& args) {
  const std::string workspace = ResolveWorkspace(args.workspace, /*use_default=*/true);
  if (warehouse::IsClickHouseUrl(workspace)) return RunConsumeIntoClickHouse(args, workspace);
  Result<live::RedisAddress> address = live::RedisAddress::Parse(args.url);
  if (!address.ok()) return address.status();
  args.stream.claim_idle = std::chrono::seconds(args.claim_idle_seconds);
  Result<live::WorkspaceSink> sink = live::WorkspaceSink::Open(workspace);
  if (!sink.ok()) return sink.status();
  // Its folds append to the same days again and again (as the collector's, group_writer.cc).
  sink->workspace().RememberEventKeys();
  Result<std::unique_ptr<live::RedisStreamSource>> source =
      live::RedisStreamSource::Open(*address, args.stream);
  if (!source.ok()) return source.status();
  const std::string name = (*source)->Name();
  if (!args.quiet)
    fmt::print(stderr, "growthlens consume: {} at {} into workspace {}{}\n", name,
               address->Display(), workspace,
               args.until_idle ? " until it is idle" : " (Ctrl-C stops)");

  live::StreamConsumer consumer(**source, *sink, OptionsOf(args));
  std::stop_source stop;
  StopOnSignal signals(stop);
  Status fold_failure;
  auto last_note = std::chrono::steady_clock::now();
  // The inbox's size as this consumer counts it, so that a round costs no count of the inbox
  // (a fifth of the time at 200,000 events); the inbox is counted only when a fold is due.
  Result<store::InboxStats> opened_inbox = sink->workspace().Inbox().Stats();
  uint64_t inbox_events = opened_inbox.ok() ? opened_inbox->events : 0;
  uint64_t counted_stored = 0;
  // What this consumer says about itself in the workspace, about once a second, for the Live
  // page of a server on the same workspace (store/consumer_status.h).
  store::ConsumerStatus report;
  report.name = fmt::format("{}/{}/{}", args.stream.stream, args.stream.group,
                            args.stream.consumer.empty() ? "(host)" : args.stream.consumer);
  report.source = fmt::format("stream {} (group {})", args.stream.stream, args.stream.group);
  auto last_report = std::chrono::steady_clock::time_point();
  const auto write_report = [&](bool now) {
    if (!now && std::chrono::steady_clock::now() - last_report < std::chrono::seconds(1)) return;
    last_report = std::chrono::steady_clock::now();
    const live::ConsumerStats stats = consumer.stats();
    if (stats.messages != report.messages) report.last_message_ms = app::NowMillis();
    report.updated_ms = app::NowMillis();
    report.messages = stats.messages;
    report.stored = stats.stored;
    report.duplicates = stats.duplicates;
    report.dead_letters = stats.dead_letters;
    report.rejected = stats.rejected;
    report.failures = stats.failures;
    if (Result<live::SourceLag> lag = (*source)->Lag(); lag.ok()) {
      report.pending = lag->pending;
      report.lag = lag->waiting >= 0 ? std::optional<int64_t>(lag->waiting) : std::nullopt;
    }
    // A report that cannot be written is not worth stopping the consumer for.
    (void)sink->workspace().Consumers().Write(report);
  };
  const auto after_round = [&](size_t polled) {
    report.error.clear();
    write_report(false);
    if (polled == 0 && args.until_idle) return false;
    inbox_events += consumer.stats().stored - counted_stored;
    counted_stored = consumer.stats().stored;
    if (inbox_events >= args.fold_every) {
      Result<store::InboxStats> inbox = sink->workspace().Inbox().Stats();
      if (inbox.ok() && inbox->events >= args.fold_every) {
        Result<app::FoldOutcome> folded = app::FoldInbox(sink->workspace(), IngestOptions{});
        if (!folded.ok()) {
          fold_failure = folded.status();
          return false;
        }
      }
      inbox = sink->workspace().Inbox().Stats();
      inbox_events = inbox.ok() ? inbox->events : 0;
    }
    if (!args.quiet && std::chrono::steady_clock::now() - last_note > std::chrono::seconds(10)) {
      last_note = std::chrono::steady_clock::now();
      fmt::print(stderr, "growthlens consume: {}\n", StatsLine(consumer.stats()));
    }
    return true;
  };
  consumer.Run(
      stop.get_token(),
      [&](const Status& failure) {
        PrintRetrying(failure);
        report.error = failure.message();
        write_report(true);
      },
      after_round);
  write_report(true);
  if (!fold_failure.ok()) return fold_failure;
  if (!args.quiet)
    fmt::print(stderr, "growthlens consume: stopped: {}\n", StatsLine(consumer.stats()));
  return Status::Ok();
}

}  // namespace

void RegisterConsumeCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<ConsumeArgs>();
  CLI::App* command = app.add_subcommand(
      "consume",
      "Store live events from a Redis stream in a workspace (a file, or ClickHouse with "
      "--workspace clickhouse://HOST:PORT/DATABASE): read through a consumer group, commit "
      "each batch to the workspace before acknowledging it (a kill loses nothing, a restart "
      "stores nothing twice), put unreadable messages in a dead-letter stream with the reason "
      "(docs/LIVE.md)");
  command
      ->add_option("url", args->url, "The Redis server, redis://[[user]:password@]host[:port][/db]")
      ->required();
  command->add_option("--stream", args->stream.stream, "The stream to read (default events)");
  command->add_option("--group", args->stream.group,
                      "The consumer group, created if missing (default growthlens)");
  command->add_option("--consumer", args->stream.consumer,
                      "This consumer's name in the group; a restart under the same name gets its "
                      "unacknowledged messages again (default growthlens-<host name>)");
  command->add_option("--dead-letter-stream", args->stream.dead_letter_stream,
                      "Where unreadable messages go, with the reason (default <stream>:dead)");
  command
      ->add_option("--start", args->stream.start,
                   "Where a new group starts: 0 = the whole stream (default), $ = new messages")
      ->check(CLI::IsMember({"0", "$"}));
  command
      ->add_option("--claim-idle", args->claim_idle_seconds,
                   "Take over other consumers' messages left unacknowledged this many seconds "
                   "(default 30)")
      ->check(WholeNumberIn(1, 86'400));
  command->add_option("--batch", args->batch, "Messages per round (default 1000)")
      ->check(WholeNumberIn(1, 100'000));
  command
      ->add_option("--fold-every", args->fold_every,
                   "Fold the workspace's inbox into column blocks when it holds this many "
                   "events (default 1000000)")
      ->check(WholeNumberIn(1, 1'000'000'000));
  command->add_flag("--until-idle", args->until_idle,
                    "Stop when no message came for a second (for batch jobs and tests)");
  command->add_flag("--quiet", args->quiet, "No progress on stderr");
  AddWorkspaceOption(*command, args->workspace);
  AddClickHouseCredentialOptions(*command, args->clickhouse);
  command->callback([args, &outcome] {
    const Status status = RunConsume(*args);
    if (!status.ok()) ReportFailure("consume", status, outcome);
  });
}

}  // namespace growthlens::cli
