#include "app/user_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ml/segmentation.h"

namespace growthlens::app {

std::vector<UserFacts> CollectUserFacts(const Dataset& dataset, const RfmTable& rfm,
                                        CohortPeriod period, const UserPersonas& personas) {
  std::vector<UserFacts> facts(dataset.users.size());
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = dataset.UserOfRow(row);
    if (user == kNullCode) continue;
    const Day day = dataset.DayOfRow(row);
    UserFacts& fact = facts[user];
    fact.first_day = fact.active ? std::min(fact.first_day, day) : day;
    fact.last_day = fact.active ? std::max(fact.last_day, day) : day;
    fact.active = true;
  }
  for (uint32_t user = 0; user < facts.size(); ++user) {
    const Day signup = user < dataset.user_signup.size() ? dataset.user_signup[user] : kNoDay;
    const Day start = signup != kNoDay ? signup : facts[user].first_day;
    if (start != kNoDay) facts[user].cohort = CohortBucketOf(start, period);
    if (user < personas.of_user.size()) facts[user].persona = personas.of_user[user];
  }
  for (size_t row = 0; row < rfm.size(); ++row)
    facts[rfm.user[row]].rfm_row = static_cast<int64_t>(row);
  return facts;
}

std::vector<uint8_t> ActiveInBucket(const Dataset& dataset, CohortPeriod period, int32_t bucket) {
  std::vector<uint8_t> active(dataset.users.size(), 0);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = dataset.UserOfRow(row);
    if (user != kNullCode && CohortBucketOf(dataset.DayOfRow(row), period) == bucket)
      active[user] = 1;
  }
  return active;
}

Result<std::vector<uint8_t>> UsersWith(const Dataset& dataset, std::string_view param,
                                       const std::string& name, Naming naming) {
  const bool feature = param == "feature";
  const bool usage = dataset.kind() == DataKind::kUsage;
  if (feature != usage)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} applies to {}", ShownName(param, naming),
                              feature ? "usage logs" : "transactions"));
  const std::optional<uint32_t> code =
      feature ? dataset.features.Find(name) : dataset.countries.Find(name);
  if (!code)
    return BadValue(param, naming, name,
                    fmt::format("no {} of that name", feature ? "feature" : "country"));
  std::vector<uint8_t> with(dataset.users.size(), 0);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = dataset.UserOfRow(row);
    if (user == kNullCode) continue;
    const uint32_t value = feature ? dataset.usage.feature[row]
                                   : dataset.orders.country[dataset.transactions.order[row]];
    if (value == *code) with[user] = 1;
  }
  return with;
}

View UserListView(std::shared_ptr<const std::vector<uint32_t>> users,
                  std::shared_ptr<const std::vector<UserFacts>> facts, const Dataset& dataset,
                  const RfmTable& rfm, std::shared_ptr<const UserPersonas> personas,
                  CohortPeriod period) {
  const bool usage = dataset.kind() == DataKind::kUsage;
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
    cells = {Cell::Text(std::string(dataset.users[user])),
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
