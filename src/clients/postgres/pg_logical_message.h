// The messages of PostgreSQL's pgoutput plugin (logical replication protocol
// version 1, binary values), parsed without copying values: tuple values are
// views into the message, valid as long as it is. Formats: PostgreSQL docs,
// "Logical Replication Message Formats".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clients/postgres/pg_lsn.h"

namespace tributary {

// Microseconds since 2000-01-01 00:00 UTC (PostgreSQL's epoch).
using PgTimestamp = int64_t;

struct PgBeginMessage {
  PgLsn final_lsn = 0;  // LSN of the commit record
  PgTimestamp commit_time = 0;
  uint32_t xid = 0;
};

struct PgCommitMessage {
  PgLsn commit_lsn = 0;
  PgLsn end_lsn = 0;  // just past the commit record
  PgTimestamp commit_time = 0;
};

struct PgRelationColumn {
  bool key = false;  // part of the replica identity
  std::string name;
  uint32_t type_oid = 0;
  int32_t typmod = -1;
};

// Sent before the first change of a relation in a session, and again after
// its definition changed.
struct PgRelationMessage {
  uint32_t oid = 0;
  std::string schema;
  std::string name;
  char replica_identity = 'd';  // d default, n nothing, f full, i index
  std::vector<PgRelationColumn> columns;
};

// One column of a tuple: 'n' NULL, 'u' an unchanged TOASTed value that was
// not sent, 't' text, 'b' binary (send/recv format).
struct PgTupleValue {
  char kind = 'n';
  std::string_view bytes;
};
using PgTuple = std::vector<PgTupleValue>;

// Insert ('I'), update ('U') or delete ('D'). `old_kind` is 'K' (the old
// key, other columns null), 'O' (the whole old row: REPLICA IDENTITY FULL)
// or 0 (none sent).
struct PgChangeMessage {
  char kind = 'I';
  uint32_t relation = 0;
  char old_kind = 0;
  PgTuple old_tuple;
  PgTuple new_tuple;  // empty for deletes
};

struct PgTruncateMessage {
  uint8_t options = 0;  // 1 CASCADE, 2 RESTART IDENTITY
  std::vector<uint32_t> relations;
};

// The message type byte ('B', 'C', 'R', 'I', …). REQUIRES: !message.empty().
inline char PgMessageKind(std::string_view message) { return message[0]; }

// Each parser takes the whole message (type byte included) and throws
// SourceError naming the message when it is malformed.
PgBeginMessage ParsePgBegin(std::string_view message);
PgCommitMessage ParsePgCommit(std::string_view message);
PgRelationMessage ParsePgRelation(std::string_view message);
// Fills `out`, reusing its vectors.
void ParsePgChange(std::string_view message, PgChangeMessage& out);
PgTruncateMessage ParsePgTruncate(std::string_view message);

}  // namespace tributary
