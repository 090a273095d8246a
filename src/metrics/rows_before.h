#pragma once
// The part of a Dataset before a day: what was known on that day. Analyses run on it see no
// later row, so a segment computed from it cannot peek at what users did afterwards (the
// campaign simulation segments users this way and measures their outcomes after the day).
// User codes, dictionaries and side tables are kept as they are, so a user code means the same
// user in both Datasets.
//
//   const Dataset before = RowsBefore(dataset, window_first_day);
//   const RfmTable rfm = ComputeRfm(before, {.reference_day = window_first_day});

#include "core/dataset.h"

namespace growthlens {

/// The rows whose day is before `day` (transactions: the orders placed before it and their
/// lines), in their original order.
Dataset RowsBefore(const Dataset& dataset, Day day);

}  // namespace growthlens
