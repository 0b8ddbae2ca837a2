// Parsing and validation of Quartz cron expressions: what is accepted, and
// the exact message and column of what is not.
#include <gtest/gtest.h>

#include "cron/cron.h"

namespace tributary {
namespace {

TEST(CronParseTest, AcceptsQuartzSyntax) {
  const char* valid[] = {
      "0 0/5 * * * ?",           "0 5/5 * * * ?",        "*/5 * * * * ?",
      "0 3-59/15 * * * ?",       "0 0 0-5,7-23 * * ?",
      "0 0 22-2 * * ?",  // wrapping range, as Quartz allows
      "0 0 6 ? * MON-FRI",       "0 0 6 ? * mon-fri",    "0 0 6 ? * FRI-MON",
      "0 0 6 ? * 2-6",           "0 15 10 ? * 6L",       "0 15 10 ? * FRIL",
      "0 15 10 ? * L",           "0 15 10 ? * 6#3",      "0 15 10 ? * FRI#5",
      "0 15 10 L * ?",           "0 15 10 L-3 * ?",      "0 15 10 LW * ?",
      "0 15 10 L-2W * ?",        "0 15 10 15W * ?",      "0 15 10 1,15W,L * ?",
      "0 0 12 1/5 * ?",          "0 11 11 11 11 ?",      "0 0 5 29 2 ?",
      "0 0 12 * JAN,jul,DEC ?",  "0 0 12 * 7/6 ?",       "0 15 10 * * ? 2005",
      "0 15 10 * * ? 2026-2030", "0 15 10 * * ? 2026/2", "0 15 10 * * ? *",
      "  0\t0 6 * * ?  ",
  };
  for (const char* expression : valid) {
    EXPECT_NO_THROW(CronSchedule::Parse(expression, "UTC")) << expression;
  }
}

TEST(CronParseTest, KeepsExpressionAndZone) {
  const CronSchedule s = CronSchedule::Parse("0 0 6 * * ?", "Europe/Oslo");
  EXPECT_EQ(s.expression(), "0 0 6 * * ?");
  EXPECT_EQ(s.timezone(), "Europe/Oslo");
  // NOLINTNEXTLINE(performance-unnecessary-copy-initialization): the copy is what is tested
  const CronSchedule copy = s;
  EXPECT_EQ(copy.expression(), s.expression());
}

struct Invalid {
  const char* expression;
  const char* message;
  int column;
};

TEST(CronParseTest, RejectsWithMessageAndColumn) {
  const Invalid cases[] = {
      {"*/5 * * * *",
       "expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]), got 5 \u2014 "
       "Quartz cron has a seconds field: did you mean '0 */5 * * * ?'?",
       0},
      {"0 0 * * 1-5",
       "expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]), got 5 \u2014 "
       "Quartz cron has a seconds field: did you mean '0 0 0 ? * 1-5'?",
       0},
      {"", "expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]), got 0", 0},
      {"0 0 0 * * ? 2026 x",
       "expected 6 or 7 fields (sec min hour day-of-month month day-of-week [year]), got 8", 18},
      {"0 61 * * * ?", "minute value 61 is out of range 0-59", 3},
      {"60 0 * * * ?", "second value 60 is out of range 0-59", 1},
      {"0 0 24 * * ?", "hour value 24 is out of range 0-23", 5},
      {"0 0 1-24 * * ?", "hour value 24 is out of range 0-23", 7},
      {"0 0 0 0 * ?", "day-of-month value 0 is out of range 1-31", 7},
      {"0 0 0 32 * ?", "day-of-month value 32 is out of range 1-31", 7},
      {"0 0 0 * 13 ?", "month value 13 is out of range 1-12", 9},
      {"0 0 0 ? * 0", "day-of-week value 0 is out of range 1-7", 11},
      {"0 0 0 ? * 8", "day-of-week value 8 is out of range 1-7", 11},
      {"0 0 0 * * ? 1969", "year value 1969 is out of range 1970-2099", 13},
      {"0 0 0 * * ? 2030-2025", "year range 2030-2025 is reversed: write the earlier year first",
       13},
      {"0 0 6 * * MON-FRI",
       "day-of-month and day-of-week cannot both be specified: use ? in one of them", 11},
      {"0 0 6 * * *", "day-of-month and day-of-week cannot both be specified: use ? in one of them",
       11},
      {"0 0 6 ? * ?", "day-of-month and day-of-week cannot both be '?': put * in one of them", 11},
      {"0 ? 6 * * ?", "'?' is only allowed in day-of-month or day-of-week", 3},
      {"0 0 6 ?,1 * ?", "'?' must be the whole day-of-month or day-of-week field", 7},
      {"0 0 6 ? JUNE ?", "unknown month name 'JUNE' (use JAN-DEC or 1-12)", 9},
      {"0 0 6 ? * MOM", "unknown day-of-week name 'MOM' (use SUN-SAT or 1-7)", 11},
      {"0 0 6 ? * MON-5", "range in day-of-week field mixes a name and a number", 11},
      {"0 0 6 ? * MON-FRI/2", "a step (/n) cannot follow a name: use numbers", 18},
      {"0 0/0 * * * ?", "minute step 0 is out of range 1-59", 5},
      {"0 0/60 * * * ?", "minute step 60 is out of range 1-59", 5},
      {"0 */75 * * * ?", "minute step 75 is out of range 1-59", 5},
      {"0 0 */24 * * ?", "hour step 24 is out of range 1-23", 7},
      {"0 0 0 ? * */8", "day-of-week step 8 is out of range 1-7", 13},
      {"0 /5 * * * ?", "'/' needs a start value before it in minute field (write */n or 0/n)", 3},
      {"0 5/ * * * ?", "missing number in minute field", 5},
      {"0 1,,2 * * * ?", "empty value in minute list", 5},
      {"0 1, * * * ?", "empty value in minute list", 5},
      {"0 1-x * * * ?", "unexpected character 'X' in minute field", 5},
      {"0 5x * * * ?", "unexpected character 'X' in minute field", 4},
      {"0 0 L * * ?", "'L' is only allowed in day-of-month or day-of-week", 5},
      {"0 0 0 L-31 * ?", "offset from the last day of the month must be 0-30, got 31", 9},
      {"0 0 0 LX * ?", "unexpected character 'X' in day-of-month field", 8},
      {"0 0 5W * * ?", "'W' is only allowed in day-of-month", 6},
      {"0 0 0 ? * 5W", "'W' is only allowed in day-of-month", 12},
      {"0 0 0 1#2 * ?", "'#' is only allowed in day-of-week", 8},
      {"0 0 0 ? * 6#6", "'#' must be followed by a number 1-5 (the nth such weekday of the month)",
       13},
      {"0 0 0 ? * 6#", "'#' must be followed by a number 1-5 (the nth such weekday of the month)",
       13},
      {"0 0 0 ? * 6L,2", "'L' and '#' in day-of-week cannot be combined with other values", 11},
      {"0 0 0 ? * 2,6#3", "'L' and '#' in day-of-week cannot be combined with other values", 13},
      {"0 0 0 ? * 1#1,6#3", "'L' and '#' in day-of-week cannot be combined with other values", 11},
      {"0 0 0 ? * L,2", "'L' and '#' in day-of-week cannot be combined with other values", 11},
      {"0 0 0 ? * L-2", "unexpected character '-' in day-of-week field", 12},
      {"0 0 0 1-5W * ?", "unexpected character 'W' in day-of-month field", 10},
      {"0 0 0 * * ? 99999999", "number too large in year field", 13},
  };
  for (const Invalid& c : cases) {
    try {
      CronSchedule::Parse(c.expression, "UTC");
      ADD_FAILURE() << "accepted: " << c.expression;
    } catch (const CronError& e) {
      EXPECT_EQ(std::string(e.what()), c.message) << c.expression;
      EXPECT_EQ(e.column(), c.column) << c.expression;
    }
  }
}

TEST(CronParseTest, RejectsUnknownZoneWithSuggestion) {
  try {
    CronSchedule::Parse("0 0 6 * * ?", "Europe/Olso");
    FAIL() << "accepted Europe/Olso";
  } catch (const CronError& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown time zone 'Europe/Olso': did you mean 'Europe/Oslo'?");
    EXPECT_EQ(e.column(), 0);
  }
  try {
    CronSchedule::Parse("0 0 6 * * ?", "Nowhere/Atlantis");
    FAIL() << "accepted Nowhere/Atlantis";
  } catch (const CronError& e) {
    EXPECT_EQ(std::string(e.what()), "unknown time zone 'Nowhere/Atlantis'");
  }
  EXPECT_THROW(CronSchedule::Parse("0 0 6 * * ?", ""), CronError);
}

TEST(CronParseTest, ExpressionErrorsComeBeforeZoneErrors) {
  try {
    CronSchedule::Parse("0 61 * * * ?", "Europe/Olso");
    FAIL();
  } catch (const CronError& e) {
    EXPECT_EQ(e.column(), 3);
  }
}

}  // namespace
}  // namespace tributary
