#include "ml/boosted_trees.h"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <utility>

#include "ml/tree_splits.h"

namespace growthlens::ml {

namespace {

Status XgbError(std::string_view what) {
  return Status(ErrorCode::kInternal, fmt::format("XGBoost {}: {}", what, XGBGetLastError()));
}

// A DMatrix freed when it leaves scope.
class DMatrix {
 public:
  static Result<DMatrix> FromFeatures(const FeatureMatrix& x) {
    const std::vector<float> values(x.values().begin(), x.values().end());
    return FromFloats(values, x.rows(), x.cols());
  }
  static Result<DMatrix> FromFloats(std::span<const float> values, size_t rows, size_t cols) {
    DMatrixHandle handle = nullptr;
    if (XGDMatrixCreateFromMat(values.data(), rows, cols, std::nanf(""), &handle) != 0)
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

// A booster handle freed when it leaves scope.
struct BoosterOwner {
  BoosterHandle handle = nullptr;
  BoosterOwner() = default;
  BoosterOwner(BoosterOwner&& other) noexcept : handle(std::exchange(other.handle, nullptr)) {}
  BoosterOwner& operator=(BoosterOwner&&) = delete;
  ~BoosterOwner() {
    if (handle != nullptr) XGBoosterFree(handle);
  }
};

// XGBoost's pred_contribs of `values` (rows x cols floats), the bias column left out, as floats.
Result<std::vector<float>> XgbContributions(BoosterHandle booster, std::span<const float> values,
                                            size_t rows, size_t cols) {
  Result<DMatrix> data = DMatrix::FromFloats(values, rows, cols);
  if (!data.ok()) return data.status();
  bst_ulong length = 0;
  const float* out = nullptr;
  constexpr int kContributions = 4;  // option_mask bit: pred_contribs
  if (XGBoosterPredict(booster, data->get(), kContributions, 0, 0, &length, &out) != 0)
    return XgbError("contributions");
  const size_t stride = cols + 1;  // each row ends with the bias
  if (length != rows * stride) return XgbError("contributions (shape)");
  std::vector<float> contributions(rows * cols);
  for (size_t row = 0; row < rows; ++row)
    std::copy_n(out + row * stride, cols, contributions.begin() + row * cols);
  return contributions;
}

}  // namespace

struct BoostedTrees::Booster {
  BoosterHandle handle = nullptr;
  size_t features = 0;
  std::optional<TreeSplits> splits;  // absent: contributions row by row
  Booster() = default;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster() {
    if (handle != nullptr) XGBoosterFree(handle);
  }
  // Reads the trees' splits from the model; a tree with more than 64 splits leaves them out.
  Status ReadSplits() {
    bst_ulong length = 0;
    const char* bytes = nullptr;
    if (XGBoosterSaveModelToBuffer(handle, R"({"format": "ubj"})", &length, &bytes) != 0)
      return XgbError("saving");
    Result<TreeSplits> read = TreeSplits::FromUbjson(
        std::span(reinterpret_cast<const uint8_t*>(bytes), length), features);
    // A layout the reader does not know (categorical splits, a newer XGBoost): the model still
    // works, its contributions computed row by row.
    if (!read.ok()) return Status::Ok();
    int rounds = 0;
    if (XGBoosterBoostedRounds(handle, &rounds) != 0) return XgbError("rounds");
    // One tree per round (binary objective, no parallel trees): round i is tree i.
    if (read->KeysFit() && read->trees() == static_cast<size_t>(rounds))
      splits.emplace(std::move(read).value());
    return Status::Ok();
  }
};

namespace {

// Distinct 64-bit keys numbered in order of first sight: a small open-addressing table (the keys
// of one tree are a few hundred, looked up once per row).
class KeyNumbers {
 public:
  // The key's number and whether it is new.
  std::pair<uint32_t, bool> Find(uint64_t key) {
    if (2 * (count_ + 1) > slots_.size()) Grow();
    size_t at = Slot(key);
    while (slots_[at].used) {
      if (slots_[at].key == key) return {slots_[at].number, false};
      at = (at + 1) & (slots_.size() - 1);
    }
    slots_[at] = {key, count_, true};
    return {count_++, true};
  }
  uint32_t size() const { return count_; }

 private:
  struct Entry {
    uint64_t key = 0;
    uint32_t number = 0;
    bool used = false;
  };
  size_t Slot(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void Grow() {
    std::vector<Entry> old =
        std::exchange(slots_, std::vector<Entry>(std::max<size_t>(64, 2 * slots_.size())));
    shift_ = 64 - std::countr_zero(slots_.size());
    for (const Entry& entry : old)
      if (entry.used) {
        size_t at = Slot(entry.key);
        while (slots_[at].used) at = (at + 1) & (slots_.size() - 1);
        slots_[at] = entry;
      }
  }
  std::vector<Entry> slots_;
  int shift_ = 64;
  uint32_t count_ = 0;
};

// Exact TreeSHAP per tree on one row per distinct decision key (tree_splits.h), then each row's
// per-tree values summed in tree order in float, as XGBoost sums them: the same numbers as
// XGBoost's pred_contribs on every row, at the cost of the distinct keys.
Result<FeatureMatrix> ContributionsByKey(BoosterHandle booster, const TreeSplits& splits,
                                         const FeatureMatrix& x) {
  const size_t rows = x.rows(), cols = x.cols(), trees = splits.trees();
  const std::vector<float> values(x.values().begin(), x.values().end());
  std::vector<uint32_t> group(rows * trees);  // per row and tree, the number of its key
  std::vector<KeyNumbers> numbers(trees);
  std::vector<std::vector<float>> representatives(trees);  // per tree, a row per key
  constexpr size_t kBlock = 512;                           // rows whose keys are held at once
  std::vector<uint64_t> keys(kBlock * trees);
  for (size_t first = 0; first < rows; first += kBlock) {
    const size_t end = std::min(rows, first + kBlock);
    const std::span<const float> block(values.data() + first * cols, (end - first) * cols);
    splits.DecisionKeys(block, cols, keys);
    for (size_t row = first; row < end; ++row)
      for (size_t tree = 0; tree < trees; ++tree) {
        const auto [number, added] = numbers[tree].Find(keys[(row - first) * trees + tree]);
        if (added)
          representatives[tree].insert(representatives[tree].end(), values.begin() + row * cols,
                                       values.begin() + (row + 1) * cols);
        group[row * trees + tree] = number;
      }
  }
  std::vector<std::vector<float>> by_key(trees);  // per tree and key, cols values
  for (size_t tree = 0; tree < trees; ++tree) {
    BoosterOwner alone;
    const int round = static_cast<int>(tree);
    if (XGBoosterSlice(booster, round, round + 1, 1, &alone.handle) != 0) return XgbError("slice");
    // A few hundred rows: one thread, no OpenMP team spinning between 100 small calls.
    if (XGBoosterSetParam(alone.handle, "nthread", "1") != 0) return XgbError("threads");
    Result<std::vector<float>> contributions =
        XgbContributions(alone.handle, representatives[tree], numbers[tree].size(), cols);
    if (!contributions.ok()) return contributions.status();
    by_key[tree] = std::move(contributions).value();
  }
  FeatureMatrix out(rows, cols);
  std::vector<float> sum(cols);
  for (size_t row = 0; row < rows; ++row) {
    std::fill(sum.begin(), sum.end(), 0.0f);
    for (size_t tree = 0; tree < trees; ++tree) {
      const float* value = by_key[tree].data() + size_t{group[row * trees + tree]} * cols;
      for (size_t col = 0; col < cols; ++col) sum[col] += value[col];
    }
    std::copy(sum.begin(), sum.end(), out.row(row).begin());
  }
  return out;
}

}  // namespace

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
  GROWTHLENS_RETURN_IF_ERROR(booster->ReadSplits());
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
  GROWTHLENS_RETURN_IF_ERROR(booster->ReadSplits());
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
  if (x.rows() == 0) return FeatureMatrix(0, x.cols());
  if (booster_->splits) return ContributionsByKey(booster_->handle, *booster_->splits, x);
  return ContributionsPerRow(x);
}

Result<FeatureMatrix> BoostedTrees::ContributionsPerRow(const FeatureMatrix& x) const {
  if (x.cols() != booster_->features)
    return Status(ErrorCode::kInvalidArgument, "boosted trees: column count differs");
  const std::vector<float> values(x.values().begin(), x.values().end());
  Result<std::vector<float>> contributions =
      XgbContributions(booster_->handle, values, x.rows(), x.cols());
  if (!contributions.ok()) return contributions.status();
  FeatureMatrix out(x.rows(), x.cols());
  std::copy(contributions->begin(), contributions->end(), out.values().begin());
  return out;
}

}  // namespace growthlens::ml
