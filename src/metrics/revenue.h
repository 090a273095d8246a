#pragma once
// Revenue and orders of a transactions Dataset: by month (with new vs returning customers'
// revenue), by country, by product with the Pareto curve, and by season (month of year, weekday,
// hour). Definitions in docs/ANALYTICS.md.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/compensated_sum.h"
#include "core/dataset.h"
#include "metrics/periods.h"

namespace growthlens {

struct MonthRevenue {
  int32_t month = 0;  // MonthIndexOf
  double revenue = 0;
  uint64_t orders = 0;     // distinct invoices
  uint64_t customers = 0;  // distinct customers
  double average_order_value = 0;
  double new_revenue = 0;        // from customers in their cohort month
  double returning_revenue = 0;  // from customers after it
  /// Days of the month inside the data's first..last day, and its calendar days: the data
  /// starts or ends inside a month with days_in_data < days (partial: its totals read low).
  uint32_t days_in_data = 0;
  uint32_t days = 0;
};

struct CountryRevenue {
  std::string country;
  double revenue = 0;
  uint64_t orders = 0;
  uint64_t customers = 0;
};

/// One stock code's lines, named: a curve stands alone from the rows it was made of (on a
/// ClickHouse workspace, one GROUP BY). A code's description is that of its earliest line with
/// one (at one time, the smallest), empty when none has one: a code may carry several, and
/// neither engine keeps the file's order.
struct ProductRevenue {
  std::string stock_code;
  std::string description;
  double revenue = 0;
  int64_t quantity = 0;
  int64_t revenue_micros = 0;  // ItemRevenue::revenue_micros, summed: the rank's key
};

/// A price in millionths of the currency unit, as ItemRevenue::revenue_micros counts it: halves
/// to even, as ClickHouse's round(); nullopt past 64 bits.
inline std::optional<int64_t> PriceMicros(double price) {
  const double micros = std::nearbyint(price * 1e6);
  if (!(std::fabs(micros) < 0x1p62)) return std::nullopt;  // NaN too
  return static_cast<int64_t>(micros);
}

/// The lines of one distinct (stock code, description), summed: what the curve is made of.
struct ItemRevenue {
  std::string stock_code;
  std::string description;  // empty when the lines have none
  bool product = true;      // not postage, fees or adjustments (ItemTable::non_product)
  CompensatedSum revenue;
  /// The revenue in millionths, exactly (quantity x the price rounded to a millionth, summed in
  /// integers): what products rank by, so that sums equal to a millionth tie in any engine and
  /// in any order of adding (the rank then goes by stock code).
  int64_t revenue_micros = 0;
  /// False when the millionths passed 64 bits (a price or sum beyond 9.2 x 10^12): the curve
  /// then ranks every product by the double revenue.
  bool micros_exact = true;
  int64_t quantity = 0;
  Timestamp first_sale = 0;  // the earliest line's time
};

/// Products ranked by revenue. Lines that are not products (postage, fees, adjustments:
/// ItemTable::non_product) are left out of the ranking and the shares, and listed apart.
struct ParetoCurve {
  std::vector<ProductRevenue>
      products;          // by revenue (to a millionth) descending, ties by stock code
  size_t top_count = 0;  // ceil(20% of products)
  double top_share = 0;  // their share of product revenue
  std::vector<double> cumulative_share;  // after each product, of product revenue
  double product_revenue = 0;            // sum over `products`
  /// Per stock code, the lines that are not products, by revenue (to a millionth) descending
  /// (often negative: discounts, fees), ties by stock code.
  std::vector<ProductRevenue> non_products;
  double non_product_revenue = 0;
};

/// Month of year (1-12), weekday (0 = Monday) or hour (0-23).
enum class Season { kMonthOfYear, kWeekday, kHour };
struct SeasonRevenue {
  int key = 0;
  double revenue = 0;
  uint64_t orders = 0;
};

std::vector<MonthRevenue> RevenueByMonth(const TransactionLog& dataset);
/// Revenue per order (an order is one invoice of one customer at one time), for the overloads
/// below that share it (RunAnalysis computes it once for all of them).
std::vector<CompensatedSum> OrderRevenue(const TransactionLog& dataset);
std::vector<MonthRevenue> RevenueByMonth(const TransactionLog& dataset,
                                         const std::vector<CompensatedSum>& order_revenue);
/// By revenue, descending.
std::vector<CountryRevenue> RevenueByCountry(const TransactionLog& dataset);
std::vector<CountryRevenue> RevenueByCountry(const TransactionLog& dataset,
                                             const std::vector<CompensatedSum>& order_revenue);
ParetoCurve ProductPareto(const TransactionLog& dataset);
/// The per-item sums of `dataset`, in item order.
std::vector<ItemRevenue> RevenueByItem(const TransactionLog& dataset);
/// The curve of per-item sums (from RevenueByItem or a warehouse's GROUP BY): per stock code,
/// its product lines ranked, its other lines listed apart.
ParetoCurve ParetoOfItems(const std::vector<ItemRevenue>& items);
/// Keys that occur, ascending.
std::vector<SeasonRevenue> RevenueBySeason(const TransactionLog& dataset, Season season);
std::vector<SeasonRevenue> RevenueBySeason(const TransactionLog& dataset, Season season,
                                           const std::vector<CompensatedSum>& order_revenue);
/// Share of revenue from the top 20% of customers (by monetary value).
double TopCustomerShare(const TransactionLog& dataset, double top_fraction = 0.2);

}  // namespace growthlens
