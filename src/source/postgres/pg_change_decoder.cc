#include "source/postgres/pg_change_decoder.h"

#include <fmt/format.h>

#include "clients/postgres/pg_wire.h"
#include "data/value_text.h"
#include "source/cdc_reader.h"

namespace tributary {
namespace {

std::string DisplayName(const TableRef& ref) {
  return ref.schema.empty() ? ref.table : ref.schema + "." + ref.table;
}

}  // namespace

// How each requested column is filled from the relation's tuples.
struct PgChangeDecoder::Plan {
  struct Target {
    int source = -1;  // column index in the relation's tuples; -1: always NULL
    std::optional<PgValueDecoder> decoder;
    std::optional<Column> scratch;  // set when the relation's type is narrower: convert
  };
  uint32_t oid = 0;
  size_t relation_columns = 0;
  std::vector<Target> targets;
};

PgChangeDecoder::PgChangeDecoder(TableRef table, Schema columns, PgTypeResolver& resolver,
                                 std::string what, int64_t ingested_at)
    : table_(std::move(table)),
      columns_(std::move(columns)),
      resolver_(resolver),
      what_(std::move(what)),
      ingested_at_(ingested_at) {}

PgChangeDecoder::~PgChangeDecoder() = default;

std::optional<uint32_t> PgChangeDecoder::relation_oid() const {
  if (!plan_) return std::nullopt;
  return plan_->oid;
}

void PgChangeDecoder::Relation(const PgRelationMessage& relation) {
  if (relation.schema != table_.schema || relation.name != table_.table) return;
  auto plan = std::make_unique<Plan>();
  plan->oid = relation.oid;
  plan->relation_columns = relation.columns.size();
  plan->targets.resize(columns_.fields.size());
  Schema wider = columns_;
  bool restart = false;
  for (size_t i = 0; i < relation.columns.size(); ++i) {
    const PgRelationColumn& c = relation.columns[i];
    PgValueType type = resolver_.Resolve(c.type_oid, c.typmod);
    if (type.wire == PgWire::kUnsupported) {
      throw SourceError(fmt::format(
          "{}: column '{}' now has type {}, which tributary cannot load without loss (see "
          "docs/postgresql.md); change the column's type at the source",
          what_, c.name, type.name));
    }
    int at = columns_.IndexOf(c.name);
    if (at < 0) {
      wider.fields.push_back(Field{c.name, type.type});
      restart = true;
      continue;
    }
    const DataType& want = columns_.fields[static_cast<size_t>(at)].type;
    Plan::Target& target = plan->targets[static_cast<size_t>(at)];
    target.source = static_cast<int>(i);
    if (type.type != want) {
      if (FitsInto(want, type.type)) {
        wider.fields[static_cast<size_t>(at)].type = type.type;
        restart = true;
        continue;
      }
      if (!FitsInto(type.type, want)) {
        throw SourceError(fmt::format(
            "{}: column '{}' changed type at the source from {} to {}, which the change history "
            "cannot hold in one column; load the table into a new sink table (set sink_table) "
            "with `tributary run --full-refresh`",
            what_, c.name, TypeName(want), TypeName(type.type)));
      }
      target.scratch.emplace(type.type);
    }
    target.decoder.emplace(std::make_shared<const PgValueType>(std::move(type)));
  }
  if (restart) {
    throw CdcRestart(fmt::format("{}: the table's columns changed", what_), std::move(wider));
  }
  plan_ = std::move(plan);
}

void PgChangeDecoder::Begin(const PgBeginMessage& begin) {
  lsn_ = LsnPosition(begin.final_lsn);
  commit_time_ = begin.commit_time + kPgEpochMicros;
  xid_ = begin.xid;
  seq_ = 0;
}

void PgChangeDecoder::AppendMetadata(Batch& batch, const char* op) {
  batch.column(0).AppendBytes(op);
  batch.column(1).AppendBytes(lsn_);
  batch.column(2).Append<int64_t>(++seq_);
  batch.column(3).Append<int64_t>(commit_time_);
  batch.column(4).Append<int64_t>(xid_);
  batch.column(5).Append<int64_t>(ingested_at_);
}

size_t PgChangeDecoder::Change(const PgChangeMessage& change, ChangeBatch& batch) {
  if (!plan_ || change.relation != plan_->oid) return 0;
  size_t rows = 0;
  if (change.old_kind != 0) {
    const char* op = change.kind == 'D' ? CdcOp::kDelete : CdcOp::kBefore;
    AppendMetadata(batch.rows, op);
    AppendTuple(change, change.old_tuple, false, batch);
    ++rows;
  }
  if (change.kind != 'D') {
    AppendMetadata(batch.rows, change.kind == 'I' ? CdcOp::kInsert : CdcOp::kUpdate);
    AppendTuple(change, change.new_tuple, true, batch);
    ++rows;
  }
  return rows;
}

size_t PgChangeDecoder::Truncate(const PgTruncateMessage& truncate, Batch& batch) {
  if (!plan_) return 0;
  for (uint32_t oid : truncate.relations) {
    if (oid != plan_->oid) continue;
    AppendMetadata(batch, CdcOp::kTruncate);
    for (size_t i = 0; i < columns_.fields.size(); ++i) {
      batch.column(kCdcMetadataColumns + i).AppendNull();
    }
    return 1;
  }
  return 0;
}

void PgChangeDecoder::AppendTuple(const PgChangeMessage& change, const PgTuple& tuple, bool is_new,
                                  ChangeBatch& batch) {
  if (tuple.size() != plan_->relation_columns) {
    throw SourceError(fmt::format("{}: a change carries {} columns, the table has {}", what_,
                                  tuple.size(), plan_->relation_columns));
  }
  for (size_t i = 0; i < plan_->targets.size(); ++i) {
    Column& out = batch.rows.column(kCdcMetadataColumns + i);
    int source = plan_->targets[i].source;
    if (source < 0) {
      out.AppendNull();
      continue;
    }
    const PgTupleValue* value = &tuple[static_cast<size_t>(source)];
    if (value->kind == 'u') {
      // The whole old row (REPLICA IDENTITY FULL) holds the unchanged value;
      // without it, a text or json value is filled by the strategy.
      bool full_old = is_new && change.old_kind == 'O';
      if (!full_old || change.old_tuple[static_cast<size_t>(source)].kind == 'u') {
        TypeId type = columns_.fields[i].type.id;
        if (!is_new || (type != TypeId::kText && type != TypeId::kJson)) Unchanged(i);
        batch.unchanged.push_back(CdcCell{out.size(), i});
        out.AppendNull();
        continue;
      }
      value = &change.old_tuple[static_cast<size_t>(source)];
    }
    AppendValue(i, *value, out);
  }
}

void PgChangeDecoder::AppendValue(size_t target, const PgTupleValue& value, Column& out) {
  if (value.kind == 'n') return out.AppendNull();
  Plan::Target& t = plan_->targets[target];
  if (value.kind != 'b') {
    throw SourceError(fmt::format("{}: column '{}' arrived in text form, not binary", what_,
                                  columns_.fields[target].name));
  }
  try {
    if (!t.scratch) return t.decoder->Append(value.bytes, out);
    t.scratch->Clear();
    t.decoder->Append(value.bytes, *t.scratch);
    AppendValueText(out, ValueText(*t.scratch, 0));
  } catch (const PgValueError& e) {
    throw SourceError(fmt::format("{}: column '{}' at LSN {}: {}", what_,
                                  columns_.fields[target].name, lsn_, e.what()));
  }
}

void PgChangeDecoder::Unchanged(size_t target) const {
  throw SourceError(fmt::format(
      "{}: an update at LSN {} did not send column '{}' (a large value stored out of line that "
      "the update left unchanged) and the table's REPLICA IDENTITY is not FULL; tributary fills "
      "such values by key only for text and json columns and never stores them as NULL. Run ALTER "
      "TABLE {} REPLICA IDENTITY "
      "FULL at the source, then re-snapshot the table with `tributary backfill`",
      what_, lsn_, columns_.fields[target].name, DisplayName(table_)));
}

}  // namespace tributary
