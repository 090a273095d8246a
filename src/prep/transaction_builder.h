#pragma once
// Builds a transactions Dataset from the lines cleaning kept: orders (distinct invoice,
// customer, time and country), items (distinct stock code and description) and prices, each
// numbered in order of first appearance, and dictionaries holding the strings kept lines use,
// in order of first use. Each chunk's lines are interned on their own thread, with the staged
// codes; the chunks' keys are then merged in file order, and the dictionaries re-coded.

#include <cstdint>
#include <vector>

#include "core/dataset.h"
#include "io/staged_table.h"
#include "prep/dataset_builder.h"

namespace growthlens {

/// `status` and `kept` as for BuildDataset; fills `dataset` (empty).
void BuildTransactions(const StagedTable& table, const std::vector<std::vector<uint8_t>>& status,
                       const KeptRows& kept, unsigned threads, TransactionLog& dataset);

}  // namespace growthlens
