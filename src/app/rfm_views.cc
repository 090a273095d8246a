#include "app/rfm_views.h"

#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "core/compensated_sum.h"

namespace growthlens::app {

namespace {

constexpr int kScores = 5;

std::string RfmCode(const RfmTable& rfm, size_t idx) {
  return fmt::format("{}{}{}", rfm.r[idx], rfm.f[idx], rfm.m[idx]);
}

}  // namespace

View RfmSegmentsView(const RfmTable& rfm, bool usage) {
  auto summary =
      std::make_shared<const std::array<SegmentSummary, kRfmSegmentCount>>(SummarizeSegments(rfm));
  View view;
  view.columns = {{"segment", "Segment", Align::kLeft},
                  {"users", usage ? "Users" : "Customers"},
                  {"user_share", "Share"},
                  {"mean_recency", "Avg recency (days)"},
                  {"mean_frequency", usage ? "Avg active days" : "Avg orders"},
                  {"mean_monetary", usage ? "Avg events" : "Avg revenue"},
                  {"monetary_share", usage ? "Events share" : "Revenue share"}};
  view.rows = kRfmSegmentCount;
  view.row = [summary](size_t row, std::vector<Cell>& cells) {
    const SegmentSummary& segment = (*summary)[row];
    auto mean = [&](double value, int decimals) {
      return segment.users == 0 ? Cell::Empty() : Cell::Number(value, decimals);
    };
    cells = {Cell::Text(std::string(RfmSegmentName(static_cast<RfmSegment>(row)))),
             Cell::Integer(static_cast<int64_t>(segment.users)),
             Cell::Percent(segment.user_share),
             mean(segment.mean_recency, 1),
             mean(segment.mean_frequency, 1),
             mean(segment.mean_monetary, 2),
             Cell::Percent(segment.monetary_share)};
  };
  return view;
}

View RfmUsersView(const RfmTable& rfm, const Dataset& dataset, bool usage) {
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
    cells = {Cell::Text(std::string(dataset.users()[rfm.user[idx]])),
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
View RfmGridView(const RfmTable& rfm) {
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

}  // namespace growthlens::app
