#pragma once
// Lloyd's assignment: every row scored against every centre, every iteration.

#include <cstdint>
#include <span>

#include "ml/assignment_step.h"

namespace growthlens::ml {

class LloydStep {
 public:
  explicit LloydStep(const FeatureMatrix& x) : x_(&x) {}

  void BeginIteration(const FeatureMatrix& /*centres*/, const CentreTable& table,
                      std::span<const double> /*shifts*/) {
    table_ = &table;
  }
  size_t AssignRows(RowRange rows, std::span<int32_t> labels);

 private:
  const FeatureMatrix* x_;
  const CentreTable* table_ = nullptr;
};

static_assert(AssignmentStep<LloydStep>);

}  // namespace growthlens::ml
