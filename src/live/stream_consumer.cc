#include "live/stream_consumer.h"

#include <fmt/format.h>

#include <future>
#include <thread>
#include <utility>

#include "live/message_events.h"

namespace growthlens::live {

namespace {

/// "event 2: missing user; event 5: bad timestamp ..." (the first few).
std::string ReasonsText(const std::vector<app::RejectedEvent>& rejected) {
  constexpr size_t kListed = 8;
  std::string text;
  for (size_t i = 0; i < rejected.size() && i < kListed; ++i)
    text +=
        fmt::format("{}event {}: {}", i == 0 ? "" : "; ", rejected[i].index, rejected[i].reason);
  if (rejected.size() > kListed) text += fmt::format("; and {} more", rejected.size() - kListed);
  return text;
}

}  // namespace

StreamConsumer::StreamConsumer(EventSource& source, EventSink& sink, ConsumerOptions options)
    : source_(source), sink_(sink), options_(std::move(options)) {}

Result<size_t> StreamConsumer::Poll() {
  Result<std::vector<SourceMessage>> messages = source_.Next(options_.batch, options_.wait);
  if (!messages.ok()) return messages.status();
  return Round(*messages, nullptr);
}

Result<size_t> StreamConsumer::Round(const std::vector<SourceMessage>& messages,
                                     std::optional<Fetched>* next) {
  if (messages.empty()) return size_t{0};

  const std::string source = source_.Name();
  const int64_t receive_ms = app::NowMillis();
  std::vector<app::IncomingEvent> events;
  std::vector<std::pair<const SourceMessage*, std::string>> dead;
  std::vector<std::string> ids;
  uint64_t rejected = 0, gone = 0;
  ids.reserve(messages.size());
  for (const SourceMessage& message : messages) {
    ids.push_back(message.id);
    if (message.fields.empty()) {
      ++gone;
      continue;
    }
    app::EventBatch batch = MessageEvents(message, source, receive_ms, options_.limits);
    for (app::IncomingEvent& event : batch.accepted) events.push_back(std::move(event));
    if (!batch.rejected.empty()) {
      rejected += batch.rejected.size();
      dead.emplace_back(&message, ReasonsText(batch.rejected));
    }
  }

  // The next round's messages are read while this round commits (Redis's answer and the commit's
  // fsync overlap); the source is used again only once that read is done, and nothing is
  // acknowledged before its own commit.
  std::future<Fetched> fetching;
  if (next != nullptr)
    fetching = std::async(std::launch::async,
                          [this] { return source_.Next(options_.batch, options_.wait); });
  Result<SinkOutcome> committed = sink_.Commit(events);
  if (next != nullptr) next->emplace(fetching.get());
  Status status = committed.status();
  for (size_t i = 0; status.ok() && i < dead.size(); ++i)
    status = source_.DeadLetter(*dead[i].first, dead[i].second);
  if (status.ok()) status = source_.Acknowledge(ids);
  if (!status.ok()) {
    if (next != nullptr) next->reset();  // handed out again with this round's
    source_.Redeliver();
    return status.WithContext(source);
  }
  stats_.messages += ids.size();
  stats_.events += events.size();
  stats_.stored += committed->stored;
  stats_.duplicates += committed->duplicates;
  stats_.dead_letters += dead.size();
  stats_.rejected += rejected;
  stats_.gone += gone;
  return ids.size();
}

void StreamConsumer::Run(std::stop_token stop, const std::function<void(const Status&)>& on_error,
                         const std::function<bool(size_t)>& after_round) {
  std::optional<Fetched> next;  // read during the last round's commit
  while (!stop.stop_requested()) {
    Fetched messages = next ? std::move(*next) : source_.Next(options_.batch, options_.wait);
    next.reset();
    Result<size_t> polled =
        messages.ok() ? Round(*messages, &next) : Result<size_t>(messages.status());
    if (polled.ok()) {
      if (after_round && !after_round(*polled)) break;
      continue;
    }
    ++stats_.failures;
    on_error(polled.status());
    const auto until = std::chrono::steady_clock::now() + options_.backoff;
    while (!stop.stop_requested() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // What was read ahead is stored and acknowledged now, not left pending until a restart.
  if (next && next->ok() && !(*next)->empty()) {
    Result<size_t> last = Round(**next, nullptr);
    if (!last.ok()) {
      ++stats_.failures;
      on_error(last.status());
    }
  }
}

}  // namespace growthlens::live
