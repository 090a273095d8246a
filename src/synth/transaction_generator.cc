#include "synth/transaction_generator.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/csv_field.h"
#include "core/stopwatch.h"
#include "synth/alias_table.h"
#include "synth/block_pipeline.h"
#include "synth/random.h"
#include "synth/retail_catalogue.h"
#include "synth/retail_model.h"
#include "synth/row_buffer.h"
#include "synth/trading_calendar.h"

namespace growthlens::synth {
namespace {

/// About 14,000 lines (1.3 MB) per block of this many customers.
constexpr int64_t kCustomersPerBlock = 128;
constexpr size_t kDateWidth = TradingCalendar::kDateWidth;
constexpr int kMinutesPerDay = 24 * 60;
constexpr int kLastSaleMinute = 20 * 60 + 59;  // the shop's last minute of trading

/// What is decided about a customer before any invoice is drawn. The pre-pass that numbers
/// the invoices draws exactly this from the customer's stream, then generation continues it.
struct CustomerPlan {
  const CustomerPersona* persona = nullptr;
  size_t country = 0;
  bool existing = false;  // already a customer when the period starts
  Day first_day = 0;      // window of purchases, inclusive
  Day last_day = 0;
  int64_t invoices = 0;
};

/// One line held back to be reversed by the invoice's cancellation.
struct CancelledLine {
  uint32_t product = 0;
  int quantity = 0;
  int price_milli = 0;
};

/// Per-customer working memory, reused across the customers of a block.
struct CustomerScratch {
  std::vector<uint32_t> favourites;
  std::vector<int64_t> invoice_minutes;  // minutes since the period's start, sorted
  std::vector<CancelledLine> cancelled;
  std::vector<uint32_t> basket;  // products on the current invoice
};

/// How often a product already on the invoice is drawn again before it is accepted.
constexpr int kRepeatRedraws = 3;

bool InBasket(const CustomerScratch& scratch, uint32_t product_idx) {
  return std::find(scratch.basket.begin(), scratch.basket.end(), product_idx) !=
         scratch.basket.end();
}

/// Everything the generator reads, prepared once and shared read-only by the threads.
class RetailModel {
 public:
  explicit RetailModel(const TransactionGeneratorOptions& options)
      : seed_(options.seed),
        start_(options.start),
        end_(options.end),
        calendar_(options.start, options.end),
        catalogue_(BuildCatalogue(options.seed)) {
    std::vector<double> weights;
    for (const CustomerPersona& persona : kCustomerPersonas) weights.push_back(persona.share);
    personas_ = AliasTable(weights);
    weights.clear();
    for (const CountryShare& country : kCountries) {
      weights.push_back(country.share);
      country_fields_.push_back(QuoteCsvField(country.name));
    }
    countries_ = AliasTable(weights);
    weights.clear();
    for (const QuantityShare& quantity : kQuantities) weights.push_back(quantity.share);
    quantities_ = AliasTable(weights);
    hours_ = AliasTable(kHourSales);

    size_t widest_text = 0;
    for (const Product& product : catalogue_.products) {
      widest_text =
          std::max(widest_text, product.stock_code.size() + product.csv_description.size());
    }
    for (const std::string& country : country_fields_) {
      widest_country_ = std::max(widest_country_, country.size());
    }
    // Invoice, quantity, price and customer numbers take at most 21 characters each.
    max_line_width_ = widest_text + widest_country_ + kDateWidth + 9 + 4 * 21 + 8;
  }

  /// Numbers of invoices of customers [first, end): the pre-pass that lets each block know
  /// its first invoice number before any block is generated.
  int64_t CountInvoices(int64_t first_customer, int64_t end_customer) const {
    int64_t invoices = 0;
    for (int64_t customer_idx = first_customer; customer_idx < end_customer; ++customer_idx) {
      Random rng = StreamOf(customer_idx);
      invoices += PlanCustomer(rng).invoices;
    }
    return invoices;
  }

  /// Formats the lines of customers [first, end) into `out`, numbering their invoices from
  /// `first_invoice_no`; returns the number of lines.
  int64_t WriteCustomers(int64_t first_customer, int64_t end_customer, int64_t first_invoice_no,
                         RowBuffer& out) const {
    CustomerScratch scratch;
    int64_t lines = 0;
    int64_t invoice_no = first_invoice_no;
    for (int64_t customer_idx = first_customer; customer_idx < end_customer; ++customer_idx) {
      lines += WriteCustomer(customer_idx, invoice_no, scratch, out);
    }
    return lines;
  }

 private:
  Random StreamOf(int64_t customer_idx) const {
    return Random::ForStream(seed_, StreamPurpose::kCustomer, static_cast<uint64_t>(customer_idx));
  }

  CustomerPlan PlanCustomer(Random& rng) const {
    constexpr double kDaysPerMonth = 30.44;
    CustomerPlan plan;
    plan.persona = &kCustomerPersonas[personas_.Sample(rng)];
    plan.country = countries_.Sample(rng);
    plan.existing = rng.Bernoulli(kExistingCustomerShare);
    plan.first_day = plan.existing ? start_ : calendar_.DrawAcquisitionDay(rng);
    if (plan.persona->invoices_per_month <= 0.0) {  // one-off: maybe one return visit
      plan.last_day = std::min(end_, plan.first_day + kOneOffReturnDays);
      plan.invoices = rng.Bernoulli(kOneOffReturnShare) ? 2 : 1;
    } else {
      const double lifetime = std::floor(rng.Exponential(plan.persona->mean_lifetime_days));
      plan.last_day =
          static_cast<Day>(std::min<double>(end_, static_cast<double>(plan.first_day) + lifetime));
      const double months = static_cast<double>(plan.last_day - plan.first_day + 1) / kDaysPerMonth;
      plan.invoices = 1 + rng.Poisson(plan.persona->invoices_per_month * months);
    }
    // An existing customer's window may hold only closed days (a short life over New Year):
    // stretch it to the first trading day.
    if (plan.existing && !calendar_.TradesWithin(plan.first_day, plan.last_day)) {
      plan.last_day = calendar_.NextTradingDay(plan.first_day).value_or(end_);
    }
    return plan;
  }

  /// A product for this customer: a favourite, or a draw by popularity that a bargain seeker
  /// may put back when it is dear.
  uint32_t DrawProduct(const CustomerPersona& persona, const std::vector<uint32_t>& favourites,
                       Random& rng) const {
    constexpr int kPutBackLimit = 2;
    if (!favourites.empty() && rng.Bernoulli(persona.favourite_share)) {
      return favourites[rng.Below(favourites.size())];
    }
    auto product = static_cast<uint32_t>(catalogue_.popularity.Sample(rng));
    for (int attempt = 0; attempt < kPutBackLimit; ++attempt) {
      if (catalogue_.products[product].price_milli <= kBargainPriceMilli ||
          !rng.Bernoulli(persona.cheap_preference)) {
        break;
      }
      product = static_cast<uint32_t>(catalogue_.popularity.Sample(rng));
    }
    return product;
  }

  int DrawQuantity(const CustomerPersona& persona, int price_milli, Random& rng) const {
    int quantity = kQuantities[quantities_.Sample(rng)].quantity;
    if (price_milli > kExpensivePriceMilli) quantity = 1 + static_cast<int>(rng.Below(3));
    if (rng.Bernoulli(persona.large_pack_share)) quantity *= 2;
    return quantity;
  }

  /// A minute of the day in shop hours.
  int DrawMinuteOfDay(Random& rng) const {
    return static_cast<int>(hours_.Sample(rng)) * 60 + static_cast<int>(rng.Below(60));
  }

  /// Minutes since the period's start (never negative, so division rounds the right way
  /// even for periods before 1970).
  int64_t MinuteOf(Day day, int minute_of_day) const {
    return static_cast<int64_t>(day - start_) * kMinutesPerDay + minute_of_day;
  }
  Day DayOfMinute(int64_t minute) const {
    return start_ + static_cast<Day>(minute / kMinutesPerDay);
  }

  /// Writes "YYYY-MM-DD HH:MM:00" for a minute since the period's start.
  char* WriteTimestamp(int64_t minute, char* out) const {
    const Day day = DayOfMinute(minute);
    const auto minute_of_day = static_cast<int>(minute % kMinutesPerDay);
    out = WriteText({calendar_.DateText(day), kDateWidth}, out);
    *out++ = ' ';
    out = WriteTwoDigits(minute_of_day / 60, out);
    *out++ = ':';
    out = WriteTwoDigits(minute_of_day % 60, out);
    return WriteText(":00", out);
  }

  /// "2.55" for 2550; "1.245" when the price carries a tenth of a penny.
  static char* WritePrice(int price_milli, char* out) {
    out = WriteUnsigned(static_cast<uint64_t>(price_milli / 1000), out);
    *out++ = '.';
    const int fraction = price_milli % 1000;
    out = WriteTwoDigits(fraction / 10, out);
    if (fraction % 10 != 0) *out++ = static_cast<char>('0' + fraction % 10);
    return out;
  }

  /// Fields that every line of one invoice shares.
  struct InvoiceContext {
    bool cancellation = false;
    int64_t number = 0;
    int64_t minute = 0;
    std::string_view customer;  // empty for a guest checkout
    std::string_view country;
  };

  void WriteLine(const InvoiceContext& invoice, std::string_view stock_code,
                 std::string_view description, int quantity, int price_milli,
                 RowBuffer& out) const {
    char* line = out.Reserve(max_line_width_);
    if (invoice.cancellation) *line++ = 'C';
    line = WriteUnsigned(static_cast<uint64_t>(invoice.number), line);
    *line++ = ',';
    line = WriteText(stock_code, line);
    *line++ = ',';
    line = WriteText(description, line);
    *line++ = ',';
    line = WriteSigned(quantity, line);
    *line++ = ',';
    line = WriteTimestamp(invoice.minute, line);
    *line++ = ',';
    line = WritePrice(price_milli, line);
    *line++ = ',';
    line = WriteText(invoice.customer, line);
    *line++ = ',';
    line = WriteText(invoice.country, line);
    *line++ = '\n';
    out.Commit(line);
  }

  /// When the cancellation of an invoice made at `minute` is booked: usually days later, in
  /// shop hours on a trading day; -1 when that would fall after the period.
  int64_t DrawCancellationMinute(int64_t minute, Random& rng) const {
    const Day invoice_day = DayOfMinute(minute);
    const auto delay = static_cast<Day>(rng.Exponential(kMeanCancellationDelayDays));
    if (delay == 0) {
      const int64_t later = minute + 5 + static_cast<int64_t>(rng.Below(120));
      if (DayOfMinute(later) == invoice_day && later % kMinutesPerDay <= kLastSaleMinute) {
        return later;
      }
    }
    const std::optional<Day> day = calendar_.NextTradingDay(invoice_day + std::max<Day>(delay, 1));
    if (!day) return -1;
    return MinuteOf(*day, DrawMinuteOfDay(rng));
  }

  int64_t WriteCustomer(int64_t customer_idx, int64_t& invoice_no, CustomerScratch& scratch,
                        RowBuffer& out) const {
    Random rng = StreamOf(customer_idx);
    const CustomerPlan plan = PlanCustomer(rng);
    const CustomerPersona& persona = *plan.persona;
    const bool abroad = plan.country != 0;  // kCountries starts with the home market

    scratch.favourites.clear();
    if (persona.favourite_share > 0.0) {
      constexpr int kMinFavourites = 5;
      constexpr int kMaxFavourites = 25;
      const int64_t favourites = rng.Between(kMinFavourites, kMaxFavourites);
      for (int64_t favourite_idx = 0; favourite_idx < favourites; ++favourite_idx) {
        scratch.favourites.push_back(DrawProduct(persona, {}, rng));
      }
    }

    scratch.invoice_minutes.clear();
    for (int64_t invoice_idx = 0; invoice_idx < plan.invoices; ++invoice_idx) {
      // A new customer's first invoice is what made them a customer, on the day they came.
      const Day day = invoice_idx == 0 && !plan.existing
                          ? plan.first_day
                          : calendar_.DrawSaleDay(plan.first_day, plan.last_day, rng);
      scratch.invoice_minutes.push_back(MinuteOf(day, DrawMinuteOfDay(rng)));
    }
    std::sort(scratch.invoice_minutes.begin(), scratch.invoice_minutes.end());

    char customer_text[24];
    const char* customer_end =
        WriteUnsigned(static_cast<uint64_t>(kFirstCustomerId + customer_idx), customer_text);
    const std::string_view customer_id(customer_text,
                                       static_cast<size_t>(customer_end - customer_text));
    const std::string_view country = country_fields_[plan.country];
    const double basket_scale = (persona.mean_basket_lines - 1.0) * (kBasketTail - 1.0);

    int64_t lines = 0;
    for (const int64_t minute : scratch.invoice_minutes) {
      InvoiceContext invoice;
      invoice.number = invoice_no++;
      invoice.minute = minute;
      invoice.customer = rng.Bernoulli(persona.guest_share) ? std::string_view() : customer_id;
      invoice.country = country;
      const int basket = 1 + static_cast<int>(std::min(double{kMaxBasketLines - 1},
                                                       basket_scale * rng.Lomax(kBasketTail)));
      scratch.cancelled.clear();
      scratch.basket.clear();
      for (int line_idx = 0; line_idx < basket; ++line_idx) {
        uint32_t product_idx = DrawProduct(persona, scratch.favourites, rng);
        // An invoice lists a product once (the duplicates below are the exception).
        for (int attempt = 0; attempt < kRepeatRedraws && InBasket(scratch, product_idx);
             ++attempt) {
          product_idx = DrawProduct(persona, scratch.favourites, rng);
        }
        scratch.basket.push_back(product_idx);
        const Product& product = catalogue_.products[product_idx];
        const int quantity = DrawQuantity(persona, product.price_milli, rng);
        int price_milli = product.price_milli;
        if (quantity >= kBulkQuantity && price_milli % 10 == 0) {
          price_milli = static_cast<int>(std::lround(price_milli * kBulkPriceFactor / 10.0)) * 10;
        }
        std::string_view description = product.csv_description;
        if (rng.Bernoulli(kZeroPriceLineShare)) {
          price_milli = 0;
          if (rng.Bernoulli(kMissingDescriptionShare)) description = {};
        }
        const int copies = rng.Bernoulli(kDuplicateLineShare) ? 2 : 1;
        for (int copy = 0; copy < copies; ++copy) {
          WriteLine(invoice, product.stock_code, description, quantity, price_milli, out);
        }
        lines += copies;
        if (rng.Bernoulli(kCancelledLineShare)) {
          scratch.cancelled.push_back({product_idx, quantity, price_milli});
        }
      }
      if (abroad && rng.Bernoulli(kPostageShareAbroad)) {
        WriteLine(invoice, "POST", "POSTAGE", 1 + static_cast<int>(rng.Below(3)),
                  kPostagePriceMilli, out);
        ++lines;
      }
      if (scratch.cancelled.empty()) continue;
      // The returns come back on one credit note, "C" + the invoice's number.
      const int64_t cancelled_at = DrawCancellationMinute(minute, rng);
      if (cancelled_at < 0) continue;
      invoice.cancellation = true;
      invoice.minute = cancelled_at;
      for (const CancelledLine& cancelled : scratch.cancelled) {
        const Product& product = catalogue_.products[cancelled.product];
        const int returned =
            rng.Bernoulli(kFullReturnShare)
                ? cancelled.quantity
                : 1 + static_cast<int>(rng.Below(static_cast<uint64_t>(cancelled.quantity)));
        WriteLine(invoice, product.stock_code, product.csv_description, -returned,
                  cancelled.price_milli, out);
        ++lines;
      }
    }
    return lines;
  }

  uint64_t seed_;
  Day start_;
  Day end_;
  TradingCalendar calendar_;
  ProductCatalogue catalogue_;
  AliasTable personas_;
  AliasTable countries_;
  AliasTable quantities_;
  AliasTable hours_;
  std::vector<std::string> country_fields_;
  size_t widest_country_ = 0;
  size_t max_line_width_ = 0;
};

}  // namespace

Status ValidateTransactionOptions(const TransactionGeneratorOptions& options) {
  GROWTHLENS_RETURN_IF_ERROR(ValidateEntityCount(options.customers, "customers"));
  GROWTHLENS_RETURN_IF_ERROR(ValidateDateRange(options.start, options.end));
  bool trading = false;
  for (Day day = options.start; day <= options.end && !trading; ++day) {
    trading = TradingCalendar::SalesWeight(day) > 0.0;
  }
  if (!trading) {
    return Status(ErrorCode::kInvalidArgument,
                  "the period " + FormatDate(options.start) + " .. " + FormatDate(options.end) +
                      " has no trading day (the shop is closed on Saturdays and from 24 "
                      "December to 2 January)");
  }
  if (options.threads < 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "the thread count must be 0 (automatic) or positive, got " +
                      std::to_string(options.threads));
  }
  return Status::Ok();
}

Result<GenerationSummary> GenerateTransactions(const TransactionGeneratorOptions& options,
                                               OutputSink& sink, const ProgressCallback& progress) {
  const Stopwatch stopwatch;
  GROWTHLENS_RETURN_IF_ERROR(ValidateTransactionOptions(options));
  const RetailModel model(options);
  const BlockLayout layout{options.customers, kCustomersPerBlock,
                           ResolveThreadCount(options.threads)};

  // Invoice numbers run on across blocks, so each block needs its first number up front.
  std::vector<int64_t> first_invoice_no(static_cast<size_t>(layout.blocks()));
  int64_t next_invoice_no = kFirstInvoiceNo;
  for (int64_t block_idx = 0; block_idx < layout.blocks(); ++block_idx) {
    first_invoice_no[static_cast<size_t>(block_idx)] = next_invoice_no;
    const int64_t first_customer = block_idx * kCustomersPerBlock;
    next_invoice_no += model.CountInvoices(
        first_customer, std::min(options.customers, first_customer + kCustomersPerBlock));
  }

  const BlockProducer produce = [&](int64_t block_idx, RowBuffer& out) {
    if (block_idx == 0) out.Append(kTransactionsHeader);
    const int64_t first_customer = block_idx * kCustomersPerBlock;
    return model.WriteCustomers(first_customer,
                                std::min(options.customers, first_customer + kCustomersPerBlock),
                                first_invoice_no[static_cast<size_t>(block_idx)], out);
  };
  Result<GenerationSummary> summary = RunBlockPipeline(layout, produce, sink, progress);
  if (!summary.ok()) return summary.status();
  summary->seconds = stopwatch.Seconds();
  return summary;
}

}  // namespace growthlens::synth
