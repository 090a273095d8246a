#include "metrics/revenue.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include "core/compensated_sum.h"
#include "core/derived_fields.h"

namespace growthlens {

namespace {

/// Revenue, distinct invoices and distinct customers per key, from orders.
struct KeyTotals {
  CompensatedSum revenue;
  std::unordered_set<uint32_t> invoices;
  std::unordered_set<uint32_t> customers;
};

template <typename KeyOf>
std::map<int64_t, KeyTotals> TotalsByKey(const TransactionLog& dataset,
                                         const std::vector<CompensatedSum>& order_revenue,
                                         KeyOf key_of) {
  std::map<int64_t, KeyTotals> totals;
  const OrderTable& orders = dataset.orders;
  for (uint32_t order = 0; order < orders.size(); ++order) {
    KeyTotals& entry = totals[key_of(order)];
    entry.revenue.Merge(order_revenue[order]);
    entry.invoices.insert(orders.invoice[order]);
    if (orders.customer[order] != kNullCode) entry.customers.insert(orders.customer[order]);
  }
  return totals;
}

}  // namespace

std::vector<CompensatedSum> OrderRevenue(const TransactionLog& dataset) {
  std::vector<CompensatedSum> revenue(dataset.orders.size());
  for (size_t row = 0; row < dataset.rows(); ++row)
    revenue[dataset.transactions.order[row]].Add(dataset.AmountOfRow(row));
  return revenue;
}

std::vector<MonthRevenue> RevenueByMonth(const TransactionLog& dataset) {
  return RevenueByMonth(dataset, OrderRevenue(dataset));
}

std::vector<MonthRevenue> RevenueByMonth(const TransactionLog& dataset,
                                         const std::vector<CompensatedSum>& order_revenue) {
  const std::vector<int32_t> cohort = UserCohortMonths(dataset);
  auto month_of = [&](uint32_t order) { return MonthIndexOf(DayOf(dataset.orders.time[order])); };
  std::map<int64_t, std::pair<CompensatedSum, CompensatedSum>> new_and_returning;
  for (uint32_t order = 0; order < dataset.orders.size(); ++order) {
    const uint32_t customer = dataset.orders.customer[order];
    if (customer == kNullCode) continue;  // unknown customers are neither new nor returning
    auto& [new_revenue, returning_revenue] = new_and_returning[month_of(order)];
    (cohort[customer] == month_of(order) ? new_revenue : returning_revenue)
        .Merge(order_revenue[order]);
  }
  Day first_day = INT32_MAX, last_day = INT32_MIN;
  for (const Timestamp time : dataset.orders.time) {
    first_day = std::min(first_day, DayOf(time));
    last_day = std::max(last_day, DayOf(time));
  }
  std::vector<MonthRevenue> months;
  for (const auto& [month, totals] : TotalsByKey(dataset, order_revenue, month_of)) {
    MonthRevenue row;
    row.month = static_cast<int32_t>(month);
    row.revenue = totals.revenue.Value();
    row.orders = totals.invoices.size();
    row.customers = totals.customers.size();
    row.average_order_value = row.orders == 0 ? 0 : row.revenue / static_cast<double>(row.orders);
    const PeriodCoverage coverage =
        CoverageOf(row.month, CohortPeriod::kMonth, first_day, last_day);
    row.days_in_data = coverage.days_in_data;
    row.days = coverage.days;
    const auto split = new_and_returning.find(month);
    if (split != new_and_returning.end()) {
      row.new_revenue = split->second.first.Value();
      row.returning_revenue = split->second.second.Value();
    }
    months.push_back(row);
  }
  return months;
}

std::vector<CountryRevenue> RevenueByCountry(const TransactionLog& dataset) {
  return RevenueByCountry(dataset, OrderRevenue(dataset));
}

std::vector<CountryRevenue> RevenueByCountry(const TransactionLog& dataset,
                                             const std::vector<CompensatedSum>& order_revenue) {
  std::vector<CountryRevenue> countries;
  for (const auto& [country, totals] : TotalsByKey(
           dataset, order_revenue, [&](uint32_t order) { return dataset.orders.country[order]; }))
    countries.push_back({std::string(dataset.countries[static_cast<uint32_t>(country)]),
                         totals.revenue.Value(), totals.invoices.size(), totals.customers.size()});
  std::stable_sort(
      countries.begin(), countries.end(),
      [](const CountryRevenue& a, const CountryRevenue& b) { return a.revenue > b.revenue; });
  return countries;
}

ParetoCurve ProductPareto(const TransactionLog& dataset) {
  return ParetoOfItems(RevenueByItem(dataset));
}

std::vector<ItemRevenue> RevenueByItem(const TransactionLog& dataset) {
  std::vector<ItemRevenue> items(dataset.items.size());
  std::vector<uint8_t> seen(items.size(), 0);
  std::vector<std::optional<int64_t>> price_micros(dataset.prices.size());
  for (size_t code = 0; code < price_micros.size(); ++code)
    price_micros[code] = PriceMicros(dataset.prices[code]);
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t item = dataset.transactions.item[row];
    ItemRevenue& sums = items[item];
    sums.revenue.Add(dataset.AmountOfRow(row));
    const std::optional<int64_t> price = price_micros[dataset.transactions.price[row]];
    int64_t line = 0;
    if (!price ||
        __builtin_mul_overflow(int64_t{dataset.transactions.quantity[row]}, *price, &line) ||
        __builtin_add_overflow(sums.revenue_micros, line, &sums.revenue_micros))
      sums.micros_exact = false;
    sums.quantity += dataset.transactions.quantity[row];
    const Timestamp time = dataset.orders.time[dataset.transactions.order[row]];
    if (!seen[item] || time < sums.first_sale) sums.first_sale = time;
    seen[item] = 1;
  }
  std::vector<ItemRevenue> found;
  for (uint32_t item = 0; item < items.size(); ++item) {
    if (!seen[item]) continue;  // only on rows left out (a window)
    ItemRevenue& sums = items[item];
    sums.stock_code = dataset.stock_codes[dataset.items.stock_code[item]];
    const uint32_t description = dataset.items.description[item];
    if (description != kNullCode) sums.description = dataset.descriptions[description];
    sums.product = dataset.items.IsProduct(item);
    found.push_back(std::move(sums));
  }
  return found;
}

ParetoCurve ParetoOfItems(const std::vector<ItemRevenue>& items) {
  struct CodeSums {
    std::array<CompensatedSum, 2> revenue;  // [0]: product lines, [1]: the others
    std::array<int64_t, 2> quantity{};
    std::array<int64_t, 2> micros{};
    std::array<bool, 2> seen{};
    const ItemRevenue* named = nullptr;  // the earliest item with a description
  };
  std::map<std::string_view, CodeSums> codes;  // by stock code: ties rank in its order
  std::array<CompensatedSum, 2> total;
  bool exact = true;  // every sum in millionths fits: ranked by them, else by the doubles
  for (const ItemRevenue& item : items) {
    CodeSums& sums = codes[item.stock_code];
    const size_t kind = item.product ? 0 : 1;
    sums.revenue[kind].Merge(item.revenue);
    sums.quantity[kind] += item.quantity;
    exact = exact && item.micros_exact &&
            !__builtin_add_overflow(sums.micros[kind], item.revenue_micros, &sums.micros[kind]);
    sums.seen[kind] = true;
    total[kind].Merge(item.revenue);
    if (!item.description.empty() &&
        (sums.named == nullptr || std::tie(item.first_sale, item.description) <
                                      std::tie(sums.named->first_sale, sums.named->description)))
      sums.named = &item;
  }
  std::array<std::vector<ProductRevenue>, 2> ranked;
  for (const auto& [code, sums] : codes)
    for (size_t kind = 0; kind < 2; ++kind)
      if (sums.seen[kind])
        ranked[kind].push_back(
            {std::string(code), sums.named == nullptr ? std::string() : sums.named->description,
             sums.revenue[kind].Value(), sums.quantity[kind], sums.micros[kind]});
  for (std::vector<ProductRevenue>& list : ranked)  // ties keep the stock codes' order
    std::stable_sort(list.begin(), list.end(),
                     [exact](const ProductRevenue& a, const ProductRevenue& b) {
                       return exact ? a.revenue_micros > b.revenue_micros : a.revenue > b.revenue;
                     });
  ParetoCurve curve;
  curve.products = std::move(ranked[0]);
  curve.non_products = std::move(ranked[1]);
  curve.product_revenue = total[0].Value();
  curve.non_product_revenue = total[1].Value();
  CompensatedSum running;
  for (const ProductRevenue& product : curve.products) {
    running.Add(product.revenue);
    curve.cumulative_share.push_back(
        curve.product_revenue == 0 ? 0 : running.Value() / curve.product_revenue);
  }
  curve.top_count =
      static_cast<size_t>(std::ceil(0.2 * static_cast<double>(curve.products.size())));
  curve.top_share = curve.top_count == 0 ? 0 : curve.cumulative_share[curve.top_count - 1];
  return curve;
}

std::vector<SeasonRevenue> RevenueBySeason(const TransactionLog& dataset, Season season) {
  return RevenueBySeason(dataset, season, OrderRevenue(dataset));
}

std::vector<SeasonRevenue> RevenueBySeason(const TransactionLog& dataset, Season season,
                                           const std::vector<CompensatedSum>& order_revenue) {
  auto key_of = [&](uint32_t order) -> int64_t {
    const Timestamp time = dataset.orders.time[order];
    const Day day = DayOf(time);
    switch (season) {
      case Season::kMonthOfYear:
        return CivilFromDays(day).month;
      case Season::kWeekday:
        return WeekdayOf(day);
      case Season::kHour:
        return (time - static_cast<int64_t>(day) * kSecondsPerDay) / 3600;
    }
    return 0;
  };
  std::vector<SeasonRevenue> seasons;
  for (const auto& [key, totals] : TotalsByKey(dataset, order_revenue, key_of))
    seasons.push_back({static_cast<int>(key), totals.revenue.Value(), totals.invoices.size()});
  return seasons;
}

double TopCustomerShare(const TransactionLog& dataset, double top_fraction) {
  std::vector<CompensatedSum> by_customer(dataset.users.size());
  CompensatedSum total;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t customer = UserOfRow(dataset, row);
    if (customer == kNullCode) continue;
    by_customer[customer].Add(dataset.AmountOfRow(row));
    total.Add(dataset.AmountOfRow(row));
  }
  std::vector<double> values;
  for (const CompensatedSum& sum : by_customer) values.push_back(sum.Value());
  std::sort(values.begin(), values.end(), std::greater<>());
  const auto top =
      static_cast<size_t>(std::ceil(top_fraction * static_cast<double>(values.size())));
  CompensatedSum top_sum;
  for (size_t idx = 0; idx < top && idx < values.size(); ++idx) top_sum.Add(values[idx]);
  return total.Value() == 0 ? 0 : top_sum.Value() / total.Value();
}

}  // namespace growthlens
