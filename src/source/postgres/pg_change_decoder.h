// Turns pgoutput messages about one table into change-history rows
// (source/cdc_reader.h): metadata, then the requested columns, values
// decoded from the binary send format by PgValueDecoder.
//
// Unchanged TOASTed values: an update that does not touch a large
// (out-of-line) value does not send it. With REPLICA IDENTITY FULL the old
// row carries it and the decoder copies it over; without, a text or json
// value is marked unchanged (ChangeBatch::unchanged) for the strategy to
// fill by key, and any other type is an error — never a NULL that was not
// in the source (see docs/cdc.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/postgres/pg_binary.h"
#include "clients/postgres/pg_logical_message.h"
#include "clients/postgres/pg_types.h"
#include "data/batch.h"
#include "source/cdc_reader.h"
#include "source/source.h"

namespace tributary {

// Not thread-safe.
class PgChangeDecoder {
 public:
  // `columns`: the table columns of every row written (HistorySchema order);
  // `what` names server, database and table in errors.
  PgChangeDecoder(TableRef table, Schema columns, PgTypeResolver& resolver, std::string what,
                  int64_t ingested_at);
  ~PgChangeDecoder();

  // Learns a relation's columns. For the captured table, throws CdcRestart
  // when a column is not among `columns` or its type widened, SourceError
  // when it narrowed or cannot be mapped.
  void Relation(const PgRelationMessage& relation);
  void Begin(const PgBeginMessage& begin);
  // Appends the rows of one change of the captured table (a `before` row
  // when the source sent the old row or key, then the change); changes of
  // other tables append nothing. Returns the rows appended.
  size_t Change(const PgChangeMessage& change, ChangeBatch& batch);
  // Appends a `truncate` row when the captured table is among those truncated.
  size_t Truncate(const PgTruncateMessage& truncate, Batch& batch);
  // The captured table's relation OID, once its Relation message was seen.
  std::optional<uint32_t> relation_oid() const;

 private:
  struct Plan;
  void AppendMetadata(Batch& batch, const char* op);
  void AppendTuple(const PgChangeMessage& change, const PgTuple& tuple, bool is_new,
                   ChangeBatch& batch);
  void AppendValue(size_t target, const PgTupleValue& value, Column& out);
  [[noreturn]] void Unchanged(size_t target) const;

  TableRef table_;
  Schema columns_;
  PgTypeResolver& resolver_;
  std::string what_;
  int64_t ingested_at_;
  std::unique_ptr<Plan> plan_;  // from the table's latest Relation message
  // The open transaction.
  std::string lsn_;
  int64_t commit_time_ = 0;  // µs since the Unix epoch
  int64_t xid_ = 0;
  int64_t seq_ = 0;
};

}  // namespace tributary
