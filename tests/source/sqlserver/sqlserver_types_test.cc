// SQL Server's dialect and catalog type mapping, at the boundary: the exact
// T-SQL DescribeTable sends and what each catalog row becomes.
#include "source/sqlserver/sqlserver_types.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "source/sqlserver/sqlserver_dialect.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

SqlServerCatalogColumn Col(const std::string& base, int precision = 0, int scale = 0) {
  SqlServerCatalogColumn c;
  c.name = "c";
  c.base_type = base;
  c.declared_type = base;
  c.precision = precision;
  c.scale = scale;
  return c;
}

TEST(SqlServerDialectTest, BracketsIdentifiersAndDoublesClosingBrackets) {
  SqlServerDialect d;
  EXPECT_EQ(d.QuoteIdentifier("Order Lines"), "[Order Lines]");
  EXPECT_EQ(d.QuoteIdentifier("a]b[c"), "[a]]b[c]");
  EXPECT_EQ(d.QualifiedName(TableRef{"dbo", "t"}), "[dbo].[t]");
  EXPECT_EQ(d.QualifiedName(TableRef{"", "t"}), "[t]");
  Schema s;
  s.fields = {Field{"id", DataType{TypeId::kInt32}}, Field{"x]y", DataType{TypeId::kText}}};
  EXPECT_EQ(d.SelectColumns(TableRef{"sales", "orders"}, s),
            "SELECT [id], [x]]y] FROM [sales].[orders]");
}

TEST(SqlServerDialectTest, StringAndBinaryLiterals) {
  EXPECT_EQ(SqlServerString("it's ok"), "N'it''s ok'");
  EXPECT_EQ(SqlServerString("ünï'"), "N'ünï'''");
  EXPECT_EQ(SqlServerBinary(std::string("\x00\x2a\xff", 3)), "0x002AFF");
  EXPECT_EQ(SqlServerBinary(""), "0x");
}

TEST(SqlServerDialectTest, LiteralsNeverDependOnSessionSettings) {
  SqlServerDialect d;
  EXPECT_EQ(d.Literal(DataType{TypeId::kInt64}, "-42"), "-42");
  EXPECT_EQ(d.Literal(DataType::Decimal(10, 2), "123.40"), "123.40");
  EXPECT_EQ(d.Literal(DataType{TypeId::kBool}, "true"), "CAST(1 AS bit)");
  EXPECT_EQ(d.Literal(DataType{TypeId::kBool}, "false"), "CAST(0 AS bit)");
  EXPECT_EQ(d.Literal(DataType{TypeId::kText}, "O'Brien"), "N'O''Brien'");
  EXPECT_EQ(d.Literal(DataType{TypeId::kDate}, "2026-03-29"), "CAST(N'2026-03-29' AS date)");
  EXPECT_EQ(d.Literal(DataType{TypeId::kTime}, "13:05:00.250000"),
            "CAST(N'13:05:00.250000' AS time(7))");
  EXPECT_EQ(d.Literal(DataType{TypeId::kTimestamp}, "2026-03-29 13:05:00.250000"),
            "CAST(N'2026-03-29 13:05:00.250000' AS datetime2(7))");
  EXPECT_EQ(d.Literal(DataType{TypeId::kTimestampTz}, "2026-03-29 13:05:00.250000+00:00"),
            "CAST(N'2026-03-29 13:05:00.250000 +00:00' AS datetimeoffset(7))");
  EXPECT_EQ(d.Literal(DataType{TypeId::kUuid}, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
            "CAST(N'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AS uniqueidentifier)");
  EXPECT_EQ(d.Literal(DataType{TypeId::kBytes}, "\\x0aff"), "0x0AFF");
}

TEST(SqlServerTypesTest, EveryMappedSystemType) {
  struct Case {
    const char* base;
    DataType type;
  } cases[] = {
      {"bit", {TypeId::kBool}},
      {"tinyint", {TypeId::kInt16}},
      {"smallint", {TypeId::kInt16}},
      {"int", {TypeId::kInt32}},
      {"bigint", {TypeId::kInt64}},
      {"real", {TypeId::kFloat32}},
      {"float", {TypeId::kFloat64}},
      {"char", {TypeId::kText}},
      {"varchar", {TypeId::kText}},
      {"nchar", {TypeId::kText}},
      {"nvarchar", {TypeId::kText}},
      {"text", {TypeId::kText}},
      {"ntext", {TypeId::kText}},
      {"xml", {TypeId::kText}},
      {"binary", {TypeId::kBytes}},
      {"varbinary", {TypeId::kBytes}},
      {"image", {TypeId::kBytes}},
      {"timestamp", {TypeId::kBytes}},
      {"date", {TypeId::kDate}},
      {"time", {TypeId::kTime}},
      {"datetime", {TypeId::kTimestamp}},
      {"datetime2", {TypeId::kTimestamp}},
      {"smalldatetime", {TypeId::kTimestamp}},
      {"datetimeoffset", {TypeId::kTimestampTz}},
      {"uniqueidentifier", {TypeId::kUuid}},
  };
  for (const auto& c : cases) {
    auto type = SqlServerColumnType(Col(c.base));
    ASSERT_TRUE(type.has_value()) << c.base;
    EXPECT_EQ(*type, c.type) << c.base;
  }
}

TEST(SqlServerTypesTest, ExactNumbersKeepPrecisionAndScale) {
  EXPECT_EQ(SqlServerColumnType(Col("decimal", 38, 10)), DataType::Decimal(38, 10));
  EXPECT_EQ(SqlServerColumnType(Col("numeric", 5, 0)), DataType::Decimal(5, 0));
  EXPECT_EQ(SqlServerColumnType(Col("money", 19, 4)), DataType::Decimal(19, 4));
  EXPECT_EQ(SqlServerColumnType(Col("smallmoney", 10, 4)), DataType::Decimal(10, 4));
}

TEST(SqlServerTypesTest, TypesWithoutAnExactMappingAreRefused) {
  EXPECT_FALSE(SqlServerColumnType(Col("sql_variant")));
  EXPECT_FALSE(SqlServerColumnType(Col("vector")));
  SqlServerCatalogColumn clr = Col("");
  clr.declared_type = "geography";
  clr.is_assembly_type = true;
  EXPECT_FALSE(SqlServerColumnType(clr));
}

TEST(SqlServerTypesTest, AliasTypesMapThroughTheirBaseType) {
  SqlServerCatalogColumn c = Col("nvarchar");
  c.declared_type = "Phone";
  EXPECT_EQ(SqlServerColumnType(c), DataType{TypeId::kText});
}

TEST(SqlServerTypesTest, DescribeTableSqlReadsTheCatalogForOneObject) {
  EXPECT_EQ(SqlServerDescribeTableSql(TableRef{"sales", "Order's"}),
            "/* tributary */ SELECT c.name AS column_name, bt.name AS base_type, "
            "ut.name AS declared_type, CAST(c.precision AS int) AS precision, "
            "CAST(c.scale AS int) AS scale, c.is_nullable, ut.is_assembly_type "
            "FROM sys.columns AS c JOIN sys.types AS ut ON ut.user_type_id = c.user_type_id "
            "LEFT JOIN sys.types AS bt ON bt.user_type_id = c.system_type_id "
            "WHERE c.object_id = OBJECT_ID(N'[sales].[Order''s]') ORDER BY c.column_id");
  EXPECT_THAT(SqlServerDescribeTableSql(TableRef{"", "t"}), HasSubstr("OBJECT_ID(N'[t]')"));
}

TEST(SqlServerTypesTest, SchemaKeepsOrderAndNullability) {
  SqlServerCatalogColumn id = Col("int");
  id.name = "id";
  id.nullable = false;
  SqlServerCatalogColumn amount = Col("decimal", 12, 2);
  amount.name = "amount";
  Schema s = SqlServerSchema({id, amount}, TableRef{"dbo", "orders"}, "here");
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.fields[0], (Field{"id", DataType{TypeId::kInt32}, false}));
  EXPECT_EQ(s.fields[1], (Field{"amount", DataType::Decimal(12, 2), true}));
}

TEST(SqlServerTypesTest, SchemaErrorsNameTableColumnAndType) {
  SqlServerCatalogColumn shape = Col("");
  shape.name = "shape";
  shape.declared_type = "geometry";
  shape.is_assembly_type = true;
  try {
    SqlServerSchema({Col("int"), shape}, TableRef{"gis", "parcels"},
                    "sqlserver server 's' database 'd'");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("sqlserver server 's' database 'd': table 'gis.parcels' column "
                                    "'shape' has type geometry, which tributary cannot load"));
    EXPECT_THAT(e.what(), HasSubstr("CAST([shape] AS nvarchar(max))"));
  }
  try {
    SqlServerSchema({}, TableRef{"", "missing"}, "here");
    FAIL() << "expected an error";
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(),
                HasSubstr("here: table 'missing' does not exist, or the user cannot see"));
  }
}

}  // namespace
}  // namespace tributary
