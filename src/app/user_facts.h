#pragma once
// What the users list shows and filters on, per user: whether they have rows (in the dates
// asked), their first and last day, cohort, RFM row and persona; and the filters that need a
// pass over the rows (active in a cohort's period, users of a feature or country).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/param_spec.h"
#include "app/persona_cache.h"
#include "app/table_view.h"
#include "core/dataset.h"
#include "core/status.h"
#include "metrics/periods.h"
#include "metrics/rfm.h"

namespace growthlens::app {

struct UserFacts {
  bool active = false;  // a row in the (windowed) data
  Day first_day = kNoDay, last_day = kNoDay;
  int32_t cohort = 0;
  int64_t rfm_row = -1;  // row of the RfmTable, -1 when not scored
  int32_t persona = -1;  // persona id (whole data), -1 when none
};

/// Per user code of `dataset`: activity, cohort (the signup where known, else the first
/// activity, as `cohorts` makes it), RFM row and persona.
std::vector<UserFacts> CollectUserFacts(const Dataset& dataset, const RfmTable& rfm,
                                        CohortPeriod period, const UserPersonas& personas);

/// Whether each user was active in cohort period `bucket`.
std::vector<uint8_t> ActiveInBucket(const Dataset& dataset, CohortPeriod period, int32_t bucket);

/// The users with a row of feature `name` (usage logs, `feature`) or an order from country
/// `name` (transactions, `country`): who is behind a bar of the feature or country charts.
Result<std::vector<uint8_t>> UsersWith(const Dataset& dataset, std::string_view param,
                                       const std::string& name, Naming naming);

/// The users `users` (codes), one row each: id, RFM segment, persona, recency, frequency,
/// monetary (to the cent), first and last day, cohort. Refers to `dataset` and `rfm`.
View UserListView(std::shared_ptr<const std::vector<uint32_t>> users,
                  std::shared_ptr<const std::vector<UserFacts>> facts, const Dataset& dataset,
                  const RfmTable& rfm, std::shared_ptr<const UserPersonas> personas,
                  CohortPeriod period);

}  // namespace growthlens::app
