// Writes one table of a Delta load transaction. kReplace/kAppend stream their
// rows into a `COPY … TO … (FORMAT parquet)` running on its own thread (see
// DuckRowStream), one COPY per about target_file_bytes of rows, so nothing is
// staged and Parquet is encoded while the source is read. kMerge stages its
// rows in a DuckDB temporary table (DuckDB spills them to disk past its memory
// limit) until Finish(), which dedupes them (last row per key wins) and
// rewrites only the live files that hold affected keys.
// Finish() returns the commit plan; nothing is visible until it is committed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clients/duckdb/duckdb_chunk.h"
#include "clients/duckdb/duckdb_handles.h"
#include "common/files.h"
#include "sink/delta/delta_files.h"
#include "sink/delta/delta_table.h"
#include "sink/sink.h"

namespace tributary {

class DeltaSink;

// Not thread-safe. REQUIRES: `sink` and `conn` outlive the writer.
class DeltaTableWriter final : public TableWriter {
 public:
  // Locks the table (against other writers, also in other processes), reads
  // its log and plans the schema. Throws SinkError (locked table, bad spec,
  // incompatible schema change, unsupported protocol).
  DeltaTableWriter(DeltaSink& sink, duckdb_connection conn, const LoadSpec& spec);
  ~DeltaTableWriter() override;

  void Write(const Batch& batch) override;
  // Writes the rest of the rows and plans the commit (txn and state are the
  // transaction's to add). Called once.
  DeltaCommitPlan Finish();
  // Deletes the data files written so far (the load is abandoned).
  void Discard();

  const std::string& table() const { return spec_.table; }
  DeltaTable& delta() { return table_; }
  // The schema changes this writer makes to its table (schema_evolution.h).
  const std::vector<SchemaChangeRecord>& schema_changes() const { return schema_changes_; }

 private:
  void CheckSpec() const;
  void PlanSchema();
  void PlanMetadata();
  void CreateStage();
  void OpenAppender();
  void CloseAppender();
  void StartCopy();
  void FinishCopy();
  void AbortCopy() noexcept;
  std::string StreamColumns() const;
  DeltaFileSpec FileSpec(bool data_change) const;
  std::vector<nlohmann::json> WriteFiles(const std::string& select_sql, bool data_change = true);
  std::string FileSelect(const nlohmann::json& add) const;
  std::string TargetColumns(const std::string& prefix = "") const;
  void RewriteExisting(DeltaCommitPlan& plan,
                       const std::vector<std::pair<std::string, std::string>>& key_bounds);
  std::string KeepCondition() const;
  bool MayBeAffected(const nlohmann::json& add,
                     const std::vector<std::pair<std::string, std::string>>& key_bounds) const;
  bool WholeFileInWindow(const nlohmann::json& add) const;
  void PrepareMerge(std::vector<std::pair<std::string, std::string>>& key_bounds);

  DeltaSink& sink_;
  duckdb_connection conn_;
  LoadSpec spec_;
  FileLock lock_;
  DeltaTable table_;
  Schema target_;  // the table's columns after this load (stored types)
  std::vector<std::string> partition_by_;
  bool exists_ = false;                     // the table existed (and is not being replaced)
  bool rewrite_all_ = false;                // a column widened: every existing file is rewritten
  std::optional<nlohmann::json> metadata_;  // new metaData, when it changes
  std::optional<nlohmann::json> protocol_;  // new protocol, when it changes
  Schema append_schema_;  // of the batches handed to DuckDB (time, interval as text)
  // kMerge: the DuckDB temporary table holding the staged rows.
  std::string stage_;
  DuckAppender appender_;
  std::unique_ptr<ChunkAppender> chunks_;
  // kReplace/kAppend: the COPY writing the current data file(s).
  struct Copy;
  std::unique_ptr<Copy> copy_;
  int64_t staged_bytes_ = 0;          // handed to the current COPY (or staged)
  size_t rows_streamed_ = 0;          // handed to COPYs so far, for error messages
  std::vector<nlohmann::json> adds_;  // files written so far
  std::vector<SchemaChangeRecord> schema_changes_;
  bool finished_ = false;
};

}  // namespace tributary
