#pragma once
// CompensatedSum: Neumaier's compensated summation. Money totals over hundreds of thousands of
// lines stay exact to the cent whatever the order of the rows, so results do not depend on how
// work was split between threads.

#include <cmath>

namespace growthlens {

struct CompensatedSum {
  double sum = 0;
  double compensation = 0;

  void Add(double value) {
    const double total = sum + value;
    compensation +=
        std::abs(sum) >= std::abs(value) ? (sum - total) + value : (value - total) + sum;
    sum = total;
  }
  void Merge(const CompensatedSum& other) {
    Add(other.sum);
    compensation += other.compensation;
  }
  double Value() const { return sum + compensation; }
};

}  // namespace growthlens
