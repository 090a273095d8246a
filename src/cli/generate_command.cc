// `growthlens generate`: writes a synthetic usage log, event log or transactions file. The command
// only translates options and reports progress; the generators live in src/synth.

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/json_text.h"
#include "cli/command.h"
#include "cli/option_bounds.h"
#include "cli/output_format.h"
#include "core/date.h"
#include "core/stopwatch.h"
#include "io/dataset_csv_writer.h"
#include "synth/block_pipeline.h"
#include "synth/event_generator.h"
#include "synth/output_sink.h"
#include "synth/transaction_generator.h"
#include "synth/usage_generator.h"

namespace growthlens::cli {
namespace {

constexpr std::string_view kGenerateCommand = "generate";
constexpr std::string_view kUsageKind = "usage";
constexpr std::string_view kEventsKind = "events";
constexpr std::string_view kTransactionsKind = "transactions";
constexpr std::string_view kDefaultUsageOutput = "data/raw/usage_log.csv";
constexpr std::string_view kDefaultEventsOutput = "data/raw/events.csv";
constexpr std::string_view kDefaultTransactionsOutput = "data/raw/transactions.csv";
/// Progress lines only once a run has taken this long: short runs print just the summary.
constexpr double kProgressAfterSeconds = 1.0;
constexpr int kProgressSteps = 10;  // a line per 10%
constexpr double kBytesPerMegabyte = 1e6;

/// The command line as parsed, before it becomes generator options.
struct GenerateArgs {
  std::string kind = std::string(kUsageKind);
  int64_t users = 5000;
  std::string start = "2025-01-01";
  std::string end = "2025-12-31";
  std::string features;  // empty = the default list
  std::string order;     // empty = time for --kind usage, the only order of the other kinds
  uint64_t seed = 42;
  std::string output;  // empty = the kind's default
  int threads = 0;
  bool quiet = false;
  OutputFormat format = OutputFormat::kTable;
};

/// 1234567 -> "1,234,567", for counts people read.
std::string WithThousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string grouped;
  for (size_t idx = 0; idx < digits.size(); ++idx) {
    if (idx > 0 && (digits.size() - idx) % 3 == 0) grouped += ',';
    grouped += digits[idx];
  }
  return value < 0 ? "-" + grouped : grouped;
}

Result<Day> ParseDateOption(const std::string& text, const char* option) {
  const std::optional<Day> day = ParseIsoDate(text);
  if (!day) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} expects a date like 2025-01-31, got '{}'", option, text));
  }
  return *day;
}

/// "Dashboard, Search,API" -> {"Dashboard", "Search", "API"}; empty names are kept so that
/// validation can name the problem.
std::vector<std::string> SplitFeatures(const std::string& list) {
  std::vector<std::string> names;
  size_t begin = 0;
  while (true) {
    const size_t comma = list.find(',', begin);
    std::string name =
        list.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    const size_t first = name.find_first_not_of(" \t");
    const size_t last = name.find_last_not_of(" \t");
    names.push_back(first == std::string::npos ? std::string()
                                               : name.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return names;
}

/// Prints a progress line at each 10% step once the run has gone on for a while.
class ProgressReporter {
 public:
  ProgressReporter(std::string_view unit, bool quiet) : unit_(unit), quiet_(quiet) {}

  void operator()(const synth::GenerationProgress& progress) {
    if (quiet_ || progress.entities_total <= 0) return;
    const int64_t step = progress.entities_done * kProgressSteps / progress.entities_total;
    if (step <= last_step_ || step >= kProgressSteps) return;  // 100% is the summary's job
    last_step_ = step;
    const double seconds = stopwatch_.Seconds();
    if (seconds < kProgressAfterSeconds) return;
    fmt::print(stderr, "growthlens {}: {:3d}%  {} of {} {}, {} rows, {:.0f} MB, {:.1f} s\n",
               kGenerateCommand, step * (100 / kProgressSteps),
               WithThousands(progress.entities_done), WithThousands(progress.entities_total), unit_,
               WithThousands(progress.rows),
               static_cast<double>(progress.csv_bytes) / kBytesPerMegabyte, seconds);
  }

 private:
  std::string_view unit_;
  bool quiet_;
  Stopwatch stopwatch_;
  int64_t last_step_ = 0;
};

void PrintSummary(const synth::GenerationSummary& summary, std::string_view unit,
                  const std::string& output) {
  const double megabytes = static_cast<double>(summary.csv_bytes) / kBytesPerMegabyte;
  const std::string compressed =
      summary.output_bytes != summary.csv_bytes
          ? fmt::format(", {:.1f} MB gzip",
                        static_cast<double>(summary.output_bytes) / kBytesPerMegabyte)
          : std::string();
  fmt::print(stderr,
             "growthlens {}: wrote {} rows for {} {} to {} ({:.1f} MB CSV{}) in {:.2f} s, "
             "{:.1f} MB/s, {} thread{}\n",
             kGenerateCommand, WithThousands(summary.rows), WithThousands(summary.entities), unit,
             output == "-" ? std::string("stdout") : output, megabytes, compressed, summary.seconds,
             summary.seconds > 0.0 ? megabytes / summary.seconds : 0.0, summary.threads,
             summary.threads == 1 ? "" : "s");
}

Status RunGenerate(const GenerateArgs& args, CommandOutcome& outcome) {
  const bool events = args.kind == kEventsKind;
  const bool usage = args.kind == kUsageKind || events;  // events are built on the usage model
  if (!usage && !args.features.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "--features applies to --kind usage and events only");
  }
  const std::optional<synth::RowOrder> order = synth::ParseRowOrder(
      args.order.empty() ? (args.kind == kUsageKind ? "time" : "user") : args.order);
  if (!order) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--order expects user, time or shuffled, got '{}'", args.order));
  }
  if (args.kind != kUsageKind && *order != synth::RowOrder::kUser) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--order {} applies to --kind usage only: event logs and "
                              "transactions come grouped by user",
                              args.order));
  }
  const Result<Day> start = ParseDateOption(args.start, "--start");
  if (!start.ok()) return start.status();
  const Result<Day> end = ParseDateOption(args.end, "--end");
  if (!end.ok()) return end.status();
  if (args.threads < 0) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--threads must be 0 (all cores) or more, got {}", args.threads));
  }

  const std::string_view default_output =
      events ? kDefaultEventsOutput : (usage ? kDefaultUsageOutput : kDefaultTransactionsOutput);
  const std::string output = !args.output.empty() ? args.output : std::string(default_output);
  const std::string_view unit = usage ? "users" : "customers";

  // Check the options before the output is opened, so a typo never truncates a file.
  synth::UsageGeneratorOptions usage_options;
  synth::TransactionGeneratorOptions transaction_options;
  if (usage) {
    usage_options.users = args.users;
    usage_options.start = *start;
    usage_options.end = *end;
    if (!args.features.empty()) usage_options.features = SplitFeatures(args.features);
    usage_options.seed = args.seed;
    usage_options.threads = args.threads;
    usage_options.order = *order;
    GROWTHLENS_RETURN_IF_ERROR(events ? synth::ValidateEventOptions(usage_options)
                                      : synth::ValidateUsageOptions(usage_options));
  } else {
    transaction_options.customers = args.users;
    transaction_options.start = *start;
    transaction_options.end = *end;
    transaction_options.seed = args.seed;
    transaction_options.threads = args.threads;
    GROWTHLENS_RETURN_IF_ERROR(synth::ValidateTransactionOptions(transaction_options));
  }

  if (output == "-" && args.format != OutputFormat::kTable)
    return Status(ErrorCode::kInvalidArgument,
                  "--format json or csv prints a summary on stdout, which --output - already "
                  "uses for the data");
  Result<std::unique_ptr<synth::OutputSink>> sink = synth::OpenOutputSink(output);
  if (!sink.ok()) return sink.status();
  ProgressReporter reporter(unit, args.quiet);
  const synth::ProgressCallback progress = [&reporter](const synth::GenerationProgress& step) {
    reporter(step);
  };
  const Result<synth::GenerationSummary> summary =
      events  ? synth::GenerateEventLog(usage_options, **sink, progress)
      : usage ? synth::GenerateUsageLog(usage_options, **sink, progress)
              : synth::GenerateTransactions(transaction_options, **sink, progress);
  if (!summary.ok()) return summary.status();
  if (!args.quiet) PrintSummary(*summary, unit, output);
  if (args.format == OutputFormat::kJson) {
    const nlohmann::json json = {{"kind", args.kind},
                                 {"output", output},
                                 {"entities", summary->entities},
                                 {"rows", summary->rows},
                                 {"csv_bytes", summary->csv_bytes},
                                 {"output_bytes", summary->output_bytes},
                                 {"seconds", summary->seconds},
                                 {"threads", summary->threads}};
    PrintOut(outcome, app::JsonText(json, 2) + "\n");
  } else if (args.format == OutputFormat::kCsv) {
    std::string line = "kind,output,entities,rows,csv_bytes,output_bytes,seconds,threads\n";
    line += args.kind + ",";
    AppendCsvField(output, line);
    line +=
        fmt::format(",{},{},{},{},{:.6f},{}\n", summary->entities, summary->rows,
                    summary->csv_bytes, summary->output_bytes, summary->seconds, summary->threads);
    PrintOut(outcome, line);
  }
  return Status::Ok();
}

}  // namespace

void RegisterGenerateCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* command = app.add_subcommand(
      std::string(kGenerateCommand),
      "Write a synthetic data set with realistic structure: a SaaS feature-usage log\n"
      "(user_id,signup_date,event_date,feature_name,events_count; in time order unless\n"
      "--order says otherwise), the same users' event\n"
      "log (user_id,timestamp,event,platform: onboarding funnel, then feature events in\n"
      "sessions; rows grouped by user, in time order within a user) or Online-Retail-style\n"
      "transactions (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,\n"
      "CustomerID,Country). The same options and seed give byte-identical output on any\n"
      "number of threads. Reads no data, so takes no --workspace: to keep what it writes in\n"
      "a workspace, growthlens ingest FILE --workspace W (or growthlens demo --workspace W).");
  command
      ->add_option("--kind", args->kind,
                   "What to generate: 'usage' (one row per user, active day and feature), "
                   "'events' (one row per event: sign_up, create_project, invite_teammate, "
                   "first_report, then the features' events, UTC timestamps with milliseconds) "
                   "or 'transactions' (one row per invoice line)")
      ->check(CLI::IsMember(
          {std::string(kUsageKind), std::string(kEventsKind), std::string(kTransactionsKind)}))
      ->capture_default_str();
  command
      ->add_option("--users", args->users,
                   "Number of users (--kind usage, about 45 rows each; --kind events, about "
                   "65 each) or customers "
                   "(--kind transactions, about 100 lines each)")
      ->check(WholeNumberIn(1, kMaxGeneratedRows / 10))
      ->capture_default_str();
  command
      ->add_option("--start", args->start,
                   "First day of the period, YYYY-MM-DD (inclusive); some users signed up "
                   "earlier but no event falls before it")
      ->capture_default_str();
  command->add_option("--end", args->end, "Last day of the period, YYYY-MM-DD (inclusive)")
      ->capture_default_str();
  command->add_option("--features", args->features,
                      fmt::format("Comma-separated feature names for --kind usage or events "
                                  "(as snake_case event names), the core feature first "
                                  "(default: {}); default names keep their tuned adoption, "
                                  "others get less the later they come",
                                  fmt::join(synth::DefaultFeatureNames(), ",")));
  command->add_option(
      "--order", args->order,
      "Row order of --kind usage: 'time' (default; by day, then user, as exports come), "
      "'user' (grouped by user, by day within a user; streams in fixed memory) or 'shuffled' "
      "(a seeded random permutation). time and shuffled hold the rows in memory, about 32 "
      "bytes a row");
  command
      ->add_option("--seed", args->seed,
                   "Random seed: the same seed and options give the same bytes")
      ->check(CLI::Validator(
          [](const std::string& text) {
            return text.find('-') == std::string::npos ? std::string()
                                                       : "the seed must be 0 or a positive integer";
          },
          "UINT"))
      ->capture_default_str();
  command->add_option(
      "--output,-o", args->output,
      fmt::format("Output file; '-' writes to stdout, a name ending in .gz is "
                  "gzip-compressed, missing directories are created "
                  "(default: {}, {} or {} by kind)",
                  kDefaultUsageOutput, kDefaultEventsOutput, kDefaultTransactionsOutput));
  command
      ->add_option("--threads", args->threads,
                   fmt::format("Generator threads; 0 uses every hardware thread ({} here). "
                               "The output does not depend on it",
                               synth::ResolveThreadCount(0)))
      ->check(WholeNumberIn(0, kMaxThreads))
      ->capture_default_str();
  AddFormatOption(*command, args->format);
  command->add_flag("--quiet,-q", args->quiet,
                    "Print nothing but errors (no progress, no summary line)");
  command->footer(
      "Examples:\n"
      "  growthlens generate                                   # 5,000 users, 2025\n"
      "  growthlens generate --users 200000 -o data/raw/usage_200k.csv.gz\n"
      "  growthlens generate --users 200000 --order shuffled   # rows in no order\n"
      "  growthlens generate --kind events --users 20000       # the same users' events\n"
      "  growthlens generate --kind transactions --users 5000  # about UCI Online Retail's size\n"
      "  growthlens generate --users 100 --output - | head");
  command->callback([args, &outcome] {
    const Status status = RunGenerate(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kGenerateCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
