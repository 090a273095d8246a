#pragma once
// The part of a Dataset before a day: what was known on that day (and the part inside a date
// window, for analyses filtered to a period). Analyses run on it see no
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

/// The rows whose day lies in [first, last], as RowsBefore, with only their invoices in the
/// invoice dictionary (summaries count it as the orders). Every user keeps their start: the
/// signup where given, else their first day of activity in the whole `dataset`, so cohorts and
/// new-versus-returning splits of the window put users who started before it in their true,
/// earlier cohort (left-censored in the window) instead of counting them as new.
Dataset RowsInWindow(const Dataset& dataset, Day first, Day last);

}  // namespace growthlens
