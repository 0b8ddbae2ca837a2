// The COPY statement around a query: the query tag stays in front.
#include "source/postgres/pg_copy_stream.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(PgCopyStatementTest, TheLeadingCommentMovesInFrontOfCopy) {
  EXPECT_EQ(CopyStatement("/* tributary run=r task=t strategy=full */ SELECT \"a\" FROM \"t\""),
            "/* tributary run=r task=t strategy=full */ COPY ( SELECT \"a\" FROM \"t\"\n) TO "
            "STDOUT (FORMAT binary)");
  EXPECT_EQ(CopyStatement("  SELECT 1;; \n"), "COPY (  SELECT 1\n) TO STDOUT (FORMAT binary)");
  EXPECT_EQ(CopyStatement("SELECT 1 -- note"),
            "COPY (SELECT 1 -- note\n) TO STDOUT (FORMAT binary)");
  EXPECT_EQ(CopyStatement("/* never closed SELECT 1"),
            "COPY (/* never closed SELECT 1\n) TO STDOUT (FORMAT binary)");
}

}  // namespace
}  // namespace tributary
