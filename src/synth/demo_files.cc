#include "synth/demo_files.h"

#include <memory>

#include "synth/event_generator.h"
#include "synth/output_sink.h"
#include "synth/transaction_generator.h"
#include "synth/usage_generator.h"

namespace growthlens::synth {

Result<GenerationSummary> GenerateDemoFile(DataKind kind, int64_t count, uint64_t seed,
                                           const std::string& path) {
  Result<std::unique_ptr<OutputSink>> sink = OpenOutputSink(path);
  if (!sink.ok()) return sink.status();
  if (kind == DataKind::kTransactions) {
    TransactionGeneratorOptions options;
    options.customers = count;
    options.seed = seed;
    GROWTHLENS_RETURN_IF_ERROR(ValidateTransactionOptions(options));
    return GenerateTransactions(options, **sink);
  }
  UsageGeneratorOptions options;  // the event log: the usage log's users, days and features
  options.users = count;
  options.seed = seed;
  if (kind == DataKind::kEvents) {
    GROWTHLENS_RETURN_IF_ERROR(ValidateEventOptions(options));
    return GenerateEventLog(options, **sink);
  }
  GROWTHLENS_RETURN_IF_ERROR(ValidateUsageOptions(options));
  return GenerateUsageLog(options, **sink);
}

}  // namespace growthlens::synth
