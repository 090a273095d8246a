#pragma once
// The segmentation model file: versioned JSON holding everything needed to place new users in
// the same personas (feature names, the log1p + scaling parameters, centres, persona names and
// descriptions) and what it was trained on (source, users, k and how it was chosen, metrics, the
// k sweep). `growthlens train` and `segment` write it, `evaluate` and `predict` read it. A file
// of a newer format version is refused with a message saying so.

#include <string>

#include "core/status.h"
#include "metrics/rfm.h"
#include "ml/segmentation.h"

namespace growthlens {
struct Analysis;  // metrics/analysis.h
}  // namespace growthlens

namespace growthlens::app {

inline constexpr int kSegmentModelVersion = 1;
inline constexpr const char* kSegmentModelFormat = "growthlens-segment-model";

struct SegmentModel {
  int version = kSegmentModelVersion;
  DataKind kind = DataKind::kUsage;
  std::string source;               // the training file
  std::string reference_day;        // of the training RFM
  std::string first_day, last_day;  // the days of the training data ("" when not known)
  ml::Segmentation segmentation;    // labels are not stored
  uint64_t training_users = 0;
};

/// The model of a fitted segmentation of `rfm`'s users, trained on the file `source`; its days
/// are those of `whole` when given (a ClickHouse workspace's rows are one per user, at the
/// user's last day), else the dataset's.
SegmentModel MakeSegmentModel(const Dataset& dataset, const RfmTable& rfm,
                              const ml::Segmentation& segmentation, const std::string& source,
                              const Analysis* whole = nullptr);

/// The model file's text: JSON indented by one space, ending with a newline.
std::string SegmentModelText(const SegmentModel& model, const Dataset& dataset);
/// Parses a model, checking its format, version and shapes; errors name the field.
Result<SegmentModel> ParseSegmentModel(const std::string& text, const std::string& path);

Status WriteSegmentModel(const std::string& path, const SegmentModel& model,
                         const Dataset& dataset);
Result<SegmentModel> ReadSegmentModel(const std::string& path);

}  // namespace growthlens::app
