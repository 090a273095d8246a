// growthlens rfm FILE: recency, frequency and monetary value per user (or customer), their 1-5
// scores and the named segments of docs/ANALYTICS.md, as a segment summary, one row per user, or
// the populated cells of the 5x5x5 score grid.

#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/analysis_view.h"
#include "cli/command.h"
#include "core/compensated_sum.h"
#include "metrics/rfm.h"

namespace growthlens::cli {

namespace {

constexpr std::string_view kCommand = "rfm";
/// Rows of the users view in a table; csv and json list everyone.
constexpr size_t kTableUsers = 20;
constexpr int kScores = 5;

enum class RfmView { kSegments, kUsers, kGrid };

struct RfmArgs {
  AnalysisInput input;
  std::string reference_date;
  std::string ties = "first";
  std::string view = "segments";
};

struct RfmRequest {
  RfmOptions options;
  RfmView view = RfmView::kSegments;
};

const char* TiesName(RfmTies ties) {
  return ties == RfmTies::kShared ? "shared" : "first";
}

std::string RfmCode(const RfmTable& rfm, size_t idx) {
  return fmt::format("{}{}{}", rfm.r[idx], rfm.f[idx], rfm.m[idx]);
}

double Ratio(double part, double whole) {
  return whole == 0 ? 0.0 : part / whole;
}

struct SegmentTotals {
  uint64_t users = 0;
  CompensatedSum recency, frequency, monetary;
};

View SegmentsView(const RfmTable& rfm, bool usage) {
  auto totals = std::make_shared<std::array<SegmentTotals, kRfmSegmentCount>>();
  CompensatedSum all_monetary;
  for (size_t idx = 0; idx < rfm.size(); ++idx) {
    SegmentTotals& segment = (*totals)[static_cast<size_t>(rfm.segment[idx])];
    ++segment.users;
    segment.recency.Add(rfm.recency[idx]);
    segment.frequency.Add(static_cast<double>(rfm.frequency[idx]));
    segment.monetary.Add(rfm.monetary[idx]);
    all_monetary.Add(rfm.monetary[idx]);
  }
  View view;
  view.columns = {{"segment", "Segment", Align::kLeft},
                  {"users", usage ? "Users" : "Customers"},
                  {"user_share", "Share"},
                  {"mean_recency", "Avg recency (days)"},
                  {"mean_frequency", usage ? "Avg active days" : "Avg orders"},
                  {"mean_monetary", usage ? "Avg events" : "Avg revenue"},
                  {"monetary_share", usage ? "Events share" : "Revenue share"}};
  view.rows = kRfmSegmentCount;
  const double users = static_cast<double>(rfm.size());
  const double monetary_total = all_monetary.Value();
  view.row = [totals, users, monetary_total](size_t row, std::vector<Cell>& cells) {
    const SegmentTotals& segment = (*totals)[row];
    const double count = static_cast<double>(segment.users);
    auto mean = [&](const CompensatedSum& sum, int decimals) {
      return segment.users == 0 ? Cell::Empty() : Cell::Number(sum.Value() / count, decimals);
    };
    cells = {Cell::Text(std::string(RfmSegmentName(static_cast<RfmSegment>(row)))),
             Cell::Integer(static_cast<int64_t>(segment.users)),
             Cell::Percent(Ratio(count, users)),
             mean(segment.recency, 1),
             mean(segment.frequency, 1),
             mean(segment.monetary, 2),
             Cell::Percent(Ratio(segment.monetary.Value(), monetary_total))};
  };
  return view;
}

View UsersView(const RfmTable& rfm, const Dataset& dataset, bool usage) {
  View view;
  view.columns = {{"id", usage ? "User" : "Customer", Align::kLeft},
                  {"recency", "Recency"},
                  {"frequency", "Frequency"},
                  {"monetary", "Monetary"},
                  {"r", "R"},
                  {"f", "F"},
                  {"m", "M"},
                  {"rfm", "RFM"},
                  {"segment", "Segment", Align::kLeft}};
  view.rows = rfm.size();
  view.row = [&rfm, &dataset, usage](size_t idx, std::vector<Cell>& cells) {
    cells = {Cell::Text(std::string(dataset.users[rfm.user[idx]])),
             Cell::Integer(rfm.recency[idx]),
             Cell::Integer(rfm.frequency[idx]),
             Cell::Number(rfm.monetary[idx], usage ? 0 : 2),
             Cell::Integer(rfm.r[idx]),
             Cell::Integer(rfm.f[idx]),
             Cell::Integer(rfm.m[idx]),
             Cell::Text(RfmCode(rfm, idx)),
             Cell::Text(std::string(RfmSegmentName(rfm.segment[idx])))};
  };
  return view;
}

/// The populated (r, f, m) cells, best scores first.
View GridView(const RfmTable& rfm) {
  auto counts = std::make_shared<std::vector<uint64_t>>(kScores * kScores * kScores, 0);
  auto index_of = [](int r, int f, int m) {
    return static_cast<size_t>(((r - 1) * kScores + (f - 1)) * kScores + (m - 1));
  };
  for (size_t idx = 0; idx < rfm.size(); ++idx)
    ++(*counts)[index_of(rfm.r[idx], rfm.f[idx], rfm.m[idx])];
  auto cells_shown = std::make_shared<std::vector<std::array<int, 3>>>();
  for (int r = kScores; r >= 1; --r)
    for (int f = kScores; f >= 1; --f)
      for (int m = kScores; m >= 1; --m)
        if ((*counts)[index_of(r, f, m)] > 0) cells_shown->push_back({r, f, m});
  View view;
  view.columns = {{"rfm", "RFM", Align::kLeft},
                  {"r", "R"},
                  {"f", "F"},
                  {"m", "M"},
                  {"users", "Users"},
                  {"user_share", "Share"},
                  {"segment", "Segment", Align::kLeft}};
  view.rows = cells_shown->size();
  const double users = static_cast<double>(rfm.size());
  view.row = [counts, cells_shown, index_of, users](size_t row, std::vector<Cell>& cells) {
    const auto [r, f, m] = (*cells_shown)[row];
    const uint64_t count = (*counts)[index_of(r, f, m)];
    cells = {Cell::Text(fmt::format("{}{}{}", r, f, m)),
             Cell::Integer(r),
             Cell::Integer(f),
             Cell::Integer(m),
             Cell::Integer(static_cast<int64_t>(count)),
             Cell::Percent(Ratio(static_cast<double>(count), users)),
             Cell::Text(std::string(RfmSegmentName(SegmentOf(r, f, m))))};
  };
  return view;
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
  if (!args.reference_date.empty()) {
    request.options.reference_day = ParseIsoDate(args.reference_date);
    if (!request.options.reference_day)
      return Status(
          ErrorCode::kInvalidArgument,
          fmt::format("--reference-date '{}': expected a date YYYY-MM-DD", args.reference_date));
  }
  return request;
}

Status RunRfm(RfmArgs& args) {
  Result<RfmRequest> request = ParseRfmArgs(args);
  if (!request.ok()) return request.status();
  Result<CleanedData> cleaned = LoadForAnalysis(kCommand, args.input);
  if (!cleaned.ok()) return cleaned.status();
  const Dataset& dataset = cleaned->dataset;
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
      view = SegmentsView(rfm, usage);
      break;
    case RfmView::kUsers:
      view = UsersView(rfm, dataset, usage);
      list_key = "users";
      break;
    case RfmView::kGrid:
      view = GridView(rfm);
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
      PrintOut(out);
      break;
    }
    case OutputFormat::kJson: {
      JsonDocument json;
      json.Set("view", args.view);
      json.Set("kind", DataKindName(dataset.kind()));
      json.Set("reference_day", FormatDate(rfm.reference_day));
      json.Set("ties", TiesName(request->options.ties));
      json.Set("total_users", rfm.size());
      json.SetRows(list_key, view);
      PrintOut(json.Render());
      break;
    }
    case OutputFormat::kCsv:
      PrintOut(RenderCsv(view));
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
  AddAnalysisInput(*command, args->input);
  command->add_option("--reference-date", args->reference_date,
                      "Day recency is counted to, YYYY-MM-DD (default: the day after the last day "
                      "in the data)");
  command->add_option("--ties", args->ties,
                      "first (default): equal-size quintiles of rank(method=\"first\") as pandas "
                      "qcut; shared: equal values share a score, as the R rfm package");
  command->add_option("--view", args->view,
                      "segments (default): users, share and means per segment, all 11 in order; "
                      "users: one row per user with scores, RFM code and segment (tables show "
                      "the first 20); grid: users per populated (R, F, M) cell");
  command->callback([args, &outcome] {
    const Status status = RunRfm(*args);
    if (!status.ok()) ReportFailure(std::string(kCommand), status, outcome);
  });
}

}  // namespace growthlens::cli
