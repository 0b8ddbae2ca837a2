#include "cron/cron_difference.h"

#include <fmt/format.h>

#include <array>

#include "cron/cron_fields.h"

namespace tributary {
namespace {

using cron::CronFields;
using cron::FieldIndex;
using cron::kFieldSpecs;
using cron::ValueBits;

// The five fields an instant is a product of, coarsest first, with the day
// written in one style: days of the month, or days of the week.
enum Axis { kMonthAxis, kDayAxis, kHourAxis, kMinuteAxis, kSecondAxis, kAxes };
enum class DayStyle { kAny, kMonthDays, kWeekDays };

struct Product {
  std::array<ValueBits, kAxes> sets;
  DayStyle style = DayStyle::kAny;  // kAny: every day (the day set is empty then)
};

ValueBits All(FieldIndex f) {
  ValueBits bits;
  for (int v = kFieldSpecs[f].min; v <= kFieldSpecs[f].max; ++v) bits.set(v - kFieldSpecs[f].min);
  return bits;
}

// nullopt for the forms a product cannot describe.
std::optional<Product> ToProduct(std::string_view expression) {
  CronFields f = cron::ParseCronFields(expression);
  bool special = !f.dom_nearest_weekday.empty() || !f.dom_before_last.empty() ||
                 !f.dom_before_last_weekday.empty() || f.dow_nth != 0 || f.dow_last;
  if (special || f.values[cron::kYear] != All(cron::kYear)) return std::nullopt;
  Product p;
  p.sets[kMonthAxis] = f.values[cron::kMonth];
  p.sets[kHourAxis] = f.values[cron::kHour];
  p.sets[kMinuteAxis] = f.values[cron::kMinute];
  p.sets[kSecondAxis] = f.values[cron::kSecond];
  FieldIndex day = f.dom_unspecified ? cron::kDayOfWeek : cron::kDayOfMonth;
  if (f.values[day] != All(day)) {
    p.style = day == cron::kDayOfWeek ? DayStyle::kWeekDays : DayStyle::kMonthDays;
    p.sets[kDayAxis] = f.values[day];
  }
  return p;
}

FieldIndex DayField(DayStyle style) {
  return style == DayStyle::kWeekDays ? cron::kDayOfWeek : cron::kDayOfMonth;
}

// Writes both products' day sets in one style; false when they use two.
bool AlignDays(Product& a, Product& b) {
  if (a.style != DayStyle::kAny && b.style != DayStyle::kAny && a.style != b.style) return false;
  DayStyle style = a.style != DayStyle::kAny ? a.style : b.style;
  if (style == DayStyle::kAny) style = DayStyle::kMonthDays;
  for (Product* p : {&a, &b}) {
    if (p->style == DayStyle::kAny) p->sets[kDayAxis] = All(DayField(style));
    p->style = style;
  }
  return true;
}

// "*", "5/15" (a run with a step to the field's end) or "0-4,6,8-23".
std::string Render(FieldIndex f, const ValueBits& bits) {
  const int min = kFieldSpecs[f].min, max = kFieldSpecs[f].max;
  if (bits == All(f)) return "*";
  std::vector<int> values;
  for (int v = min; v <= max; ++v) {
    if (bits.test(v - min)) values.push_back(v);
  }
  if (values.size() >= 3) {
    int step = values[1] - values[0];
    bool run = step > 1 && values.back() + step > max;
    for (size_t i = 1; run && i < values.size(); ++i) run = values[i] - values[i - 1] == step;
    if (run) return fmt::format("{}/{}", values[0], step);
  }
  std::string out;
  for (size_t i = 0; i < values.size();) {
    size_t j = i;
    while (j + 1 < values.size() && values[j + 1] == values[j] + 1) ++j;
    out += (out.empty() ? "" : ",") +
           (j == i ? std::to_string(values[i]) : fmt::format("{}-{}", values[i], values[j]));
    i = j + 1;
  }
  return out;
}

std::string Quartz(const Product& p) {
  std::string days = Render(DayField(p.style), p.sets[kDayAxis]);
  bool week = p.style == DayStyle::kWeekDays;
  return fmt::format("{} {} {} {} {} {}", Render(cron::kSecond, p.sets[kSecondAxis]),
                     Render(cron::kMinute, p.sets[kMinuteAxis]),
                     Render(cron::kHour, p.sets[kHourAxis]), week ? "?" : days,
                     Render(cron::kMonth, p.sets[kMonthAxis]), week ? days : "?");
}

constexpr const char* kWhyNot =
    "tributary computes schedule differences only for expressions without L, W, # and a year "
    "field, whose day sets are both days of the month or both days of the week";

}  // namespace

std::optional<CronOverlap> CompareCron(std::string_view a, std::string_view b) {
  auto pa = ToProduct(a), pb = ToProduct(b);
  if (!pa || !pb || !AlignDays(*pa, *pb)) return std::nullopt;
  bool covers = true;
  for (int axis = 0; axis < kAxes; ++axis) {
    if ((pa->sets[axis] & pb->sets[axis]).none()) return CronOverlap::kDisjoint;
    covers &= (pb->sets[axis] & ~pa->sets[axis]).none();
  }
  return covers ? CronOverlap::kCovers : CronOverlap::kPartial;
}

CronDifference SubtractCron(std::string_view a, std::string_view b) {
  CronDifference out;
  auto pa = ToProduct(a), pb = ToProduct(b);
  if (!pa || !pb || !AlignDays(*pa, *pb)) {
    out.why_not = kWhyNot;
    return out;
  }
  // Instants that agree with b on the axes before k, are outside b on axis k
  // and anything of a's after it; together, exactly a minus b.
  Product shared = *pa;
  for (int k = 0; k < kAxes; ++k) {
    Product term = shared;
    term.sets[k] = pa->sets[k] & ~pb->sets[k];
    bool empty = false;
    for (const auto& set : term.sets) empty |= set.none();
    if (!empty) out.expressions.push_back(Quartz(term));
    shared.sets[k] = pa->sets[k] & pb->sets[k];
    if (shared.sets[k].none()) break;  // nothing of b is left to split on
  }
  return out;
}

}  // namespace tributary
