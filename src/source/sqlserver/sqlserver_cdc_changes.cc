#include "source/sqlserver/sqlserver_cdc_changes.h"

#include <fmt/format.h>

#include "common/error.h"
#include "source/sqlserver/sqlserver_cdc_sql.h"

namespace tributary {
namespace {

constexpr size_t kMetadata = 5;  // __$start_lsn, __$seqval, __$operation, __$update_mask, time
constexpr int64_t kMicrosPerMinute = 60'000'000;

void CheckMetadata(const Schema& schema, const std::string& what) {
  const char* names[] = {kCdcStartLsn, kCdcSeqval, kCdcOperation, kCdcUpdateMask, kCdcCommitTime};
  bool ok = schema.fields.size() >= kMetadata;
  for (size_t i = 0; ok && i < kMetadata; ++i) ok = schema.fields[i].name == names[i];
  ok = ok && schema.fields[0].type.id == TypeId::kBytes &&
       schema.fields[2].type.id == TypeId::kInt32 &&
       (schema.fields[4].type.id == TypeId::kTimestamp ||
        schema.fields[4].type.id == TypeId::kTimestampTz);
  if (!ok) {
    throw SourceError(what + ": the change query returned unexpected metadata columns");
  }
}

std::string LsnText(const Column& column, size_t row, const std::string& what) {
  if (column.IsNull(row)) throw SourceError(what + ": a change row has no __$start_lsn");
  return SqlServerLsn::FromBytes(column.GetBytes(row)).ToString();
}

// The change rows' columns that the request lacks or types differently.
Schema Wider(const Schema& result, const Schema& request) {
  Schema wider;
  for (size_t i = kMetadata; i < result.fields.size(); ++i) {
    const Field& f = result.fields[i];
    int at = request.IndexOf(f.name);
    if (at < 0 || request.fields[static_cast<size_t>(at)].type != f.type) {
      wider.fields.push_back(f);
    }
  }
  return wider;
}

class SnapshotRows final : public Reader {
 public:
  SnapshotRows(std::unique_ptr<Reader> table, std::string position, int64_t ingested_at)
      : table_(std::move(table)),
        schema_(std::make_shared<const Schema>(HistorySchema(*table_->schema()))),
        position_(std::move(position)),
        ingested_at_(ingested_at) {}

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  bool Next(Batch& batch, const BatchLimits& limits) override {
    Batch rows(table_->schema());
    if (!table_->Next(rows, limits)) return false;
    for (size_t r = 0; r < rows.num_rows(); ++r) {
      batch.column(0).AppendBytes(CdcOp::kSnapshot);
      batch.column(1).AppendBytes(position_);
      batch.column(2).Append<int64_t>(0);
      batch.column(3).Append<int64_t>(ingested_at_);
      batch.column(4).AppendNull();
      batch.column(5).Append<int64_t>(ingested_at_);
      for (size_t c = 0; c < rows.num_columns(); ++c) {
        batch.column(kCdcMetadataColumns + c).AppendFrom(rows.column(c), r);
      }
    }
    return true;
  }

 private:
  std::unique_ptr<Reader> table_;
  std::shared_ptr<const Schema> schema_;
  std::string position_;
  int64_t ingested_at_;
};

}  // namespace

const char* SqlServerCdcHistoryOp(int operation) {
  switch (SqlServerCdcOperationFromCode(operation)) {
    case SqlServerCdcOperation::kDelete:
      return CdcOp::kDelete;
    case SqlServerCdcOperation::kInsert:
      return CdcOp::kInsert;
    case SqlServerCdcOperation::kUpdateBefore:
      return CdcOp::kBefore;
    case SqlServerCdcOperation::kUpdateAfter:
      return CdcOp::kUpdate;
  }
  return CdcOp::kUpdate;
}

SqlServerChangeStream::SqlServerChangeStream(SqlServerSegmentOpener open,
                                             SqlServerChangeStreamOptions options)
    : open_(std::move(open)), options_(std::move(options)) {}

std::unique_ptr<Batch> SqlServerChangeStream::ReadSource(const BatchLimits& limits) {
  for (;;) {
    if (!reader_) {
      if (next_segment_ >= options_.segments.size()) return nullptr;
      reader_ = open_(options_.segments[next_segment_++]);
      CheckMetadata(*reader_->schema(), options_.what);
    }
    auto rows = std::make_unique<Batch>(reader_->schema());
    while (rows->num_rows() == 0 && reader_->Next(*rows, limits)) {
    }
    if (rows->num_rows() > 0) return rows;
    reader_.reset();  // this segment is done; its statement is closed before the next opens
  }
}

bool SqlServerChangeStream::Next(ChangeBatch& batch, const BatchLimits& limits) {
  if (!pending_) pending_ = ReadSource(limits);
  if (!pending_) return false;
  std::unique_ptr<Batch> ahead = ReadSource(limits);
  Convert(*pending_, batch.rows);
  const std::string last = lsn_;
  if (!ahead || LsnText(ahead->column(0), 0, options_.what) != last) batch.boundary = last;
  pending_ = std::move(ahead);
  return true;
}

const std::vector<int>& SqlServerChangeStream::ColumnMap(const Schema& schema) {
  if (mapped_schema_ && *mapped_schema_ == schema) return map_;
  Schema wider = Wider(schema, options_.columns);
  if (!wider.fields.empty()) {
    throw CdcRestart(
        fmt::format("{}: the capture instance returns column '{}' as {}, which the "
                    "history does not have in that type",
                    options_.what, wider.fields[0].name, TypeName(wider.fields[0].type)),
        wider);
  }
  map_.clear();
  for (const Field& f : options_.columns.fields) map_.push_back(schema.IndexOf(f.name));
  mapped_schema_ = std::make_shared<const Schema>(schema);
  return map_;
}

void SqlServerChangeStream::Convert(const Batch& rows, Batch& out) {
  const std::vector<int>& map = ColumnMap(rows.schema());
  const Column& time = rows.column(4);
  for (size_t r = 0; r < rows.num_rows(); ++r) {
    std::string lsn = LsnText(rows.column(0), r, options_.what);
    seq_ = lsn == lsn_ ? seq_ + 1 : 1;
    lsn_ = std::move(lsn);
    out.column(0).AppendBytes(SqlServerCdcHistoryOp(rows.column(2).Get<int32_t>(r)));
    out.column(1).AppendBytes(lsn_);
    out.column(2).Append<int64_t>(seq_);
    if (time.IsNull(r)) {
      out.column(3).AppendNull();
    } else {
      out.column(3).Append<int64_t>(time.Get<int64_t>(r) -
                                    options_.utc_offset_minutes * kMicrosPerMinute);
    }
    out.column(4).AppendNull();
    out.column(5).Append<int64_t>(options_.ingested_at);
    for (size_t c = 0; c < map.size(); ++c) {
      Column& dst = out.column(kCdcMetadataColumns + c);
      if (map[c] < 0) {
        dst.AppendNull();  // not captured by this instance
      } else {
        dst.AppendFrom(rows.column(static_cast<size_t>(map[c])), r);
      }
    }
  }
}

std::unique_ptr<Reader> SqlServerSnapshotRows(std::unique_ptr<Reader> table, std::string position,
                                              int64_t ingested_at) {
  return std::make_unique<SnapshotRows>(std::move(table), std::move(position), ingested_at);
}

}  // namespace tributary
