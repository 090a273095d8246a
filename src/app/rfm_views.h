#pragma once
// Views of an RfmTable, shared by `growthlens rfm`, `growthlens analyze` and the server: the
// segment summary, one row per user, and the populated cells of the 5x5x5 score grid. Views
// refer to the table and the Dataset, which must outlive them.

#include "app/table_view.h"
#include "core/dataset.h"
#include "metrics/rfm.h"

namespace growthlens::app {

/// All 11 segments in rule order: users, share, mean recency/frequency/monetary, monetary share.
View RfmSegmentsView(const RfmTable& rfm, bool usage);
/// One row per user: id, raw values, scores, RFM code, segment.
View RfmUsersView(const RfmTable& rfm, const Dataset& dataset, bool usage);
/// Users per populated (R, F, M) cell, best scores first.
View RfmGridView(const RfmTable& rfm);

}  // namespace growthlens::app
