#include "app/user_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ml/segmentation.h"

namespace growthlens::app {

std::vector<UserFacts> CollectUserFacts(const Dataset& dataset, const RfmTable& rfm,
                                        CohortPeriod period, const UserPersonas& personas) {
  std::vector<UserFacts> facts(dataset.users().size());
  dataset.Visit([&facts](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) {
      const uint32_t user = UserOfRow(log, row);
      if (user == kNullCode) continue;
      const Day day = DayOfRow(log, row);
      UserFacts& fact = facts[user];
      fact.first_day = fact.active ? std::min(fact.first_day, day) : day;
      fact.last_day = fact.active ? std::max(fact.last_day, day) : day;
      fact.active = true;
    }
  });
  const std::vector<Day>& user_signup = dataset.user_signup();
  for (uint32_t user = 0; user < facts.size(); ++user) {
    const Day signup = user < user_signup.size() ? user_signup[user] : kNoDay;
    const Day start = signup != kNoDay ? signup : facts[user].first_day;
    if (start != kNoDay) facts[user].cohort = CohortBucketOf(start, period);
    if (user < personas.of_user.size()) facts[user].persona = personas.of_user[user];
  }
  for (size_t row = 0; row < rfm.size(); ++row)
    facts[rfm.user[row]].rfm_row = static_cast<int64_t>(row);
  return facts;
}

std::vector<uint8_t> ActiveInBucket(const Dataset& dataset, CohortPeriod period, int32_t bucket) {
  std::vector<uint8_t> active(dataset.users().size(), 0);
  dataset.Visit([&](const auto& log) {
    for (size_t row = 0; row < log.rows(); ++row) {
      const uint32_t user = UserOfRow(log, row);
      if (user != kNullCode && CohortBucketOf(DayOfRow(log, row), period) == bucket)
        active[user] = 1;
    }
  });
  return active;
}

Result<std::vector<uint8_t>> UsersWith(const Dataset& dataset, std::string_view param,
                                       const std::string& name, Naming naming) {
  const bool feature = param == "feature";
  // The code of `name` and the code of each row to compare it with, per kind.
  const auto with_code = [&](const StringDictionary& names, const auto& log,
                             auto code_of_row) -> Result<std::vector<uint8_t>> {
    const std::optional<uint32_t> code = names.Find(name);
    if (!code)
      return BadValue(param, naming, name,
                      fmt::format("no {} of that name", feature ? "feature" : "country"));
    std::vector<uint8_t> with(log.users.size(), 0);
    for (size_t row = 0; row < log.rows(); ++row) {
      const uint32_t user = UserOfRow(log, row);
      if (user != kNullCode && code_of_row(row) == *code) with[user] = 1;
    }
    return with;
  };
  const auto refuse = [&]() -> Result<std::vector<uint8_t>> {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} applies to {}", ShownName(param, naming),
                              feature ? "usage logs" : "transactions"));
  };
  return dataset.Visit(Overloaded{
      [&](const UsageLog& log) {
        if (!feature) return refuse();
        return with_code(log.features, log,
                         [&log](size_t row) -> uint32_t { return log.usage.feature[row]; });
      },
      [&](const TransactionLog& log) {
        if (feature) return refuse();
        return with_code(log.countries, log, [&log](size_t row) -> uint32_t {
          return log.orders.country[log.transactions.order[row]];
        });
      }});
}

View UserListView(std::shared_ptr<const std::vector<uint32_t>> users,
                  std::shared_ptr<const std::vector<UserFacts>> facts, const Dataset& dataset,
                  const RfmTable& rfm, std::shared_ptr<const UserPersonas> personas,
                  CohortPeriod period) {
  const bool usage = ByKind(dataset.kind(), true, false);
  View view;
  view.columns = {{"id", usage ? "User" : "Customer", Align::kLeft},
                  {"segment", "Segment", Align::kLeft},
                  {"persona", "Persona", Align::kLeft},
                  {"recency", "Recency (days)"},
                  {"frequency", usage ? "Active days" : "Orders"},
                  {"monetary", usage ? "Events" : "Revenue"},
                  {"first_day", "First day", Align::kLeft},
                  {"last_day", "Last day", Align::kLeft},
                  {"cohort", "Cohort", Align::kLeft}};
  view.rows = users->size();
  view.row = [=, &dataset, &rfm](size_t idx, std::vector<Cell>& cells) {
    const uint32_t user = (*users)[idx];
    const UserFacts& fact = (*facts)[user];
    const auto row = static_cast<size_t>(fact.rfm_row);
    const bool scored = fact.rfm_row >= 0;
    cells = {Cell::Text(std::string(dataset.users()[user])),
             scored ? Cell::Text(std::string(RfmSegmentName(rfm.segment[row]))) : Cell::Empty(),
             fact.persona < 0 || !personas->model
                 ? Cell::Empty()
                 : Cell::Text(personas->model->personas[static_cast<size_t>(fact.persona)].name),
             scored ? Cell::Integer(rfm.recency[row]) : Cell::Empty(),
             scored ? Cell::Integer(rfm.frequency[row]) : Cell::Empty(),
             // Rounded to the cent before printing: a sum of prices is not 1234.5600000000002
             // in an export.
             scored ? Cell::Number(std::round(rfm.monetary[row] * 100.0) / 100.0, usage ? 0 : 2)
                    : Cell::Empty(),
             Cell::Text(fact.active ? FormatDate(fact.first_day) : ""),
             Cell::Text(fact.active ? FormatDate(fact.last_day) : ""),
             Cell::Text(fact.active ? CohortBucketLabel(fact.cohort, period) : "")};
  };
  return view;
}

}  // namespace growthlens::app
