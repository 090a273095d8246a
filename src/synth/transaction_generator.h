#pragma once
// Synthetic e-commerce transactions in the shape of the UCI "Online Retail" data set:
//   InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
// one row per invoice line, with the customers, seasonality and dirt of retail_model.h.
//
//   TransactionGeneratorOptions options;
//   options.customers = 5000;  // about 490,000 lines, near UCI's 541,909
//   Result<GenerationSummary> summary = GenerateTransactions(options, sink);

#include <cstdint>
#include <string_view>

#include "core/date.h"
#include "core/status.h"
#include "synth/generation.h"
#include "synth/output_sink.h"

namespace growthlens::synth {

inline constexpr std::string_view kTransactionsHeader =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

struct TransactionGeneratorOptions {
  int64_t customers = 5000;
  Day start = DaysFromCivil(2025, 1, 1);  // first trading day considered, inclusive
  Day end = DaysFromCivil(2025, 12, 31);  // last, inclusive
  uint64_t seed = 42;
  int threads = 0;  // 0 = the hardware's concurrency; the output is the same for any count
};

/// Checks options before a run: customer count, period, and that the period holds at least
/// one trading day (the shop is shut on Saturdays and from 24 December to 2 January).
Status ValidateTransactionOptions(const TransactionGeneratorOptions& options);

/// Writes the transactions (header first) to `sink` and closes it. The bytes depend only on
/// the options other than `threads`. Lines come grouped by customer (ids from 12346 up) and
/// invoice; invoice numbers are unique, increase with time within a customer, and a
/// cancellation is "C" followed by the number of the invoice it reverses. Timestamps fall
/// in shop hours on trading days within [start, end].
Result<GenerationSummary> GenerateTransactions(const TransactionGeneratorOptions& options,
                                               OutputSink& sink,
                                               const ProgressCallback& progress = {});

}  // namespace growthlens::synth
