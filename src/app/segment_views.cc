#include "app/segment_views.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

#include "ml/segmentation.h"

namespace growthlens::app {

View KSweepView(const ml::KSweepResult& sweep, size_t used_k) {
  View view;
  view.columns = {{"k", "k"},
                  {"inertia", "Inertia"},
                  {"silhouette", "Silhouette"},
                  {"silhouette_rows", "Silhouette rows"},
                  {"davies_bouldin", "Davies-Bouldin"},
                  {"calinski_harabasz", "Calinski-Harabasz"},
                  {"stability_ari", "Stability (ARI)"},
                  {"chosen", "Chosen", Align::kLeft}};
  view.rows = sweep.rows.size();
  view.row = [&sweep, used_k](size_t row, std::vector<Cell>& cells) {
    const ml::KSweepRow& entry = sweep.rows[row];
    cells = {Cell::Integer(static_cast<int64_t>(entry.k)),
             Cell::Number(entry.inertia, 1),
             Cell::Number(entry.silhouette, 4),
             Cell::Integer(static_cast<int64_t>(entry.silhouette_rows)),
             Cell::Number(entry.davies_bouldin, 4),
             Cell::Number(entry.calinski_harabasz, 1),
             entry.stability_ari ? Cell::Number(*entry.stability_ari, 4) : Cell::Empty(),
             Cell::Text(entry.k == sweep.best_k && entry.k == used_k ? "best silhouette, used"
                        : entry.k == sweep.best_k                    ? "best silhouette"
                        : entry.k == used_k                          ? "used"
                                                                     : "")};
  };
  return view;
}

View PersonasView(const ml::Segmentation& segmentation, const Dataset& dataset) {
  const bool usage = ByKind(segmentation.kind, true, false);
  View view;
  view.columns = {{"id", "#"},
                  {"persona", "Persona", Align::kLeft},
                  {"users", usage ? "Users" : "Customers"},
                  {"share", "Share"},
                  {"mean_recency", "Recency"},
                  {"median_recency", "Median R"},
                  {"mean_frequency", usage ? "Active days" : "Orders"},
                  {"median_frequency", "Median F"},
                  {"mean_monetary", usage ? "Events" : "Revenue"},
                  {"median_monetary", "Median M"},
                  {"monetary_share", usage ? "Events share" : "Revenue share"},
                  {"top_features", "Top features", Align::kLeft},
                  {"description", "Description", Align::kLeft},
                  {"action", "What to do", Align::kLeft},
                  {"small", "Under 2%", Align::kLeft}};
  view.rows = segmentation.personas.size();
  view.row = [&segmentation, &dataset, usage](size_t row, std::vector<Cell>& cells) {
    const ml::Persona& persona = segmentation.personas[row];
    std::string top;
    for (const ml::FeatureUse& use : persona.top_features)
      top += fmt::format("{}{} {:.0f}%", top.empty() ? "" : ", ",
                         dataset.As<UsageLog>()->features[use.feature], 100 * use.share);
    cells = {Cell::Integer(static_cast<int64_t>(persona.id)),
             Cell::Text(persona.name),
             Cell::Integer(static_cast<int64_t>(persona.users)),
             Cell::Percent(persona.share),
             Cell::Number(persona.mean_recency, 1),
             Cell::Number(persona.median_recency, 0),
             Cell::Number(persona.mean_frequency, 1),
             Cell::Number(persona.median_frequency, 0),
             Cell::Number(persona.mean_monetary, usage ? 0 : 2),
             Cell::Number(persona.median_monetary, usage ? 0 : 2),
             Cell::Percent(persona.monetary_share),
             top.empty() ? Cell::Empty() : Cell::Text(top),
             Cell::Text(persona.description),
             Cell::Text(persona.action),
             Cell::Flag(persona.small)};
  };
  return view;
}

View UserPersonasView(const RfmTable& rfm, std::span<const int32_t> labels,
                      const ml::Segmentation& segmentation, const Dataset& dataset) {
  const bool usage = ByKind(dataset.kind(), true, false);
  View view;
  view.columns = {{"id", usage ? "User" : "Customer", Align::kLeft},
                  {"recency", "Recency"},
                  {"frequency", "Frequency"},
                  {"monetary", "Monetary"},
                  {"persona_id", "#"},
                  {"persona", "Persona", Align::kLeft}};
  view.rows = rfm.size();
  view.row = [&rfm, labels, &segmentation, &dataset, usage](size_t idx, std::vector<Cell>& cells) {
    const auto persona = static_cast<size_t>(labels[idx]);
    cells = {Cell::Text(std::string(dataset.users()[rfm.user[idx]])),
             Cell::Integer(rfm.recency[idx]),
             Cell::Integer(rfm.frequency[idx]),
             Cell::Number(rfm.monetary[idx], usage ? 0 : 2),
             Cell::Integer(static_cast<int64_t>(persona)),
             Cell::Text(segmentation.personas[persona].name)};
  };
  return view;
}

}  // namespace growthlens::app
