#pragma once
// ExpectSameDataset: two Datasets equal column by column and string by string, for tests that
// build one Dataset two ways (threads, chunks, file or text).

#include <cstdint>

#include <gtest/gtest.h>

#include "core/dataset.h"
#include "core/dictionary.h"

namespace growthlens::testing {

inline void ExpectSameDictionary(const StringDictionary& a, const StringDictionary& b,
                                 const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (uint32_t code = 0; code < a.size(); ++code) ASSERT_EQ(a[code], b[code]) << what << code;
}

/// Event properties: the same names in the same order, and the same value on every row (codes
/// may differ: a workspace's dictionaries keep the order values first arrived in).
inline void ExpectSameProperties(const EventProperties& a, const EventProperties& b) {
  ASSERT_EQ(b.Names(), a.Names());
  for (size_t property = 0; property < a.columns.size(); ++property) {
    const PropertyColumn& x = a.columns[property];
    const PropertyColumn& y = b.columns[property];
    ASSERT_EQ(y.rows(), x.rows()) << x.name();
    for (size_t row = 0; row < x.rows(); ++row)
      ASSERT_EQ(y.ValueOf(row), x.ValueOf(row)) << x.name() << " row " << row;
  }
}

inline void ExpectSameLog(const UsageLog& a, const UsageLog& b) {
  EXPECT_EQ(b.usage.user, a.usage.user);
  EXPECT_EQ(b.usage.day, a.usage.day);
  EXPECT_EQ(b.usage.feature, a.usage.feature);
  EXPECT_EQ(b.usage.events, a.usage.events);
  EXPECT_EQ(b.usage.ms_of_day, a.usage.ms_of_day);
  EXPECT_EQ(b.grain, a.grain);
  EXPECT_EQ(b.user_signup, a.user_signup);
  ExpectSameDictionary(a.users, b.users, "users");
  ExpectSameDictionary(a.features, b.features, "features");
  ExpectSameProperties(a.properties, b.properties);
}

inline void ExpectSameLog(const TransactionLog& a, const TransactionLog& b) {
  EXPECT_EQ(b.transactions.order, a.transactions.order);
  EXPECT_EQ(b.transactions.item, a.transactions.item);
  EXPECT_EQ(b.transactions.quantity, a.transactions.quantity);
  EXPECT_EQ(b.transactions.price, a.transactions.price);
  EXPECT_EQ(b.orders.invoice, a.orders.invoice);
  EXPECT_EQ(b.orders.customer, a.orders.customer);
  EXPECT_EQ(b.orders.time, a.orders.time);
  EXPECT_EQ(b.orders.country, a.orders.country);
  EXPECT_EQ(b.items.stock_code, a.items.stock_code);
  EXPECT_EQ(b.items.description, a.items.description);
  EXPECT_EQ(b.prices, a.prices);
  EXPECT_EQ(b.user_signup, a.user_signup);
  ExpectSameDictionary(a.users, b.users, "users");
  ExpectSameDictionary(a.invoices, b.invoices, "invoices");
  ExpectSameDictionary(a.stock_codes, b.stock_codes, "stock_codes");
  ExpectSameDictionary(a.descriptions, b.descriptions, "descriptions");
  ExpectSameDictionary(a.countries, b.countries, "countries");
}

inline void ExpectSameDataset(const Dataset& a, const Dataset& b) {
  ASSERT_EQ(b.kind(), a.kind());
  ASSERT_EQ(b.rows(), a.rows());
  a.Visit([&b](const auto& log) { ExpectSameLog(log, *b.As<std::decay_t<decltype(log)>>()); });
}

}  // namespace growthlens::testing
