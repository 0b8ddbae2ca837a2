// Quartz cron parsing. Follows what org.quartz.CronExpression accepts, with
// deliberate narrowings where Quartz silently misreads input: a step after a
// name (MON-FRI/2: Quartz drops the /2), a name-number range (MON-5), and '#'
// listed with other day-of-week values (Quartz applies the one '#' to every
// value) are rejected. Day-of-month values Quartz cannot place in a month
// (31W in April) simply do not fire that month.
// Ranges may wrap (22-2 in hours, FRI-MON in days), as in Quartz; year ranges
// may not.
#include <cctype>
#include <string>

#include "cron/cron.h"
#include "cron/cron_fields.h"

namespace tributary::cron {
namespace {

constexpr std::array<const char*, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 7> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct Token {
  std::string_view text;
  int column;  // 1-based column of text[0] in the whole expression
};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<Token> Split(std::string_view text, int column, std::string_view separators,
                         bool keep_empty) {
  std::vector<Token> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && separators.find(text[i]) == std::string_view::npos) continue;
    if (keep_empty || i > start) {
      out.push_back({text.substr(start, i - start), column + static_cast<int>(start)});
    }
    start = i + 1;
  }
  return out;
}

// Parses one comma-separated item of one field into `out`.
class ItemParser {
 public:
  ItemParser(Token item, FieldIndex field, CronFields& out)
      : text_(Upper(item.text)), column_(item.column), field_(field), out_(out) {}

  void Parse();

 private:
  const FieldSpec& spec() const { return kFieldSpecs[field_]; }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  int Column() const { return column_ + static_cast<int>(pos_); }
  [[noreturn]] void Fail(const std::string& message, int column) const {
    throw CronError(message, column);
  }
  [[noreturn]] void FailUnexpected() const;

  void ParseLast();
  void ParseValueItem();
  int ParseValue(bool* is_name);
  int ParseNumber();
  int ParseStep();
  void ParseDayOfWeekSuffix(int day);
  void CheckRange(int value, int column) const;
  void AddRange(int first, int last, int step);
  void ExpectEnd() const {
    if (!AtEnd()) FailUnexpected();
  }

  std::string text_;
  int column_;
  FieldIndex field_;
  CronFields& out_;
  size_t pos_ = 0;
};

void ItemParser::FailUnexpected() const {
  const char c = text_[pos_];
  if (c == 'L' && field_ != kDayOfMonth && field_ != kDayOfWeek) {
    Fail("'L' is only allowed in day-of-month or day-of-week", Column());
  }
  if (c == 'W' && field_ != kDayOfMonth) {
    Fail("'W' is only allowed in day-of-month", Column());
  }
  if (c == '#' && field_ != kDayOfWeek) Fail("'#' is only allowed in day-of-week", Column());
  Fail(std::string("unexpected character '") + text_[pos_] + "' in " + spec().name + " field",
       Column());
}

void ItemParser::Parse() {
  const char c = Peek();
  if (c == '?') {
    Fail("'?' must be the whole day-of-month or day-of-week field", Column());
  } else if (c == '*') {
    ++pos_;
    int step = Peek() == '/' ? ParseStep() : 1;
    ExpectEnd();
    AddRange(spec().min, spec().max, step);
  } else if (c == 'L' && (field_ == kDayOfMonth || field_ == kDayOfWeek)) {
    ParseLast();
  } else if (c == '/') {
    Fail(std::string("'/' needs a start value before it in ") + spec().name +
             " field (write */n or 0/n)",
         Column());
  } else {
    ParseValueItem();
  }
}

// L, L-3, LW, L-3W in day-of-month; a bare L (= Saturday) in day-of-week.
void ItemParser::ParseLast() {
  ++pos_;
  if (field_ == kDayOfWeek) {
    ExpectEnd();
    out_.values[kDayOfWeek].set(7 - 1);
    return;
  }
  int before_last = 0;
  if (Peek() == '-') {
    ++pos_;
    const int col = Column();
    before_last = ParseNumber();
    if (before_last > 30) {
      Fail("offset from the last day of the month must be 0-30, got " + std::to_string(before_last),
           col);
    }
  }
  if (Peek() == 'W') {
    ++pos_;
    ExpectEnd();
    out_.dom_before_last_weekday.push_back(before_last);
    return;
  }
  ExpectEnd();
  out_.dom_before_last.push_back(before_last);
}

// value, value-value, value/step, value-value/step, plus nW, nL, n#k.
void ItemParser::ParseValueItem() {
  const int first_col = Column();
  bool first_is_name = false;
  const int first = ParseValue(&first_is_name);
  CheckRange(first, first_col);
  if (Peek() == 'W' && field_ == kDayOfMonth) {
    ++pos_;
    ExpectEnd();
    out_.dom_nearest_weekday.push_back(first);
    return;
  }
  if ((Peek() == 'L' || Peek() == '#') && field_ == kDayOfWeek) {
    ParseDayOfWeekSuffix(first);
    return;
  }
  int last = first;
  bool is_range = false;
  if (Peek() == '-') {
    ++pos_;
    is_range = true;
    const int last_col = Column();
    bool last_is_name = false;
    last = ParseValue(&last_is_name);
    CheckRange(last, last_col);
    if (last_is_name != first_is_name) {
      Fail(std::string("range in ") + spec().name + " field mixes a name and a number", first_col);
    }
    if (field_ == kYear && last < first) {
      Fail("year range " + std::to_string(first) + "-" + std::to_string(last) +
               " is reversed: write the earlier year first",
           first_col);
    }
  }
  int step = 0;
  if (Peek() == '/') {
    if (first_is_name) Fail("a step (/n) cannot follow a name: use numbers", Column());
    step = ParseStep();
  }
  ExpectEnd();
  if (step == 0) {
    AddRange(first, last, 1);
  } else {
    AddRange(first, is_range ? last : spec().max, step);  // 5/15: from 5 to the field's max
  }
}

void ItemParser::ParseDayOfWeekSuffix(int day) {
  const char c = Peek();
  ++pos_;
  if (c == 'L') {
    ExpectEnd();
    out_.dow_last = true;
  } else {
    const int col = Column();
    const int nth = std::isdigit(static_cast<unsigned char>(Peek())) ? ParseNumber() : 0;
    if (nth < 1 || nth > 5 || !AtEnd()) {
      Fail("'#' must be followed by a number 1-5 (the nth such weekday of the month)", col);
    }
    out_.dow_nth = nth;
  }
  out_.values[kDayOfWeek].set(static_cast<size_t>(day - 1));
}

// A number, or a three-letter month/day name where the field allows one.
int ItemParser::ParseValue(bool* is_name) {
  *is_name = false;
  if (std::isdigit(static_cast<unsigned char>(Peek()))) return ParseNumber();
  if (!std::isalpha(static_cast<unsigned char>(Peek()))) {
    if (AtEnd()) Fail(std::string("missing value in ") + spec().name + " field", Column());
    FailUnexpected();
  }
  if (field_ != kMonth && field_ != kDayOfWeek) FailUnexpected();
  const int col = Column();
  size_t end = pos_;
  while (end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[end]))) ++end;
  // "FRIL" is FRI + L (last Friday); leave the L for the suffix.
  if (field_ == kDayOfWeek && end - pos_ == 4 && text_[end - 1] == 'L') --end;
  const std::string word = text_.substr(pos_, end - pos_);
  const bool month = field_ == kMonth;
  const int count = month ? 12 : 7;
  for (int i = 0; i < count; ++i) {
    if (word == (month ? kMonthNames[i] : kDayNames[i])) {
      pos_ = end;
      *is_name = true;
      return i + 1;
    }
  }
  Fail("unknown " + std::string(spec().name) + " name '" + word + "' (use " +
           (month ? "JAN-DEC or 1-12" : "SUN-SAT or 1-7") + ")",
       col);
}

int ItemParser::ParseNumber() {
  const int col = Column();
  if (!std::isdigit(static_cast<unsigned char>(Peek()))) {
    if (AtEnd()) Fail(std::string("missing number in ") + spec().name + " field", col);
    FailUnexpected();
  }
  long value = 0;
  while (std::isdigit(static_cast<unsigned char>(Peek()))) {
    value = value * 10 + (text_[pos_] - '0');
    if (value > 100000) Fail(std::string("number too large in ") + spec().name + " field", col);
    ++pos_;
  }
  return static_cast<int>(value);
}

int ItemParser::ParseStep() {
  ++pos_;  // '/'
  const int col = Column();
  const int step = ParseNumber();
  if (step < 1 || step > spec().max_step) {
    Fail(std::string(spec().name) + " step " + std::to_string(step) + " is out of range 1-" +
             std::to_string(spec().max_step),
         col);
  }
  return step;
}

void ItemParser::CheckRange(int value, int column) const {
  if (value < spec().min || value > spec().max) {
    Fail(std::string(spec().name) + " value " + std::to_string(value) + " is out of range " +
             std::to_string(spec().min) + "-" + std::to_string(spec().max),
         column);
  }
}

// Adds first, first+step, ... up to last; a range with last < first wraps past
// the field's max back to its min (Quartz: 22-2 hours = 22,23,0,1,2).
void ItemParser::AddRange(int first, int last, int step) {
  const int size = spec().max - spec().min + 1;
  const int span = last >= first ? last - first : last - first + size;
  for (int offset = 0; offset <= span; offset += step) {
    const int value = spec().min + (first - spec().min + offset) % size;
    out_.values[field_].set(static_cast<size_t>(value - spec().min));
  }
}

// Users paste five-field Unix crons; suggest the Quartz form (seconds first,
// '?' in one day field).
[[noreturn]] void FailFieldCount(const std::vector<Token>& fields) {
  std::string message =
      "expected 6 or 7 fields (sec min hour day-of-month month day-of-week "
      "[year]), got " +
      std::to_string(fields.size());
  if (fields.size() == 5) {
    std::vector<std::string> quartz = {"0"};
    for (const Token& t : fields) quartz.emplace_back(t.text);
    if (quartz[5] == "*") {
      quartz[5] = "?";
    } else if (quartz[3] == "*") {
      quartz[3] = "?";
    }
    std::string suggestion;
    for (const std::string& f : quartz) suggestion += (suggestion.empty() ? "" : " ") + f;
    message += " \u2014 Quartz cron has a seconds field: did you mean '" + suggestion + "'?";
  }
  throw CronError(message, fields.size() > 7 ? fields[7].column : 0);
}

void ParseField(const Token& field, FieldIndex index, CronFields& out) {
  if (field.text == "?") {
    if (index != kDayOfMonth && index != kDayOfWeek) {
      throw CronError("'?' is only allowed in day-of-month or day-of-week", field.column);
    }
    (index == kDayOfMonth ? out.dom_unspecified : out.dow_unspecified) = true;
    return;
  }
  const std::vector<Token> items = Split(field.text, field.column, ",", /*keep_empty=*/true);
  for (const Token& item : items) {
    if (item.text.empty()) {
      throw CronError(std::string("empty value in ") + kFieldSpecs[index].name + " list",
                      item.column);
    }
    // Quartz rejects these in a list (or applies one '#' to every value).
    if (index == kDayOfWeek && items.size() > 1 &&
        item.text.find_first_of("Ll#") != std::string_view::npos) {
      throw CronError("'L' and '#' in day-of-week cannot be combined with other values",
                      item.column);
    }
    ItemParser(item, index, out).Parse();
  }
}

// Quartz requires '?' in exactly one of the two day fields.
void CheckDayFields(const CronFields& out, const std::vector<Token>& fields) {
  const int column = fields[kDayOfWeek].column;
  if (!out.dom_unspecified && !out.dow_unspecified) {
    throw CronError("day-of-month and day-of-week cannot both be specified: use ? in one of them",
                    column);
  }
  if (out.dom_unspecified && out.dow_unspecified) {
    throw CronError("day-of-month and day-of-week cannot both be '?': put * in one of them",
                    column);
  }
}

}  // namespace

CronFields ParseCronFields(std::string_view expression) {
  const std::vector<Token> fields = Split(expression, 1, " \t", /*keep_empty=*/false);
  if (fields.size() < 6 || fields.size() > 7) FailFieldCount(fields);
  CronFields out;
  for (size_t i = 0; i < fields.size(); ++i) {
    ParseField(fields[i], static_cast<FieldIndex>(i), out);
  }
  if (fields.size() == 6) {
    const FieldSpec& year = kFieldSpecs[kYear];
    for (int y = year.min; y <= year.max; ++y) out.values[kYear].set(y - year.min);
  }
  CheckDayFields(out, fields);
  return out;
}

}  // namespace tributary::cron
