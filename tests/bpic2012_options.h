#pragma once
// How the tests read the BPI Challenge 2012 log (tests/data/bpic2012_events.csv.xz) as events,
// as the goldens' pandas scripts read it: case = user, activity = event, time:timestamp.

#include "prep/ingest.h"

namespace growthlens::testing {

inline IngestOptions Bpic2012EventOptions() {
  IngestOptions options;
  options.read.columns.kind = DataKind::kEvents;
  options.read.columns.name[static_cast<size_t>(Role::kUser)] = "case:concept:name";
  options.read.columns.name[static_cast<size_t>(Role::kTime)] = "time:timestamp";
  options.read.columns.name[static_cast<size_t>(Role::kItem)] = "concept:name";
  return options;
}

}  // namespace growthlens::testing
