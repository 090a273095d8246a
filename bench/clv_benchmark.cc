// Speed of customer lifetime value on the full UCI Online Retail file (4,327 customers after
// cleaning): the per-customer summary, the two maximum-likelihood fits, and the whole of
// `growthlens clv` after loading (fits plus every customer's predictions and CLV). The goal
// (issue 21) is the fit under 0.2 s. Side by side with the scipy implementation of
// tests/golden/make_clv_golden.py in one run: bench/clv_vs_scipy.sh.

#include <benchmark/benchmark.h>

#include "app/clv_model.h"
#include "bench_util.h"
#include "metrics/purchase_history.h"
#include "stats/bg_nbd.h"
#include "stats/gamma_gamma.h"

namespace growthlens {
namespace {

const TransactionLog& Retail() {
  return *bench::RetailDataset().As<TransactionLog>();
}

void SetCounters(benchmark::State& state, size_t customers) {
  state.counters["customers"] = static_cast<double>(customers);
  state.counters["peak_rss_mb"] = static_cast<double>(bench::PeakRssBytes()) / (1 << 20);
}

void BM_ClvSummary(benchmark::State& state) {
  const TransactionLog& log = Retail();
  size_t customers = 0;
  for (auto _ : state) {
    const PurchaseHistory history = SummarizePurchases(log, {});
    customers = history.size();
    benchmark::DoNotOptimize(history.frequency.data());
  }
  SetCounters(state, customers);
}
BENCHMARK(BM_ClvSummary)->Unit(benchmark::kMillisecond);

// What the scipy script times: the summary and both fits.
void BM_ClvFit(benchmark::State& state) {
  const TransactionLog& log = Retail();
  size_t customers = 0;
  for (auto _ : state) {
    const PurchaseHistory h = SummarizePurchases(log, {});
    Result<stats::BgNbdFit> bg = stats::FitBgNbd({h.frequency, h.recency, h.age});
    std::vector<double> x, m;
    for (size_t i = 0; i < h.size(); ++i)
      if (h.frequency[i] > 0 && h.monetary[i] > 0) {
        x.push_back(h.frequency[i]);
        m.push_back(h.monetary[i]);
      }
    Result<stats::GammaGammaFit> gg = stats::FitGammaGamma({x, m});
    if (!bg.ok() || !gg.ok()) state.SkipWithError("fit failed");
    customers = h.size();
  }
  SetCounters(state, customers);
}
BENCHMARK(BM_ClvFit)->Unit(benchmark::kMillisecond);

// growthlens clv after loading: fits, per customer predictions over 90 days, P(alive), spend and
// 12-month CLV, and the calibration-against-holdout table (calibration ends 2011-09-30).
void BM_ClvFull(benchmark::State& state) {
  const TransactionLog& log = Retail();
  app::ClvOptions options;
  options.calibration_end =
      state.range(0) ? std::optional<Day>(DaysFromCivil(2011, 9, 30)) : std::nullopt;
  size_t customers = 0;
  for (auto _ : state) {
    Result<app::ClvResult> clv = app::ComputeClv(log, options, app::Naming::kCli);
    if (!clv.ok()) state.SkipWithError(clv.status().message().c_str());
    customers = clv.ok() ? clv->history.size() : 0;
  }
  SetCounters(state, customers);
}
BENCHMARK(BM_ClvFull)->Arg(0)->Arg(1)->ArgName("holdout")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
