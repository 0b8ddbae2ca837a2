// UTF-8 ↔ UTF-16 at the ODBC boundary and connection-string quoting.
#include "source/odbc/odbc_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "source/odbc/odbc_connection_string.h"
#include "source/odbc/odbc_handles.h"

namespace tributary {
namespace {

TEST(OdbcTextTest, RoundTripsEveryPlane) {
  std::string text = "a é € 😀 \x7f z";
  WideString wide = ToWide(text);
  EXPECT_EQ(wide.size(), 12u);  // the emoji takes a surrogate pair
  std::string back;
  ASSERT_TRUE(AppendUtf8(wide.data(), wide.size(), back));
  EXPECT_EQ(back, text);
  EXPECT_EQ(FromWide(wide.data(), wide.size()), text);
}

TEST(OdbcTextTest, UnpairedSurrogatesAreRefusedOrReplaced) {
  const SQLWCHAR lone[] = {'a', 0xD83D, 'b'};
  std::string out;
  EXPECT_FALSE(AppendUtf8(lone, 3, out));
  EXPECT_EQ(FromWide(lone, 3),
            "a\xEF\xBF\xBD"
            "b");
  const SQLWCHAR low_first[] = {0xDE00, 0xD83D};
  out.clear();
  EXPECT_FALSE(AppendUtf8(low_first, 2, out));
}

TEST(OdbcTextTest, InvalidUtf8IsAnError) { EXPECT_THROW(ToWide("\xff\xfe", "the query"), Error); }

TEST(OdbcConnectionStringTest, BracesOnlyWhenNeededAndClosingBracesDoubled) {
  EXPECT_EQ(QuoteOdbcValue("plain"), "plain");
  EXPECT_EQ(QuoteOdbcValue(""), "");
  EXPECT_EQ(QuoteOdbcValue("a;b"), "{a;b}");
  EXPECT_EQ(QuoteOdbcValue("x=y"), "{x=y}");
  EXPECT_EQ(QuoteOdbcValue("ODBC Driver 18 for SQL Server"), "{ODBC Driver 18 for SQL Server}");
  EXPECT_EQ(QuoteOdbcValue("p}w{d"), "{p}}w{d}");
  EXPECT_EQ(QuoteOdbcValue("}"), "{}}}");
}

TEST(OdbcConnectionStringTest, RedactsSecretsAndRejectsBadInput) {
  OdbcConnectionString cs;
  cs.Add("UID", "me").Add("PWD", "a;b", true).Add("APP", "t");
  EXPECT_EQ(cs.str(), "UID=me;PWD={a;b};APP=t;");
  EXPECT_EQ(cs.Redacted(), "UID=me;PWD=***;APP=t;");
  EXPECT_EQ(cs.Secrets(), std::vector<std::string>{"a;b"});
  EXPECT_THROW(cs.Add("BAD;KEY", "x"), Error);
  EXPECT_THROW(cs.Add("PWD", std::string("a\0b", 3)), Error);
}

TEST(OdbcHandlesTest, ScrubSecretsHidesEveryOccurrence) {
  EXPECT_EQ(ScrubSecrets("login 'pw' failed, pw!", {"pw", ""}), "login '***' failed, ***!");
  EXPECT_EQ(FormatDiagnostics({}), "no diagnostic from the driver");
  EXPECT_EQ(FormatDiagnostics({{"08001", 20009, "no route"}, {"01000", 0, "note"}}),
            "[08001] no route (native error 20009); [01000] note");
}

}  // namespace
}  // namespace tributary
