#include "sink/delta/delta_table_writer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <thread>

#include "clients/duckdb/duckdb_row_stream.h"
#include "clients/duckdb/duckdb_sql.h"
#include "clients/duckdb/duckdb_types.h"
#include "clients/duckdb/duckdb_values.h"
#include "common/error.h"
#include "common/thread_name.h"
#include "sink/delta/delta_files.h"
#include "sink/delta/delta_prune.h"
#include "sink/delta/delta_sink.h"
#include "sink/delta/delta_types.h"
#include "sink/schema_evolution.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string NewStageName() {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("_tributary_delta_stage_{}", counter.fetch_add(1));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

FileLock LockTable(DeltaSink& sink, const std::string& table) {
  fs::path path = sink.LockPath("table", table);
  auto lock = FileLock::TryAcquire(path);
  if (!lock) {
    throw SinkError(fmt::format(
        "delta table '{}' is being written by another load (lock '{}'); wait for it to finish",
        table, path.string()));
  }
  return std::move(*lock);
}

bool CanPartitionBy(TypeId id) {
  return id != TypeId::kFloat32 && id != TypeId::kFloat64 && id != TypeId::kBytes &&
         id != TypeId::kJson;
}

// metaData.schemaString for `target`, keeping the metadata (comments, …) of
// columns the old schema string already had.
std::string MergedSchemaString(const Schema& target, const std::string& old_schema_string) {
  json old = json::parse(old_schema_string, nullptr, false);
  json fields = json::array();
  for (const Field& f : target.fields) {
    json field = {{"name", f.name},
                  {"type", DeltaTypeName(f.type)},
                  {"nullable", true},
                  {"metadata", json::object()}};
    if (!old.is_discarded() && old.contains("fields")) {
      for (const json& existing : old["fields"]) {
        if (existing.value("name", "") != f.name) continue;
        field = existing;
        field["type"] = DeltaTypeName(f.type);
        field["nullable"] = true;
      }
    }
    fields.push_back(std::move(field));
  }
  json schema = json::object();
  schema["type"] = "struct";
  schema["fields"] = std::move(fields);
  return schema.dump();
}

json ProtocolFor(const Schema& target, const std::optional<DeltaSnapshot>& snapshot) {
  bool ntz = NeedsTimestampNtz(target);
  if (snapshot && (!ntz || snapshot->protocol.value("minReaderVersion", 1) == 3)) {
    json p = snapshot->protocol;
    if (!ntz) return p;
    for (const char* key : {"readerFeatures", "writerFeatures"}) {
      auto features = p.value(key, json::array());
      if (std::find(features.begin(), features.end(), "timestampNtz") == features.end()) {
        features.push_back("timestampNtz");
      }
      p[key] = features;
    }
    return p;
  }
  if (!ntz) return {{"minReaderVersion", 1}, {"minWriterVersion", 2}};
  json writer = json::array({"timestampNtz"});
  if (snapshot) writer = json::array({"appendOnly", "invariants", "timestampNtz"});
  return {{"minReaderVersion", 3},
          {"minWriterVersion", 7},
          {"readerFeatures", json::array({"timestampNtz"})},
          {"writerFeatures", writer}};
}

}  // namespace

// A COPY runs on a connection of its own: the writers of one transaction
// share `conn_`, and a merge staging rows on it must not wait for a COPY that
// waits for rows.
struct DeltaTableWriter::Copy {
  Copy(const DeltaSink& sink, const Schema& schema, const std::string& table, size_t first_row)
      : conn(sink.Connect()), rows(schema, table, 2, first_row) {}
  DuckConnection conn;
  DuckRowStream rows;
  std::vector<json> files;  // written by the COPY, once it finished
  std::exception_ptr error;
  std::thread thread;
};

DeltaTableWriter::DeltaTableWriter(DeltaSink& sink, duckdb_connection conn, const LoadSpec& spec)
    : sink_(sink),
      conn_(conn),
      spec_(spec),
      lock_(LockTable(sink, spec.table)),
      table_(sink.storage(), sink.TableKey(spec.table), spec.table, conn) {
  CheckSpec();
  table_.Refresh();
  if (table_.snapshot()) CheckDeltaWritable(spec_.table, *table_.snapshot());
  sink.storage().RemoveStaging(table_.key());
  PlanSchema();
  PlanMetadata();
  append_schema_ = spec_.schema;
  for (Field& f : append_schema_.fields) {
    if (f.type.id == TypeId::kTime || f.type.id == TypeId::kInterval) f.type = {TypeId::kText};
  }
  if (spec_.mode == WriteMode::kMerge) {
    CreateStage();
    OpenAppender();
    chunks_ = std::make_unique<ChunkAppender>(append_schema_, spec_.table);
  }
}

DeltaTableWriter::~DeltaTableWriter() {
  AbortCopy();
  appender_.reset();
  if (stage_.empty()) return;
  for (const std::string& name : {stage_, stage_ + "_final"}) {
    DuckResult result;
    duckdb_query(conn_, ("DROP TABLE IF EXISTS " + DuckQuote(name)).c_str(), result.out());
  }
}

void DeltaTableWriter::CheckSpec() const {
  const std::string& t = spec_.table;
  if (spec_.schema.fields.empty()) {
    throw SinkError(fmt::format("table '{}': cannot load a result without columns", t));
  }
  std::vector<std::string> seen;
  for (const Field& f : spec_.schema.fields) {
    if (!IsValidDeltaColumnName(f.name)) {
      throw SinkError(fmt::format(
          "table '{}' column '{}': Delta tables (without column mapping) cannot have a column "
          "name with a space or any of ,;{{}}()=, tab or newline; rename it in a query",
          t, f.name));
    }
    if (std::find(seen.begin(), seen.end(), Lower(f.name)) != seen.end()) {
      throw SinkError(fmt::format(
          "table '{}': two columns are named '{}' when case is ignored, which Delta forbids", t,
          f.name));
    }
    seen.push_back(Lower(f.name));
  }
  if (spec_.mode == WriteMode::kMerge && spec_.key.empty()) {
    throw SinkError(fmt::format("table '{}': a merge needs key columns", t));
  }
  for (const auto& k : spec_.key) {
    if (spec_.schema.IndexOf(k) < 0) {
      throw SinkError(fmt::format("table '{}': key column '{}' is not among the columns", t, k));
    }
  }
  if (!spec_.delete_marker.empty()) {
    int at = spec_.schema.IndexOf(spec_.delete_marker);
    if (at < 0 || spec_.schema.fields[static_cast<size_t>(at)].type.id != TypeId::kBool) {
      throw SinkError(fmt::format("table '{}': delete marker '{}' must be a boolean column", t,
                                  spec_.delete_marker));
    }
  }
}

void DeltaTableWriter::PlanSchema() {
  Schema incoming;
  for (const Field& f : spec_.schema.fields) {
    if (f.name != spec_.delete_marker) incoming.fields.push_back(f);
  }
  incoming = DeltaStoredSchema(incoming, DeltaTypeOptions{sink_.options().timestamp_ntz});
  const auto& snapshot = table_.snapshot();
  exists_ = snapshot && spec_.mode != WriteMode::kReplace;
  partition_by_ = spec_.partition_by;
  target_ = incoming;
  if (snapshot && spec_.mode == WriteMode::kReplace) {
    Schema old = ParseDeltaSchemaString(spec_.table, snapshot->metadata.value("schemaString", ""));
    auto kept =
        PlanReplace(spec_.table, old, incoming, spec_.keep_dropped_columns, schema_changes_);
    target_.fields.insert(target_.fields.end(), kept.begin(), kept.end());
  }
  if (exists_) {
    target_ = ParseDeltaSchemaString(spec_.table, snapshot->metadata.value("schemaString", ""));
    SchemaChange change = PlanSchemaChange(spec_.table, target_, incoming);
    schema_changes_ = change.records;
    for (const Field& f : change.added) {
      for (const Field& have : target_.fields) {
        if (Lower(have.name) == Lower(f.name)) {
          throw SinkError(fmt::format(
              "table '{}': the source now has a column '{}' beside the table's '{}'; Delta "
              "treats them as one column — rename one of them in a query",
              spec_.table, f.name, have.name));
        }
      }
      target_.fields.push_back(Field{f.name, f.type, true});
    }
    for (const Field& f : change.widened) {
      target_.fields[static_cast<size_t>(target_.IndexOf(f.name))].type = f.type;
      rewrite_all_ = true;
    }
    std::vector<std::string> existing = snapshot->PartitionColumns();
    if (!spec_.partition_by.empty() && spec_.partition_by != existing) {
      throw SinkError(fmt::format(
          "delta table '{}' is partitioned by [{}] but the configuration asks for [{}]; "
          "partitioning changes only with a full reload (`tributary run --full-refresh --tables "
          "{}`)",
          spec_.table, fmt::join(existing, ", "), fmt::join(spec_.partition_by, ", "),
          spec_.table));
    }
    partition_by_ = existing;
    if (spec_.delete_window && target_.IndexOf(spec_.delete_window->column) < 0) {
      throw SinkError(fmt::format("table '{}' has no column '{}' to delete a window of",
                                  spec_.table, spec_.delete_window->column));
    }
  }
  for (const std::string& column : partition_by_) {
    int at = target_.IndexOf(column);
    if (at < 0 || !CanPartitionBy(target_.fields[static_cast<size_t>(at)].type.id)) {
      throw SinkError(fmt::format(
          "table '{}': cannot partition by '{}' ({}); partition columns must be columns of "
          "the table of a type other than real, double, bytes or json",
          spec_.table, column, at < 0 ? "no such column" : "its type"));
    }
  }
  if (!partition_by_.empty() && partition_by_.size() >= target_.fields.size()) {
    throw SinkError(
        fmt::format("table '{}': at least one column must not be a partition column", spec_.table));
  }
}

void DeltaTableWriter::PlanMetadata() {
  const auto& snapshot = table_.snapshot();
  json metadata = snapshot ? snapshot->metadata : json::object();
  if (!snapshot) {
    metadata = {{"id", NewUuid()},
                {"format", {{"provider", "parquet"}, {"options", json::object()}}},
                {"createdTime", sink_.NowMs()}};
  }
  json config = metadata.value("configuration", json::object());
  for (const auto& [key, value] : sink_.options().table_properties) config[key] = value;
  for (const auto& [key, value] : spec_.properties) config[key] = value;
  metadata["configuration"] = config;
  metadata["partitionColumns"] = partition_by_;
  metadata["schemaString"] = MergedSchemaString(target_, metadata.value("schemaString", "{}"));
  if (!snapshot || metadata != snapshot->metadata) metadata_ = metadata;
  json protocol = ProtocolFor(target_, snapshot);
  if (!snapshot || protocol != snapshot->protocol) protocol_ = protocol;
}

void DeltaTableWriter::CreateStage() {
  if (stage_.empty()) stage_ = NewStageName();
  std::string columns;
  for (const Field& f : target_.fields) {
    columns += (columns.empty() ? "" : ", ") + DuckQuote(f.name) + " " + DuckTypeSql(f.type);
  }
  if (!spec_.delete_marker.empty()) columns += ", " + DuckQuote(spec_.delete_marker) + " BOOLEAN";
  DuckExec(conn_, fmt::format("CREATE TEMP TABLE {} ({})", DuckQuote(stage_), columns),
           fmt::format("cannot stage rows for table '{}'", spec_.table));
}

void DeltaTableWriter::OpenAppender() {
  if (duckdb_appender_create_ext(conn_, "temp", "main", stage_.c_str(), appender_.out()) ==
      DuckDBError) {
    duckdb_error_data error = duckdb_appender_error_data(appender_.get());
    std::string message = duckdb_error_data_message(error);
    duckdb_destroy_error_data(&error);
    throw SinkError(fmt::format("cannot stage rows for table '{}': {}", spec_.table, message));
  }
  duckdb_appender_clear_columns(appender_.get());
  for (const Field& f : spec_.schema.fields) {
    if (duckdb_appender_add_column(appender_.get(), f.name.c_str()) == DuckDBError) {
      throw SinkError(fmt::format("cannot stage column '{}' of table '{}'", f.name, spec_.table));
    }
  }
}

void DeltaTableWriter::CloseAppender() {
  if (!appender_) return;
  chunks_->Flush(appender_.get());
  if (duckdb_appender_close(appender_.get()) == DuckDBError) {
    duckdb_error_data error = duckdb_appender_error_data(appender_.get());
    std::string message = duckdb_error_data_message(error);
    duckdb_destroy_error_data(&error);
    throw SinkError(fmt::format("cannot write table '{}': {}", spec_.table, message));
  }
  appender_.reset();
}

void DeltaTableWriter::Write(const Batch& batch) {
  if (finished_) throw SinkError(fmt::format("table '{}': write after commit", spec_.table));
  std::optional<Batch> converted = ToDeltaBatch(batch);
  staged_bytes_ += static_cast<int64_t>(batch.ByteSize());
  if (spec_.mode == WriteMode::kMerge) {
    chunks_->Append(converted ? *converted : batch, appender_.get());
    return;
  }
  if (!copy_) StartCopy();
  // Moves the converted batch; the caller's batch (no conversion) is copied.
  bool pushed = converted ? copy_->rows.Push(std::move(*converted)) : copy_->rows.Push(batch);
  if (!pushed) {
    FinishCopy();  // the COPY failed: throws its error
    throw SinkError(fmt::format("table '{}': the data file writer stopped", spec_.table));
  }
  rows_streamed_ += batch.num_rows();
  if (staged_bytes_ >= sink_.options().target_file_bytes) FinishCopy();
}

// Target columns from the stream by name; columns the source no longer has
// (kept by schema evolution) are NULL. The casts are the ones an appender
// into a table of the target types would make.
std::string DeltaTableWriter::StreamColumns() const {
  std::string sql;
  for (const Field& f : target_.fields) {
    std::string value =
        append_schema_.IndexOf(f.name) >= 0 ? "s." + DuckQuote(f.name) : std::string("NULL");
    sql += fmt::format("{}CAST({} AS {}) AS {}", sql.empty() ? "" : ", ", value,
                       DuckTypeSql(f.type), DuckQuote(f.name));
  }
  return sql;
}

void DeltaTableWriter::StartCopy() {
  copy_ = std::make_unique<Copy>(sink_, append_schema_, spec_.table, rows_streamed_);
  std::string select =
      fmt::format("SELECT {} FROM {} AS s", StreamColumns(), copy_->rows.FromSql());
  DeltaFileSpec spec = FileSpec(true);
  Copy* copy = copy_.get();
  copy->thread = std::thread(
      [copy, select, spec, &storage = sink_.storage(), key = table_.key(), now = sink_.NowMs()] {
        NameThisThread("delta-copy");
        try {
          copy->files = WriteDeltaDataFiles(copy->conn.get(), select, storage, key, spec, now);
        } catch (...) {
          copy->error = std::current_exception();
          copy->rows.Abort();  // a Push waiting for room returns
        }
      });
}

void DeltaTableWriter::FinishCopy() {
  std::unique_ptr<Copy> copy = std::move(copy_);
  copy->rows.End();
  copy->thread.join();
  if (copy->error) std::rethrow_exception(copy->error);
  adds_.insert(adds_.end(), copy->files.begin(), copy->files.end());
  staged_bytes_ = 0;
}

// The COPY fails (its staging directory is removed); nothing it wrote is kept.
void DeltaTableWriter::AbortCopy() noexcept {
  if (!copy_) return;
  copy_->rows.Abort();
  copy_->thread.join();
  copy_.reset();
}

DeltaFileSpec DeltaTableWriter::FileSpec(bool data_change) const {
  return DeltaFileSpec{target_, partition_by_, sink_.options().target_file_bytes, data_change};
}

std::vector<json> DeltaTableWriter::WriteFiles(const std::string& select_sql, bool data_change) {
  return WriteDeltaDataFiles(conn_, select_sql, sink_.storage(), table_.key(),
                             FileSpec(data_change), sink_.NowMs());
}

std::string DeltaTableWriter::TargetColumns(const std::string& prefix) const {
  std::string sql;
  for (const Field& f : target_.fields) {
    sql += (sql.empty() ? "" : ", ") + prefix + DuckQuote(f.name);
  }
  return sql;
}

std::string DeltaTableWriter::FileSelect(const json& add) const {
  return DeltaFileSelect(conn_, sink_.storage(), table_.key(), add, target_, partition_by_);
}

std::string DeltaTableWriter::KeepCondition() const {
  if (!spec_.delete_window) return "true";
  const auto& window = *spec_.delete_window;
  const Field& f = target_.fields[static_cast<size_t>(target_.IndexOf(window.column))];
  std::string in_window = "true";  // an empty bound is left out
  if (!window.from.empty()) {
    in_window += fmt::format(" AND t.{} >= CAST({} AS {})", DuckQuote(f.name),
                             DuckString(window.from), DuckTypeSql(f.type));
  }
  if (!window.to.empty()) {
    in_window += fmt::format(" AND t.{} < CAST({} AS {})", DuckQuote(f.name), DuckString(window.to),
                             DuckTypeSql(f.type));
  }
  return fmt::format("NOT coalesce({}, false)", in_window);
}

bool DeltaTableWriter::MayBeAffected(
    const json& add, const std::vector<std::pair<std::string, std::string>>& key_bounds) const {
  auto is_partition = [&](const std::string& c) {
    return std::find(partition_by_.begin(), partition_by_.end(), c) != partition_by_.end();
  };
  if (spec_.delete_window) {
    const auto& w = *spec_.delete_window;
    const Field& f = target_.fields[static_cast<size_t>(target_.IndexOf(w.column))];
    FileBounds bounds = BoundsOf(add, w.column, is_partition(w.column));
    bool may = w.from.empty() ? true : MayHoldAtLeast(bounds, f.type, w.from);
    if (may && !w.to.empty() && !w.from.empty()) may = MayHoldBetween(bounds, f.type, w.from, w.to);
    if (may) return true;
  }
  if (spec_.mode != WriteMode::kMerge) return false;
  for (size_t i = 0; i < spec_.key.size(); ++i) {
    const std::string& k = spec_.key[i];
    const auto& [lo, hi] = key_bounds[i];
    if (lo.empty() && hi.empty()) continue;  // a NULL key or no bounds: cannot skip on it
    const Field& f = target_.fields[static_cast<size_t>(target_.IndexOf(k))];
    if (!MayHoldBetween(BoundsOf(add, k, is_partition(k)), f.type, lo, hi)) return false;
  }
  return true;
}

bool DeltaTableWriter::WholeFileInWindow(const json& add) const {
  if (!spec_.delete_window) return false;
  const auto& w = *spec_.delete_window;
  const Field& f = target_.fields[static_cast<size_t>(target_.IndexOf(w.column))];
  bool partition =
      std::find(partition_by_.begin(), partition_by_.end(), w.column) != partition_by_.end();
  return AllAtLeast(BoundsOf(add, w.column, partition), f.type, w.from);
}

void DeltaTableWriter::PrepareMerge(std::vector<std::pair<std::string, std::string>>& key_bounds) {
  CloseAppender();
  std::string what = fmt::format("cannot merge into table '{}'", spec_.table);
  std::string keys;
  for (const auto& k : spec_.key) keys += (keys.empty() ? "" : ", ") + DuckQuote(k);
  std::string final_table = DuckQuote(stage_ + "_final");
  DuckExec(conn_,
           fmt::format("CREATE TEMP TABLE {} AS SELECT * EXCLUDE (_tributary_rank) FROM (SELECT "
                       "*, row_number() OVER (PARTITION BY {} ORDER BY rowid DESC) AS "
                       "_tributary_rank FROM {}) WHERE _tributary_rank = 1",
                       final_table, keys, DuckQuote(stage_)),
           what);
  DuckExec(conn_, "DROP TABLE " + DuckQuote(stage_), what);
  for (const auto& k : spec_.key) {
    DuckResult r = DuckExec(conn_,
                            fmt::format("SELECT min({0})::VARCHAR, max({0})::VARCHAR, count(*) "
                                        "FILTER ({0} IS NULL) FROM {1}",
                                        DuckQuote(k), final_table),
                            what);
    bool nulls = ResultInt(r, 2, 0).value_or(0) > 0;
    auto lo = ResultText(r, 0, 0);
    auto hi = ResultText(r, 1, 0);
    key_bounds.emplace_back(nulls || !lo ? "" : *lo, nulls || !hi ? "" : *hi);
  }
  std::string keep = spec_.delete_marker.empty()
                         ? "true"
                         : fmt::format("NOT coalesce({}, false)", DuckQuote(spec_.delete_marker));
  auto files =
      WriteFiles(fmt::format("SELECT {} FROM {} WHERE {}", TargetColumns(), final_table, keep));
  adds_.insert(adds_.end(), files.begin(), files.end());
}

void DeltaTableWriter::RewriteExisting(
    DeltaCommitPlan& plan, const std::vector<std::pair<std::string, std::string>>& key_bounds) {
  std::string match;
  for (const auto& k : spec_.key) {
    match += fmt::format("{}t.{} IS NOT DISTINCT FROM f.{}", match.empty() ? "" : " AND ",
                         DuckQuote(k), DuckQuote(k));
  }
  std::string what = fmt::format("cannot rewrite files of table '{}'", spec_.table);
  for (const auto& [path, add] : table_.snapshot()->files) {
    if (!rewrite_all_ && !MayBeAffected(add, key_bounds)) continue;
    if (!rewrite_all_ && WholeFileInWindow(add)) {
      plan.removes.push_back(path);  // every row goes: no need to read the file
      continue;
    }
    std::string kept = fmt::format("SELECT t.* FROM ({}) t", FileSelect(add));
    if (spec_.mode == WriteMode::kMerge) {
      kept += fmt::format(" ANTI JOIN {} f ON {}", DuckQuote(stage_ + "_final"), match);
    }
    kept += " WHERE " + KeepCondition();
    DuckResult counts =
        DuckExec(conn_,
                 fmt::format("SELECT (SELECT count(*) FROM ({}) k), (SELECT count(*) FROM ({}) a)",
                             kept, FileSelect(add)),
                 what);
    int64_t keep_rows = ResultInt(counts, 0, 0).value_or(0);
    int64_t all_rows = ResultInt(counts, 1, 0).value_or(0);
    if (keep_rows == all_rows && !rewrite_all_) continue;
    plan.removes.push_back(path);
    if (keep_rows > 0) {
      auto files = WriteFiles(kept);
      plan.adds.insert(plan.adds.end(), files.begin(), files.end());
    }
  }
}

DeltaCommitPlan DeltaTableWriter::Finish() {
  if (finished_) throw SinkError(fmt::format("table '{}': committed twice", spec_.table));
  finished_ = true;
  DeltaCommitPlan plan;
  const auto& snapshot = table_.snapshot();
  plan.read_version = snapshot ? snapshot->version : -1;
  bool rewrites =
      exists_ && (spec_.delete_window || spec_.mode == WriteMode::kMerge || rewrite_all_);
  std::vector<std::pair<std::string, std::string>> key_bounds;
  if (spec_.mode == WriteMode::kMerge) {
    PrepareMerge(key_bounds);
  } else {
    if (!copy_) StartCopy();  // also for no rows at all, as the table's first version
    FinishCopy();
  }
  if (rewrites) RewriteExisting(plan, key_bounds);
  plan.adds.insert(plan.adds.end(), adds_.begin(), adds_.end());
  adds_ = plan.adds;  // every file written, for Discard()
  plan.replace = spec_.mode == WriteMode::kReplace && snapshot.has_value();
  plan.rewrites = !plan.removes.empty();
  plan.metadata = metadata_;
  plan.protocol = protocol_;
  std::string partitions = json(partition_by_).dump();
  if (spec_.mode == WriteMode::kMerge) {
    plan.operation = "MERGE";
    plan.operation_parameters = {{"predicate", json(spec_.key).dump()}};
  } else {
    plan.operation_parameters = {
        {"mode", spec_.mode == WriteMode::kReplace ? "Overwrite" : "Append"},
        {"partitionBy", partitions}};
  }
  if (snapshot && (plan.replace || !plan.removes.empty()) &&
      snapshot->Property("delta.appendOnly", "false") == "true") {
    throw SinkError(fmt::format(
        "delta table '{}' has delta.appendOnly=true, so tributary may not replace, merge or "
        "delete rows in it; load it with mode append or remove the property",
        spec_.table));
  }
  return plan;
}

void DeltaTableWriter::Discard() {
  AbortCopy();
  DeleteDeltaDataFiles(sink_.storage(), table_.key(), adds_);
  adds_.clear();
}

}  // namespace tributary
