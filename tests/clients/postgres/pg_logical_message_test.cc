// pgoutput messages built byte by byte as the protocol documentation lays
// them out, parsed back; malformed ones are refused, never misread.
#include "clients/postgres/pg_logical_message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/postgres/pg_lsn.h"
#include "common/error.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;

// Builds one message: big-endian integers, NUL-terminated strings.
class Message {
 public:
  explicit Message(char kind) { bytes_ += kind; }
  Message& I8(uint8_t v) { return Put(v, 1); }
  Message& I16(uint16_t v) { return Put(v, 2); }
  Message& I32(uint32_t v) { return Put(v, 4); }
  Message& I64(uint64_t v) { return Put(v, 8); }
  Message& Str(const std::string& s) {
    bytes_ += s;
    bytes_ += '\0';
    return *this;
  }
  Message& Raw(const std::string& s) {
    bytes_ += s;
    return *this;
  }
  // A tuple of binary values; "" stands for NULL, "~" for unchanged TOAST.
  Message& Tuple(const std::vector<std::string>& values) {
    I16(static_cast<uint16_t>(values.size()));
    for (const auto& v : values) {
      if (v.empty()) {
        Raw("n");
      } else if (v == "~") {
        Raw("u");
      } else {
        Raw("b").I32(static_cast<uint32_t>(v.size())).Raw(v);
      }
    }
    return *this;
  }
  const std::string& str() const { return bytes_; }

 private:
  Message& Put(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) bytes_ += static_cast<char>((v >> (i * 8)) & 0xff);
    return *this;
  }
  std::string bytes_;
};

TEST(PgLogicalMessage, BeginAndCommit) {
  auto begin = ParsePgBegin(Message('B').I64(0x16B374D848).I64(123456789).I32(742).str());
  EXPECT_EQ(begin.final_lsn, 0x16B374D848u);
  EXPECT_EQ(begin.commit_time, 123456789);
  EXPECT_EQ(begin.xid, 742u);
  auto commit = ParsePgCommit(Message('C').I8(0).I64(0x100).I64(0x128).I64(987654321).str());
  EXPECT_EQ(commit.commit_lsn, 0x100u);
  EXPECT_EQ(commit.end_lsn, 0x128u);
  EXPECT_EQ(commit.commit_time, 987654321);
}

TEST(PgLogicalMessage, Relation) {
  auto r = ParsePgRelation(Message('R')
                               .I32(16384)
                               .Str("public")
                               .Str("orders")
                               .I8('f')
                               .I16(2)
                               .I8(1)
                               .Str("id")
                               .I32(23)
                               .I32(0xffffffff)
                               .I8(0)
                               .Str("total")
                               .I32(1700)
                               .I32((12 << 16 | 2) + 4)
                               .str());
  EXPECT_EQ(r.oid, 16384u);
  EXPECT_EQ(r.schema, "public");
  EXPECT_EQ(r.name, "orders");
  EXPECT_EQ(r.replica_identity, 'f');
  ASSERT_EQ(r.columns.size(), 2u);
  EXPECT_TRUE(r.columns[0].key);
  EXPECT_EQ(r.columns[0].typmod, -1);
  EXPECT_FALSE(r.columns[1].key);
  EXPECT_EQ(r.columns[1].name, "total");
  EXPECT_EQ(r.columns[1].type_oid, 1700u);
}

TEST(PgLogicalMessage, InsertUpdateDelete) {
  // Values are views into the message: keep it alive while they are used.
  PgChangeMessage m;
  std::string insert = Message('I').I32(7).Raw("N").Tuple({"ab", ""}).str();
  ParsePgChange(insert, m);
  EXPECT_EQ(m.kind, 'I');
  EXPECT_EQ(m.relation, 7u);
  EXPECT_EQ(m.old_kind, 0);
  ASSERT_EQ(m.new_tuple.size(), 2u);
  EXPECT_EQ(m.new_tuple[0].kind, 'b');
  EXPECT_EQ(m.new_tuple[0].bytes, "ab");
  EXPECT_EQ(m.new_tuple[1].kind, 'n');

  std::string update =
      Message('U').I32(7).Raw("O").Tuple({"ab", "big"}).Raw("N").Tuple({"cd", "~"}).str();
  ParsePgChange(update, m);
  EXPECT_EQ(m.old_kind, 'O');
  EXPECT_EQ(m.old_tuple[1].bytes, "big");
  EXPECT_EQ(m.new_tuple[0].bytes, "cd");
  EXPECT_EQ(m.new_tuple[1].kind, 'u');

  std::string plain = Message('U').I32(7).Raw("N").Tuple({"cd", "x"}).str();
  ParsePgChange(plain, m);
  EXPECT_EQ(m.old_kind, 0);

  std::string remove = Message('D').I32(7).Raw("K").Tuple({"ab", ""}).str();
  ParsePgChange(remove, m);
  EXPECT_EQ(m.kind, 'D');
  EXPECT_EQ(m.old_kind, 'K');
  EXPECT_EQ(m.old_tuple[0].bytes, "ab");
  EXPECT_TRUE(m.new_tuple.empty());
}

TEST(PgLogicalMessage, Truncate) {
  auto t = ParsePgTruncate(Message('T').I32(2).I8(1).I32(10).I32(11).str());
  EXPECT_EQ(t.options, 1);
  EXPECT_EQ(t.relations, (std::vector<uint32_t>{10, 11}));
}

TEST(PgLogicalMessage, MalformedMessagesAreRefused) {
  PgChangeMessage m;
  EXPECT_THROW(ParsePgBegin(Message('B').I64(1).I64(2).str()), SourceError);
  EXPECT_THROW(ParsePgBegin(Message('B').I64(1).I64(2).I32(3).I8(0).str()), SourceError);
  EXPECT_THROW(ParsePgRelation(Message('R').I32(1).Raw("public").str()), SourceError);
  EXPECT_THROW(
      ParsePgChange(Message('I').I32(7).Raw("N").I16(1).Raw("b").I32(10).Raw("ab").str(), m),
      SourceError);
  EXPECT_THROW(ParsePgChange(Message('I').I32(7).Raw("N").I16(1).Raw("x").str(), m), SourceError);
  EXPECT_THROW(ParsePgChange(Message('D').I32(7).Raw("N").Tuple({"a"}).str(), m), SourceError);
  try {
    ParsePgCommit(Message('C').I8(0).I64(1).str());
    FAIL();
  } catch (const SourceError& e) {
    EXPECT_THAT(e.what(), HasSubstr("malformed pgoutput 'C' message"));
  }
}

TEST(PgLsn, FormatsAndParses) {
  EXPECT_EQ(FormatLsn(0x16B374D848), "16/B374D848");
  EXPECT_EQ(LsnPosition(0x16B374D848), "00000016/B374D848");
  EXPECT_EQ(LsnPosition(0), "00000000/00000000");
  EXPECT_EQ(ParseLsn("16/B374D848"), 0x16B374D848u);
  EXPECT_EQ(ParseLsn("00000016/B374D848"), 0x16B374D848u);
  EXPECT_EQ(ParseLsn("0/0"), 0u);
  EXPECT_FALSE(ParseLsn("16B374D848").has_value());
  EXPECT_FALSE(ParseLsn("1/G").has_value());
  EXPECT_FALSE(ParseLsn("123456789/0").has_value());
  // Fixed width: text order is WAL order.
  EXPECT_LT(LsnPosition(0xFFFFFFFF), LsnPosition(0x100000000));
}

}  // namespace
}  // namespace tributary
