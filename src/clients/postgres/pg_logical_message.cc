#include "clients/postgres/pg_logical_message.h"

#include <fmt/format.h>

#include <cstring>

#include "clients/postgres/pg_wire.h"
#include "common/error.h"

namespace tributary {
namespace {

// Reads big-endian fields of one message front to back, refusing to read
// past its end.
class Cursor {
 public:
  explicit Cursor(std::string_view message) : message_(message), p_(message.data() + 1) {}

  template <class T>
  T Int() {
    using U = std::make_unsigned_t<T>;
    Need(sizeof(U));
    U v = ReadBigEndian<U>(p_);
    p_ += sizeof(U);
    return static_cast<T>(v);
  }
  char Byte() {
    Need(1);
    return *p_++;
  }
  std::string_view Bytes(size_t n) {
    Need(n);
    std::string_view v(p_, n);
    p_ += n;
    return v;
  }
  std::string String() {  // NUL-terminated
    const char* end = static_cast<const char*>(std::memchr(p_, 0, Remaining()));
    if (end == nullptr) Malformed("unterminated string");
    std::string s(p_, end);
    p_ = end + 1;
    return s;
  }
  bool AtEnd() const { return Remaining() == 0; }
  void ExpectEnd() const {
    if (!AtEnd()) Malformed(fmt::format("{} unexpected trailing bytes", Remaining()));
  }
  [[noreturn]] void Malformed(const std::string& why) const {
    throw SourceError(fmt::format("malformed pgoutput '{}' message ({} bytes): {}", message_[0],
                                  message_.size(), why));
  }

 private:
  size_t Remaining() const { return static_cast<size_t>(message_.data() + message_.size() - p_); }
  void Need(size_t n) const {
    if (Remaining() < n) Malformed("truncated");
  }

  std::string_view message_;
  const char* p_;
};

void ParseTuple(Cursor& in, PgTuple& out) {
  uint16_t n = in.Int<uint16_t>();
  out.resize(n);
  for (PgTupleValue& v : out) {
    v.kind = in.Byte();
    v.bytes = {};
    if (v.kind == 't' || v.kind == 'b') {
      int32_t len = in.Int<int32_t>();
      if (len < 0) in.Malformed("negative value length");
      v.bytes = in.Bytes(static_cast<size_t>(len));
    } else if (v.kind != 'n' && v.kind != 'u') {
      in.Malformed(fmt::format("unknown tuple value kind '{}'", v.kind));
    }
  }
}

}  // namespace

PgBeginMessage ParsePgBegin(std::string_view message) {
  Cursor in(message);
  PgBeginMessage m;
  m.final_lsn = in.Int<uint64_t>();
  m.commit_time = in.Int<int64_t>();
  m.xid = in.Int<uint32_t>();
  in.ExpectEnd();
  return m;
}

PgCommitMessage ParsePgCommit(std::string_view message) {
  Cursor in(message);
  PgCommitMessage m;
  in.Byte();  // flags, unused
  m.commit_lsn = in.Int<uint64_t>();
  m.end_lsn = in.Int<uint64_t>();
  m.commit_time = in.Int<int64_t>();
  in.ExpectEnd();
  return m;
}

PgRelationMessage ParsePgRelation(std::string_view message) {
  Cursor in(message);
  PgRelationMessage m;
  m.oid = in.Int<uint32_t>();
  m.schema = in.String();
  m.name = in.String();
  m.replica_identity = in.Byte();
  uint16_t n = in.Int<uint16_t>();
  for (uint16_t i = 0; i < n; ++i) {
    PgRelationColumn c;
    c.key = (in.Byte() & 1) != 0;
    c.name = in.String();
    c.type_oid = in.Int<uint32_t>();
    c.typmod = in.Int<int32_t>();
    m.columns.push_back(std::move(c));
  }
  in.ExpectEnd();
  return m;
}

void ParsePgChange(std::string_view message, PgChangeMessage& out) {
  Cursor in(message);
  out.kind = message[0];
  out.relation = in.Int<uint32_t>();
  out.old_kind = 0;
  out.new_tuple.clear();
  char part = in.Byte();
  if (part == 'K' || part == 'O') {
    if (out.kind == 'I') in.Malformed("an insert with an old tuple");
    out.old_kind = part;
    ParseTuple(in, out.old_tuple);
    if (out.kind == 'D') return in.ExpectEnd();
    part = in.Byte();
  } else if (out.kind == 'D') {
    in.Malformed("a delete without key or old tuple");
  }
  if (part != 'N') in.Malformed(fmt::format("expected a new tuple ('N'), found '{}'", part));
  ParseTuple(in, out.new_tuple);
  in.ExpectEnd();
}

PgTruncateMessage ParsePgTruncate(std::string_view message) {
  Cursor in(message);
  PgTruncateMessage m;
  uint32_t n = in.Int<uint32_t>();
  m.options = static_cast<uint8_t>(in.Byte());
  for (uint32_t i = 0; i < n; ++i) m.relations.push_back(in.Int<uint32_t>());
  in.ExpectEnd();
  return m;
}

}  // namespace tributary
