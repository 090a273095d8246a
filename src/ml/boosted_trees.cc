#include "ml/boosted_trees.h"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <utility>

namespace growthlens::ml {

namespace {

Status XgbError(std::string_view what) {
  return Status(ErrorCode::kInternal, fmt::format("XGBoost {}: {}", what, XGBGetLastError()));
}

// A DMatrix freed when it leaves scope.
class DMatrix {
 public:
  static Result<DMatrix> FromFeatures(const FeatureMatrix& x) {
    std::vector<float> values(x.values().begin(), x.values().end());
    DMatrixHandle handle = nullptr;
    if (XGDMatrixCreateFromMat(values.data(), x.rows(), x.cols(), std::nanf(""), &handle) != 0)
      return XgbError("data");
    return DMatrix(handle);
  }
  DMatrix(DMatrix&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  DMatrix& operator=(DMatrix&&) = delete;
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  DMatrixHandle get() const { return handle_; }

 private:
  explicit DMatrix(DMatrixHandle handle) : handle_(handle) {}
  DMatrixHandle handle_;
};

}  // namespace

struct BoostedTrees::Booster {
  BoosterHandle handle = nullptr;
  size_t features = 0;
  Booster() = default;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster() {
    if (handle != nullptr) XGBoosterFree(handle);
  }
};

BoostedTrees::BoostedTrees(std::unique_ptr<Booster> booster) : booster_(std::move(booster)) {}
BoostedTrees::BoostedTrees(BoostedTrees&&) noexcept = default;
BoostedTrees& BoostedTrees::operator=(BoostedTrees&&) noexcept = default;
BoostedTrees::~BoostedTrees() = default;

Result<BoostedTrees> BoostedTrees::Train(const FeatureMatrix& x, std::span<const uint8_t> label,
                                         const BoostedTreesOptions& options) {
  if (x.rows() == 0 || x.rows() != label.size())
    return Status(ErrorCode::kInvalidArgument,
                  "boosted trees: expected one label per row and at least one row");
  Result<DMatrix> train = DMatrix::FromFeatures(x);
  if (!train.ok()) return train.status();
  const std::vector<float> labels(label.begin(), label.end());
  if (XGDMatrixSetFloatInfo(train->get(), "label", labels.data(), labels.size()) != 0)
    return XgbError("labels");
  auto booster = std::make_unique<Booster>();
  booster->features = x.cols();
  DMatrixHandle matrices[] = {train->get()};
  if (XGBoosterCreate(matrices, 1, &booster->handle) != 0) return XgbError("booster");
  const std::pair<const char*, std::string> params[] = {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(options.max_depth)},
      {"eta", fmt::format("{}", options.learning_rate)},
      {"min_child_weight", fmt::format("{}", options.min_child_weight)},
      {"lambda", fmt::format("{}", options.lambda)},
      {"max_bin", std::to_string(options.max_bin)},
      {"nthread", std::to_string(options.threads)},
      {"seed", std::to_string(options.seed)},
      {"verbosity", "0"},
  };
  for (const auto& [name, value] : params)
    if (XGBoosterSetParam(booster->handle, name, value.c_str()) != 0)
      return XgbError(fmt::format("parameter {}", name));
  for (int round = 0; round < options.rounds; ++round)
    if (XGBoosterUpdateOneIter(booster->handle, round, train->get()) != 0)
      return XgbError("training");
  return BoostedTrees(std::move(booster));
}

Result<BoostedTrees> BoostedTrees::FromJson(std::string_view json) {
  auto booster = std::make_unique<Booster>();
  if (XGBoosterCreate(nullptr, 0, &booster->handle) != 0) return XgbError("booster");
  if (XGBoosterLoadModelFromBuffer(booster->handle, json.data(), json.size()) != 0)
    return XgbError("model");
  bst_ulong features = 0;
  if (XGBoosterGetNumFeature(booster->handle, &features) != 0) return XgbError("model");
  booster->features = features;
  return BoostedTrees(std::move(booster));
}

Result<std::string> BoostedTrees::ToJson() const {
  bst_ulong length = 0;
  const char* bytes = nullptr;
  if (XGBoosterSaveModelToBuffer(booster_->handle, R"({"format": "json"})", &length, &bytes) != 0)
    return XgbError("saving");
  return std::string(bytes, length);
}

Result<std::vector<double>> BoostedTrees::Predict(const FeatureMatrix& x) const {
  if (x.cols() != booster_->features)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("boosted trees: {} columns given, the model has {}", x.cols(),
                              booster_->features));
  Result<DMatrix> data = DMatrix::FromFeatures(x);
  if (!data.ok()) return data.status();
  bst_ulong length = 0;
  const float* out = nullptr;
  if (XGBoosterPredict(booster_->handle, data->get(), 0, 0, 0, &length, &out) != 0)
    return XgbError("prediction");
  return std::vector<double>(out, out + length);
}

Result<FeatureMatrix> BoostedTrees::Contributions(const FeatureMatrix& x) const {
  if (x.cols() != booster_->features)
    return Status(ErrorCode::kInvalidArgument, "boosted trees: column count differs");
  Result<DMatrix> data = DMatrix::FromFeatures(x);
  if (!data.ok()) return data.status();
  bst_ulong length = 0;
  const float* out = nullptr;
  constexpr int kContributions = 4;  // option_mask bit: pred_contribs
  if (XGBoosterPredict(booster_->handle, data->get(), kContributions, 0, 0, &length, &out) != 0)
    return XgbError("contributions");
  const size_t stride = x.cols() + 1;  // each row ends with the bias
  if (length != x.rows() * stride) return XgbError("contributions (shape)");
  FeatureMatrix contributions(x.rows(), x.cols());
  for (size_t row = 0; row < x.rows(); ++row)
    for (size_t col = 0; col < x.cols(); ++col) contributions(row, col) = out[row * stride + col];
  return contributions;
}

}  // namespace growthlens::ml
