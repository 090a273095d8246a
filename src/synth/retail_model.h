#pragma once
// The behavioural model behind the synthetic transactions, in one place: a UK online gift
// wholesaler shaped after the UCI "Online Retail" data set (the default 5,000 customers give
// about 490,000 lines to its 541,909). Customers have personas (RFM and clustering should find
// them), sales peak before Christmas, the shop is closed on Saturdays and over the holidays, and
// the data carries the same dirt as the original: cancellations, guest checkouts without a
// CustomerID, duplicated lines, zero prices and a few missing descriptions.

#include <array>
#include <cstdint>
#include <string_view>

namespace growthlens::synth {

/// How one kind of customer buys.
struct CustomerPersona {
  std::string_view name;
  double share;               // of all customers
  double invoices_per_month;  // while active, on top of the first invoice (Poisson); 0 = one-off
  double mean_lifetime_days;  // exponential; no purchases after first purchase + lifetime
  double mean_basket_lines;   // lines per invoice (Lomax-tailed)
  double large_pack_share;    // chance a line's quantity is doubled (wholesale buying)
  double cheap_preference;    // chance of putting back a product above kBargainPrice
  double guest_share;         // chance an invoice is checked out without a CustomerID
  double favourite_share;     // chance a line re-buys one of the customer's favourites
};

// Loyal high-value customers are the shops that restock every few weeks with big baskets;
// bargain seekers come often for cheap items; occasional buyers a few times a year; one-off
// customers buy once (a few come back within weeks) and are gone.
inline constexpr std::array<CustomerPersona, 4> kCustomerPersonas = {{
    {"loyal high-value", 0.12, 1.8, 2000.0, 34.0, 0.40, 0.0, 0.10, 0.40},
    {"frequent bargain", 0.23, 1.2, 420.0, 18.0, 0.10, 0.70, 0.25, 0.30},
    {"occasional", 0.35, 0.35, 300.0, 16.0, 0.10, 0.20, 0.40, 0.15},
    {"one-off", 0.30, 0.0, 0.0, 12.0, 0.05, 0.20, 0.55, 0.0},
}};

/// Chance that a one-off customer still comes back once, within kOneOffReturnDays.
inline constexpr double kOneOffReturnShare = 0.15;
inline constexpr int kOneOffReturnDays = 45;
/// Customers already buying when the period starts (the first cohort is large, as in UCI).
inline constexpr double kExistingCustomerShare = 0.35;
/// New customers per trading day at the end of the period relative to its start.
inline constexpr double kAcquisitionGrowth = 1.6;
/// Lomax shape of lines per invoice: most baskets are small, a few hold a hundred lines.
inline constexpr double kBasketTail = 2.6;
inline constexpr int kMaxBasketLines = 400;

/// Relative sales by month (January first): the run-up to Christmas dominates.
inline constexpr std::array<double, 12> kMonthSales = {0.85, 0.75, 0.95, 0.85, 0.95, 0.95,
                                                       0.95, 0.95, 1.30, 1.55, 2.00, 1.30};
/// Relative sales by weekday (Monday first); the shop does not trade on Saturdays.
inline constexpr std::array<double, 7> kWeekdaySales = {1.0, 1.05, 1.0, 1.1, 0.85, 0.0, 0.65};
/// Relative sales by hour of day: office hours with a lunchtime peak, nothing at night.
inline constexpr std::array<double, 24> kHourSales = {0,  0,  0,  0,  0,  0,  0, 0.5, 9, 34, 49, 58,
                                                      79, 72, 67, 78, 55, 29, 8, 4,   1, 0,  0,  0};
/// Christmas closure: no trading from this December day through this January day.
inline constexpr int kClosedFromDecemberDay = 24;
inline constexpr int kClosedUntilJanuaryDay = 2;

/// Line-level dirt, as shares of lines.
inline constexpr double kCancelledLineShare = 0.02;   // returned later on a "C" invoice
inline constexpr double kDuplicateLineShare = 0.01;   // written twice, byte for byte
inline constexpr double kZeroPriceLineShare = 0.004;  // free samples and data-entry slips
/// Share of zero-price lines whose Description is empty, as in the original.
inline constexpr double kMissingDescriptionShare = 0.25;
/// Share of cancelled lines returned in full; the rest return part of the quantity.
inline constexpr double kFullReturnShare = 0.7;
/// A cancellation comes this many days after its invoice on average (exponential).
inline constexpr double kMeanCancellationDelayDays = 6.0;
/// Invoices to customers abroad carry a postage line this often.
inline constexpr double kPostageShareAbroad = 0.6;
inline constexpr int kPostagePriceMilli = 18'000;

/// Above this unit price a bargain seeker may put a product back.
inline constexpr int kBargainPriceMilli = 3'000;
/// Lines of at least this quantity get the wholesale price.
inline constexpr int kBulkQuantity = 24;
inline constexpr double kBulkPriceFactor = 0.85;
/// Above this unit price, quantities stay at 1-3.
inline constexpr int kExpensivePriceMilli = 15'000;

/// Line quantities and how often each occurs (packs of 6, 12 and 24 are typical).
struct QuantityShare {
  int quantity;
  double share;
};
inline constexpr std::array<QuantityShare, 20> kQuantities = {{
    {1, 30.0}, {2, 14.0},  {3, 6.0},  {4, 8.0},   {5, 1.5},   {6, 12.0},   {8, 3.0},
    {10, 5.0}, {12, 12.0}, {16, 1.0}, {20, 1.0},  {24, 5.0},  {25, 1.0},   {36, 1.0},
    {48, 1.5}, {72, 0.4},  {96, 0.4}, {100, 0.3}, {144, 0.3}, {480, 0.05},
}};

/// Where customers are, by share of customers.
struct CountryShare {
  std::string_view name;
  double share;
};
inline constexpr std::array<CountryShare, 34> kCountries = {{
    {"United Kingdom", 0.895},
    {"Germany", 0.018},
    {"France", 0.016},
    {"EIRE", 0.012},
    {"Spain", 0.005},
    {"Netherlands", 0.0045},
    {"Belgium", 0.004},
    {"Switzerland", 0.004},
    {"Portugal", 0.003},
    {"Australia", 0.0025},
    {"Norway", 0.002},
    {"Italy", 0.0017},
    {"Channel Islands", 0.0015},
    {"Finland", 0.0014},
    {"Cyprus", 0.0012},
    {"Sweden", 0.001},
    {"Unspecified", 0.0009},
    {"Austria", 0.0009},
    {"Denmark", 0.0008},
    {"Japan", 0.0008},
    {"Poland", 0.0007},
    {"Israel", 0.0006},
    {"USA", 0.0006},
    {"Hong Kong", 0.0005},
    {"Singapore", 0.0005},
    {"Iceland", 0.0004},
    {"Canada", 0.0004},
    {"Greece", 0.0003},
    {"Malta", 0.0003},
    {"United Arab Emirates", 0.0002},
    {"European Community", 0.0002},
    {"RSA", 0.0002},
    {"Lebanon", 0.0001},
    {"Brazil", 0.0001},
}};

/// Customer ids and invoice numbers start where the UCI data's do.
inline constexpr int64_t kFirstCustomerId = 12346;
inline constexpr int64_t kFirstInvoiceNo = 536365;

}  // namespace growthlens::synth
