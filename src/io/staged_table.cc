#include "io/staged_table.h"

#include <functional>

#include "core/parallel.h"

namespace growthlens {

namespace {

std::vector<uint32_t> MergeDictionary(StringDictionary& global, const StringDictionary& local) {
  std::vector<uint32_t> remap(local.size());
  for (uint32_t code = 0; code < local.size(); ++code) remap[code] = global.Intern(local[code]);
  return remap;
}

template <typename Code>
void Remap(Column<Code>& column, const std::vector<uint32_t>& remap) {
  for (Code& code : column)
    if (code != static_cast<Code>(kNullCode)) code = static_cast<Code>(remap[code]);
}

}  // namespace

const char* ParseIssueName(ParseIssue issue) {
  switch (issue) {
    case ParseIssue::kWrongFieldCount:
      return "wrong_field_count";
    case ParseIssue::kBadNumber:
      return "bad_number";
    case ParseIssue::kUnterminatedQuote:
      return "unterminated_quote";
    case ParseIssue::kUnparsableDate:
      return "unparsable_date";
    case ParseIssue::kBadJson:
      return "bad_json";
    case ParseIssue::kMissingField:
      return "missing_field";
  }
  return "unknown";
}

// Folds chunk-local codes into the table's dictionaries (chunk 0's become the global ones)
// and turns chunk-relative line numbers into file line numbers. Dictionaries merge in order;
// the column rewrites, one task per (chunk, column), run in parallel.
void MergeStagedChunks(StagedTable& table, uint64_t header_lines, unsigned threads) {
  StagedDictionaries& global = table.dictionaries;
  global = std::move(table.chunks.front().dictionaries);
  // Room for every chunk's users up front: the largest dictionary never rehashes.
  size_t users = global.users.size();
  for (size_t chunk_idx = 1; chunk_idx < table.chunks.size(); ++chunk_idx)
    users += table.chunks[chunk_idx].dictionaries.users.size();
  global.users.Reserve(users);
  std::vector<std::function<void()>> tasks;
  uint64_t lines_before = header_lines + table.chunks.front().newlines;
  for (size_t chunk_idx = 1; chunk_idx < table.chunks.size(); ++chunk_idx) {
    StagedChunk& chunk = table.chunks[chunk_idx];
    StagedDictionaries& local = chunk.dictionaries;
    auto add = [&tasks](auto& column, std::vector<uint32_t> remap) {
      if (!column.empty())
        tasks.emplace_back([&column, remap = std::move(remap)] { Remap(column, remap); });
    };
    add(chunk.user, MergeDictionary(global.users, local.users));
    add(chunk.feature, MergeDictionary(global.features, local.features));
    add(chunk.invoice, MergeDictionary(global.invoices, local.invoices));
    add(chunk.stock_code, MergeDictionary(global.stock_codes, local.stock_codes));
    add(chunk.description, MergeDictionary(global.descriptions, local.descriptions));
    add(chunk.country, MergeDictionary(global.countries, local.countries));
    chunk.lines.Shift(lines_before);
    lines_before += chunk.newlines;
    local = StagedDictionaries();
  }
  ParallelFor(tasks.size(), threads, [&tasks](size_t task) { tasks[task](); });
}

// Totals the chunks' counts and keeps the first examples, with file line numbers.
void TotalStagedIssues(StagedTable& table, uint64_t header_lines, size_t max_examples) {
  uint64_t lines_before = header_lines;
  for (size_t chunk_idx = 0; chunk_idx < table.chunks.size(); ++chunk_idx) {
    StagedChunk& chunk = table.chunks[chunk_idx];
    // Chunk 0 numbered its lines from the header already.
    const uint64_t example_offset = chunk_idx == 0 ? 0 : lines_before;
    table.records += chunk.records;
    table.blank_lines += chunk.blank_lines;
    table.filtered_out += chunk.filtered_out;
    for (RowExample& example : chunk.filtered_examples) {
      example.line += example_offset;
      if (table.filtered_examples.size() < max_examples)
        table.filtered_examples.push_back(std::move(example));
    }
    chunk.filtered_examples.clear();
    if (table.first_open_quote.line == 0 && chunk.first_open_quote.line != 0) {
      table.first_open_quote = std::move(chunk.first_open_quote);
      table.first_open_quote.line += example_offset;
    }
    for (size_t issue_idx = 0; issue_idx < kParseIssueCount; ++issue_idx) {
      table.issue_counts[issue_idx] += chunk.issue_counts[issue_idx];
      for (RowExample& example : chunk.issue_examples[issue_idx]) {
        example.line += example_offset;
        if (table.issue_examples[issue_idx].size() < max_examples)
          table.issue_examples[issue_idx].push_back(std::move(example));
      }
      chunk.issue_examples[issue_idx].clear();
    }
    lines_before += chunk.newlines;
  }
}

}  // namespace growthlens
