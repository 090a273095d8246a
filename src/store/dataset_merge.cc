#include "store/dataset_merge.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/order_key.h"
#include "store/row_keys.h"

namespace growthlens::store {

namespace {

std::vector<uint32_t> MapDictionary(StringDictionary& stored, const StringDictionary& load) {
  std::vector<uint32_t> codes(load.size());
  for (uint32_t code = 0; code < load.size(); ++code) codes[code] = stored.Intern(load[code]);
  return codes;
}

/// The stored properties with their dictionaries and no rows, then the load's new ones; per
/// load property, the stored index and the map of its codes.
struct PropertyMap {
  std::vector<size_t> target;                // per load property
  std::vector<std::vector<uint32_t>> codes;  // per load property: load code -> stored code
};

PropertyMap MergePropertyDictionaries(EventProperties& stored, const EventProperties& load,
                                      UsageMerge& merge) {
  merge.stored_properties = stored.columns.size();
  EventProperties merged;
  for (PropertyColumn& column : stored.columns) {
    merge.stored_property_values.push_back(column.values.size());
    PropertyColumn& kept = merged.columns.emplace_back(column.name());
    kept.values = std::move(column.values);
  }
  PropertyMap map;
  for (const PropertyColumn& column : load.columns) {
    PropertyColumn* target = merged.Find(column.name());
    if (target == nullptr) target = &merged.Add(column.name());
    map.target.push_back(static_cast<size_t>(target - merged.columns.data()));
    map.codes.push_back(MapDictionary(target->values, column.values));
  }
  stored = std::move(merged);
  return map;
}

}  // namespace

Result<UsageMerge> MergeUsage(UsageLog stored, const UsageLog& load,
                              const RowKeyLookup* stored_keys) {
  UsageMerge merge;
  merge.stored_users = stored.users.size();
  merge.stored_features = stored.features.size();
  if (stored.rows() > 0 && stored.grain != load.grain)
    return Status(ErrorCode::kInternal, "a usage log and an event log merged into one table");
  stored.grain = load.grain;
  const auto time_of = [](const UsageColumns& columns, size_t row) {
    return columns.ms_of_day.empty() ? 0 : columns.ms_of_day[row];
  };
  RowKeySet own_keys;
  if (stored_keys == nullptr) {
    own_keys.Reserve(stored.rows());
    ForEachUsageKey(stored.usage, [&own_keys](RowKey key) { own_keys.Add(key); });
    own_keys.Seal();
  }
  const RowKeyLookup& stored_rows = stored_keys != nullptr ? *stored_keys : own_keys;
  stored.usage = UsageColumns{};
  const PropertyMap properties =
      MergePropertyDictionaries(stored.properties, load.properties, merge);
  std::vector<const PropertyColumn*> source_of(stored.properties.columns.size(), nullptr);
  std::vector<const std::vector<uint32_t>*> codes_of(source_of.size(), nullptr);
  for (size_t property = 0; property < properties.target.size(); ++property) {
    source_of[properties.target[property]] = &load.properties.columns[property];
    codes_of[properties.target[property]] = &properties.codes[property];
  }

  const std::vector<uint32_t> users = MapDictionary(stored.users, load.users);
  const std::vector<uint32_t> features = MapDictionary(stored.features, load.features);
  if (stored.features.size() > uint32_t{UINT16_MAX} + 1)
    return Status(ErrorCode::kDataError,
                  fmt::format("the workspace would hold {} features, more than the 65536 a usage "
                              "log can have",
                              stored.features.size()));
  stored.user_signup.resize(stored.users.size(), kNoDay);
  for (uint32_t user = 0; user < load.users.size() && user < load.user_signup.size(); ++user) {
    const Day day = load.user_signup[user];
    Day& known = stored.user_signup[users[user]];
    if (day == kNoDay || (known != kNoDay && known <= day)) continue;
    known = day;
    merge.signup.user.push_back(users[user]);
    merge.signup.day.push_back(day);
  }

  const UsageColumns& in = load.usage;
  UsageColumns& out = stored.usage;
  const bool has_events = !in.events.empty();  // absent counts stay absent
  const bool has_times = !in.ms_of_day.empty();
  out.user.reserve(load.rows());
  out.day.reserve(load.rows());
  out.feature.reserve(load.rows());
  if (has_events) out.events.reserve(load.rows());
  if (has_times) out.ms_of_day.reserve(load.rows());
  for (size_t row = 0; row < load.rows(); ++row) {
    const uint32_t user = users[in.user[row]];
    const auto feature = static_cast<uint16_t>(features[in.feature[row]]);
    if (stored_rows.Contains(UsageKey(user, in.day[row], feature, time_of(in, row)))) {
      ++merge.duplicates;
      continue;
    }
    out.user.push_back(user);
    out.day.push_back(in.day[row]);
    out.feature.push_back(feature);
    if (has_events) out.events.push_back(in.events[row]);
    if (has_times) out.ms_of_day.push_back(in.ms_of_day[row]);
    for (size_t property = 0; property < source_of.size(); ++property) {
      PropertyColumn& column = stored.properties.columns[property];
      column.Append(
          source_of[property] == nullptr ? 0 : (*codes_of[property])[(*source_of[property])[row]]);
    }
  }
  merge.log = std::move(stored);
  return merge;
}

Result<TransactionMerge> MergeTransactions(TransactionLog stored, const TransactionLog& load) {
  TransactionMerge merge;
  merge.stored_users = stored.users.size();
  merge.stored_invoices = stored.invoices.size();
  merge.stored_stock_codes = stored.stock_codes.size();
  merge.stored_descriptions = stored.descriptions.size();
  merge.stored_countries = stored.countries.size();
  merge.stored_prices = static_cast<uint32_t>(stored.prices.size());
  merge.stored_orders = stored.orders.size();
  merge.stored_items = stored.items.size();

  RowKeySet stored_rows;
  stored_rows.Reserve(stored.rows());
  const TransactionColumns& held = stored.transactions;
  for (size_t row = 0; row < stored.rows(); ++row)
    stored_rows.Add(
        TransactionKey(held.order[row], held.item[row], held.quantity[row], held.price[row]));
  stored_rows.Seal();
  stored.transactions = TransactionColumns{};

  const std::vector<uint32_t> users = MapDictionary(stored.users, load.users);
  const std::vector<uint32_t> invoices = MapDictionary(stored.invoices, load.invoices);
  const std::vector<uint32_t> stock_codes = MapDictionary(stored.stock_codes, load.stock_codes);
  const std::vector<uint32_t> descriptions = MapDictionary(stored.descriptions, load.descriptions);
  const std::vector<uint32_t> countries = MapDictionary(stored.countries, load.countries);
  if (stored.countries.size() > uint32_t{UINT16_MAX} + 1)
    return Status(ErrorCode::kDataError, "the workspace would hold more than 65536 countries");
  stored.user_signup.resize(stored.users.size(), kNoDay);

  std::unordered_map<uint64_t, uint32_t> price_codes;
  for (uint32_t code = 0; code < stored.prices.size(); ++code)
    price_codes.emplace(std::bit_cast<uint64_t>(stored.prices[code]), code);
  std::vector<uint32_t> prices(load.prices.size());
  for (size_t code = 0; code < load.prices.size(); ++code) {
    const auto [at, added] = price_codes.emplace(std::bit_cast<uint64_t>(load.prices[code]),
                                                 static_cast<uint32_t>(stored.prices.size()));
    if (added) stored.prices.push_back(load.prices[code]);
    prices[code] = at->second;
  }

  OrderTable& orders = stored.orders;
  std::unordered_map<OrderKey, uint32_t, OrderKeyHash> order_codes;
  for (uint32_t order = 0; order < orders.size(); ++order)
    order_codes.emplace(OrderKey{orders.invoice[order], orders.customer[order],
                                 orders.country[order], orders.time[order]},
                        order);
  std::vector<uint32_t> order_map(load.orders.size());
  for (uint32_t order = 0; order < load.orders.size(); ++order) {
    const uint32_t customer = load.orders.customer[order];
    const OrderKey key{invoices[load.orders.invoice[order]],
                       customer == kNullCode ? kNullCode : users[customer],
                       countries[load.orders.country[order]], load.orders.time[order]};
    const auto [at, added] = order_codes.emplace(key, orders.size());
    if (added) {
      orders.invoice.push_back(key.invoice);
      orders.customer.push_back(key.customer);
      orders.time.push_back(key.time);
      orders.country.push_back(static_cast<uint16_t>(key.country));
    }
    order_map[order] = at->second;
  }

  ItemTable& items = stored.items;
  std::unordered_map<uint64_t, uint32_t> item_codes;
  for (uint32_t item = 0; item < items.size(); ++item)
    item_codes.emplace((uint64_t{items.stock_code[item]} << 32) | items.description[item], item);
  const bool flags = !items.non_product.empty() || !load.items.non_product.empty();
  if (flags) items.non_product.resize(items.size(), 0);
  std::vector<uint32_t> item_map(load.items.size());
  for (uint32_t item = 0; item < load.items.size(); ++item) {
    const uint32_t stock = stock_codes[load.items.stock_code[item]];
    const uint32_t description = descriptions[load.items.description[item]];
    const auto [at, added] =
        item_codes.emplace((uint64_t{stock} << 32) | description, items.size());
    if (added) {
      items.stock_code.push_back(stock);
      items.description.push_back(description);
      if (flags) items.non_product.push_back(load.items.IsProduct(item) ? 0 : 1);
    }
    item_map[item] = at->second;
  }

  const TransactionColumns& in = load.transactions;
  TransactionColumns& out = stored.transactions;
  for (size_t row = 0; row < load.rows(); ++row) {
    const uint32_t order = order_map[in.order[row]];
    const uint32_t item = item_map[in.item[row]];
    const uint32_t price = prices[in.price[row]];
    if (stored_rows.Contains(TransactionKey(order, item, in.quantity[row], price))) {
      ++merge.duplicates;
      continue;
    }
    out.order.push_back(order);
    out.item.push_back(item);
    out.quantity.push_back(in.quantity[row]);
    out.price.push_back(price);
  }
  merge.log = std::move(stored);
  return merge;
}

}  // namespace growthlens::store
