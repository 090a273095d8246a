// growthlens rfm FILE: recency, frequency and monetary value per user (or customer), their 1-5
// scores and the named segments of docs/ANALYTICS.md, as a segment summary, one row per user, or
// the populated cells of the 5x5x5 score grid.

#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "cli/date_window.h"
#include "cli/rfm_views.h"
#include "metrics/rfm.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kRfmCommand = "rfm";
/// Rows of the users view in a table; csv and json list everyone.
constexpr size_t kTableUsers = 20;

enum class RfmView { kSegments, kUsers, kGrid };

struct RfmArgs {
  AnalysisInput input;
  DateWindowArgs window;
  std::string reference_date;
  std::string ties = "first";
  std::string view = "segments";
};

struct RfmRequest {
  RfmOptions options;
  RfmView view = RfmView::kSegments;
  DateWindow window;
};

const char* TiesName(RfmTies ties) {
  return ties == RfmTies::kShared ? "shared" : "first";
}

Result<RfmRequest> ParseRfmArgs(const RfmArgs& args) {
  RfmRequest request;
  Result<RfmTies> ties = ParseChoice<RfmTies>(
      "--ties", args.ties, {{"first", RfmTies::kFirstOccurrence}, {"shared", RfmTies::kShared}});
  if (!ties.ok()) return ties.status();
  request.options.ties = *ties;
  Result<RfmView> view = ParseChoice<RfmView>(
      "--view", args.view,
      {{"segments", RfmView::kSegments}, {"users", RfmView::kUsers}, {"grid", RfmView::kGrid}});
  if (!view.ok()) return view.status();
  request.view = *view;
  Result<DateWindow> window = ParseDateWindow(args.window);
  if (!window.ok()) return window.status();
  request.window = *window;
  // Recency of a period is counted to the day after it.
  if (window->to) request.options.reference_day = *window->to + 1;
  if (!args.reference_date.empty()) {
    request.options.reference_day = ParseIsoDate(args.reference_date);
    if (!request.options.reference_day)
      return Status(
          ErrorCode::kInvalidArgument,
          fmt::format("--reference-date '{}': expected a date YYYY-MM-DD", args.reference_date));
  }
  return request;
}

Status RunRfm(RfmArgs& args, CommandOutcome& outcome) {
  Result<RfmRequest> request = ParseRfmArgs(args);
  if (!request.ok()) return request.status();
  Result<LoadedData> cleaned = LoadForAnalysis(kRfmCommand, args.input, outcome);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& whole = (*cleaned)->dataset;
  const std::shared_ptr<const Dataset> windowed = RowsOfWindow(whole, request->window);
  const Dataset& dataset = windowed ? *windowed : whole;
  const bool usage = dataset.kind() == DataKind::kUsage;
  const RfmTable rfm = ComputeRfm(dataset, request->options);

  int32_t min_recency = 1;
  for (int32_t recency : rfm.recency) min_recency = std::min(min_recency, recency);
  if (min_recency < 0 && !args.input.quiet)
    fmt::print(stderr,
               "growthlens rfm: warning: the reference date {} is not after the last activity: "
               "some recencies are negative\n",
               FormatDate(rfm.reference_day));

  const char* who = usage ? "users" : "customers";
  View view;
  const char* list_key = "segments";
  switch (request->view) {
    case RfmView::kSegments:
      view = RfmSegmentsView(rfm, usage);
      break;
    case RfmView::kUsers:
      view = RfmUsersView(rfm, dataset, usage);
      list_key = "users";
      break;
    case RfmView::kGrid:
      view = RfmGridView(rfm);
      list_key = "cells";
      break;
  }

  switch (args.input.format) {
    case OutputFormat::kTable: {
      std::string out = fmt::format("RFM of {} {} ({}), reference day {}, ties {}\n",
                                    WithThousands(rfm.size()), who, DataKindName(dataset.kind()),
                                    FormatDate(rfm.reference_day), TiesName(request->options.ties));
      if (request->view == RfmView::kGrid)
        out += fmt::format("{} of the 125 (R, F, M) cells hold {}\n", view.rows, who);
      out += '\n';
      const size_t max_rows = request->view == RfmView::kUsers ? kTableUsers : view.rows;
      out += RenderTable(view, max_rows);
      if (view.rows > max_rows)
        out += fmt::format("... and {} more {} (--format csv or json lists all)\n",
                           WithThousands(view.rows - max_rows), who);
      PrintOut(outcome, out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("view", args.view);
      json.Set("kind", DataKindName(dataset.kind()));
      json.Set("reference_day", FormatDate(rfm.reference_day));
      json.Set("window", WindowJson(DaysWithRows(whole), request->window));
      json.Set("ties", TiesName(request->options.ties));
      json.Set("total_users", rfm.size());
      json.SetRows(list_key, view);
      PrintOut(outcome, json.Render());
      break;
    }
    case OutputFormat::kCsv:
      PrintOut(outcome, RenderCsv(view));
      break;
  }
  return Status::Ok();
}

}  // namespace

void RegisterRfmCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<RfmArgs>();
  CLI::App* command = app.add_subcommand(
      "rfm",
      "RFM analysis: load a CSV as ingest does (nothing is written), score every user or customer "
      "1-5 on recency, frequency and monetary value (5 = best) and name their segments.\n"
      "Transactions: frequency = distinct invoices, monetary = revenue. Usage logs: frequency = "
      "distinct active days, monetary = events. Definitions in docs/ANALYTICS.md.");
  AddAnalysisInput(*command, args->input, outcome);
  AddDateWindowOptions(*command, args->window);
  command->add_option("--reference-date", args->reference_date,
                      "Day recency is counted to, YYYY-MM-DD (default: the day after --to, else "
                      "after the last day in the data)");
  command->add_option("--ties", args->ties,
                      "first (default): equal-size quintiles of rank(method=\"first\") as pandas "
                      "qcut; shared: equal values share a score, as the R rfm package");
  command->add_option("--view", args->view,
                      "segments (default): users, share and means per segment, all 11 in order; "
                      "users: one row per user with scores, RFM code and segment (tables show "
                      "the first 20); grid: users per populated (R, F, M) cell");
  command->callback([args, &outcome] {
    const Status status = RunRfm(*args, outcome);
    if (!status.ok()) ReportFailure(std::string(kRfmCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
