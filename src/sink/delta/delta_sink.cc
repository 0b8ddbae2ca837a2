#include "sink/delta/delta_sink.h"

#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "clients/duckdb/duckdb_row_stream.h"
#include "clients/duckdb/duckdb_sql.h"
#include "common/error.h"
#include "common/files.h"
#include "data/value_text.h"
#include "sink/delta/delta_files.h"
#include "sink/delta/delta_journal.h"
#include "sink/delta/delta_prune.h"
#include "sink/delta/delta_transaction.h"
#include "sink/delta/delta_types.h"
#include "sink/delta/delta_vacuum.h"
#include "sink/duckdb/duckdb_latest.h"
#include "sink/sink_identity.h"
#include "store/local_store.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

DuckDatabase OpenEngine(const DeltaSinkOptions& options, const fs::path& spill) {
  DuckConfig config;
  if (duckdb_create_config(config.out()) == DuckDBError) throw SinkError("duckdb: out of memory");
  duckdb_set_config(config.get(), "autoinstall_known_extensions", "false");
  duckdb_set_config(config.get(), "autoload_known_extensions", "false");
  duckdb_set_config(config.get(), "memory_limit", options.memory_limit.c_str());
  duckdb_set_config(config.get(), "temp_directory", spill.c_str());
  // DuckDB's default (a thread per core) unless told otherwise: merges and
  // rewrites of existing files run in parallel; a streamed COPY reads its rows
  // on one thread either way.
  if (options.threads > 0) SetDuckThreads(config.get(), options.threads, "delta");
  DuckDatabase database;
  char* error = nullptr;
  if (duckdb_open_ext(nullptr, database.out(), config.get(), &error) == DuckDBError) {
    std::string message = error != nullptr ? error : "unknown error";
    duckdb_free(error);
    throw SinkError("cannot start the engine that writes Delta files: " + message);
  }
  return database;
}

fs::path NewSpillDir() {
  return fs::temp_directory_path() / fmt::format("tributary-delta-{}-{}", ::getpid(), NewUuid());
}

}  // namespace

DeltaSink::DeltaSink(std::unique_ptr<ObjectStore> store, DeltaSinkOptions options,
                     const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      spill_dir_(NewSpillDir()),
      storage_(std::move(store), spill_dir_ / "files") {
  if (auto records = storage_.store().LocalPath("_tributary")) {
    std::error_code ec;
    fs::create_directories(*records, ec);
    if (ec) {
      throw SinkError(fmt::format("cannot create the delta sink directory '{}': {}",
                                  records->parent_path().string(), ec.message()));
    }
  }
  database_ = OpenEngine(options_, spill_dir_ / "engine");
  DuckConnection conn = Connect();
  RegisterDuckRowStreams(conn.get());
}

DeltaSink::DeltaSink(const fs::path& root, DeltaSinkOptions options, const Clock& clock)
    : DeltaSink(OpenLocalStore(root), std::move(options), clock) {}

DeltaSink::~DeltaSink() {
  database_.reset();
  std::error_code ec;
  fs::remove_all(spill_dir_, ec);
}

int64_t DeltaSink::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

DuckConnection DeltaSink::Connect() const {
  DuckConnection conn;
  if (duckdb_connect(database_.get(), conn.out()) == DuckDBError) {
    throw SinkError("cannot connect to the engine that writes Delta files");
  }
  DuckExec(conn.get(), "SET TimeZone = 'UTC'", "cannot set the session time zone to UTC");
  return conn;
}

std::string DeltaSink::TableKey(const std::string& table) const {
  if (table.empty() || table == "." || table == ".." || table == "_tributary" ||
      table.find('/') != std::string::npos || table.find('\0') != std::string::npos) {
    throw SinkError(fmt::format(
        "'{}' cannot name a Delta table directory; give the table another sink_table", table));
  }
  return table;
}

fs::path DeltaSink::LockPath(const std::string& kind, const std::string& name) const {
  return storage_.LockPath(kind, name);
}

std::unique_ptr<LoadTransaction> DeltaSink::Begin(const std::string& task_id) {
  return std::make_unique<DeltaLoadTransaction>(*this, task_id);
}

std::optional<std::string> DeltaSink::ReadState(const std::string& task_id) {
  if (auto lock = FileLock::TryAcquire(LockPath("task", task_id))) {
    DuckConnection conn = Connect();
    auto record = CompleteTaskRecord(*this, conn.get(), task_id);
    return record ? record->state : std::nullopt;
  }
  // A load of the task runs right now (another process): its commit is not
  // settled, so the state before it is the committed one.
  auto record = ReadTaskRecord(store(), task_id);
  if (!record) return std::nullopt;
  return record->complete ? record->state : record->previous_state;
}

std::optional<Schema> DeltaSink::DescribeTable(const std::string& table) {
  DuckConnection conn = Connect();
  auto snapshot = ReadDeltaSnapshot(storage_, TableKey(table), conn.get());
  if (!snapshot) return std::nullopt;
  return ParseDeltaSchemaString(table, snapshot->metadata.value("schemaString", ""));
}

std::optional<int64_t> DeltaSink::TableRows(const std::string& table) {
  DuckConnection conn = Connect();
  auto snapshot = ReadDeltaSnapshot(storage_, TableKey(table), conn.get());
  if (!snapshot) return std::nullopt;
  int64_t rows = 0;
  for (const auto& [path, add] : snapshot->files) {
    auto n = BoundsOf(add, "", false).num_records;
    if (!n) return std::nullopt;
    rows += *n;
  }
  return rows;
}

// Reads the live files' values (the log's stats are cut to milliseconds).
std::optional<std::string> DeltaSink::ColumnMax(const std::string& table,
                                                const std::string& column) {
  DuckConnection conn = Connect();
  auto snapshot = ReadDeltaSnapshot(storage_, TableKey(table), conn.get());
  if (!snapshot || snapshot->files.empty()) return std::nullopt;
  Schema schema = ParseDeltaSchemaString(table, snapshot->metadata.value("schemaString", ""));
  int at = schema.IndexOf(column);
  if (at < 0) return std::nullopt;
  std::string files;
  for (const auto& [path, add] : snapshot->files) {
    files +=
        (files.empty() ? "" : ", ") +
        DuckString(storage_.Readable(DeltaKey(TableKey(table), DecodeDeltaPath(path))).string());
  }
  DuckResult result =
      DuckExec(conn.get(),
               fmt::format("SELECT max({})::VARCHAR FROM read_parquet([{}], union_by_name = true)",
                           DuckQuote(column), files),
               fmt::format("cannot read the largest '{}' of Delta table '{}'", column, table));
  auto text = ResultText(result, 0, 0);
  if (!text) return std::nullopt;
  Column value(schema.fields[static_cast<size_t>(at)].type);
  AppendValueText(value, *text);
  return ValueText(value, 0);
}

// Reads the live files, as ColumnMax does.
LatestRows DeltaSink::Latest(const LatestRequest& request) {
  DuckConnection conn = Connect();
  auto snapshot = ReadDeltaSnapshot(storage_, TableKey(request.table), conn.get());
  if (!snapshot || snapshot->files.empty()) return {};
  std::string files;
  for (const auto& [path, add] : snapshot->files) {
    files +=
        (files.empty() ? "" : ", ") +
        DuckString(
            storage_.Readable(DeltaKey(TableKey(request.table), DecodeDeltaPath(path))).string());
  }
  return DuckLatest(conn.get(), "read_parquet([" + files + "], union_by_name = true)", request,
                    fmt::format("Delta table '{}' of {}", request.table, Describe()));
}

void DeltaSink::CheckNoPendingLoad(const std::string& table, const std::string& doing) {
  for (const ObjectInfo& object : store().List(kTaskRecordPrefix)) {
    auto content = store().Get(object.key);
    auto record = content ? nlohmann::json::parse(*content, nullptr, false) : nlohmann::json();
    if (record.is_object() && !record.value("complete", true) && record.contains("plans") &&
        record["plans"].contains(table)) {
      throw SinkError(fmt::format(
          "table '{}' has an interrupted load of task '{}' pending; run that task first, then {}",
          table, record.value("task", ""), doing));
    }
  }
}

std::set<std::string> DeltaSink::PendingFiles(const std::string& table) {
  std::set<std::string> keys;
  for (const ObjectInfo& object : store().List(kTaskRecordPrefix)) {
    auto content = store().Get(object.key);
    auto record = content ? nlohmann::json::parse(*content, nullptr, false) : nlohmann::json();
    if (!record.is_object() || record.value("complete", true) || !record.contains("plans") ||
        !record["plans"].contains(table)) {
      continue;
    }
    for (const auto& add : record["plans"][table].value("adds", nlohmann::json::array())) {
      keys.insert(DeltaKey(TableKey(table), DecodeDeltaPath(add.value("path", ""))));
    }
  }
  return keys;
}

std::optional<CompactResult> DeltaSink::Compact(const std::string& table,
                                                int64_t target_file_bytes) {
  auto lock = FileLock::TryAcquire(LockPath("table", table));
  if (!lock) {
    throw SinkError(fmt::format("table '{}' is being loaded; compact it later", table));
  }
  CheckNoPendingLoad(table, "compact");
  DuckConnection conn = Connect();
  DeltaTable delta(storage_, TableKey(table), table, conn.get());
  if (!delta.Refresh()) return std::nullopt;
  storage_.RemoveStaging(delta.key());
  return CompactDeltaTable(delta, conn.get(),
                           target_file_bytes > 0 ? target_file_bytes : options_.target_file_bytes,
                           NowMs());
}

std::optional<VacuumResult> DeltaSink::Vacuum(const std::string& table,
                                              const VacuumOptions& options) {
  auto lock = FileLock::TryAcquire(LockPath("table", table));
  if (!lock) throw SinkError(fmt::format("table '{}' is being loaded; vacuum it later", table));
  DuckConnection conn = Connect();
  DeltaTable delta(storage_, TableKey(table), table, conn.get());
  if (!delta.Refresh()) return std::nullopt;
  if (!options.dry_run) storage_.RemoveStaging(delta.key());
  return VacuumDeltaTable(delta, options, PendingFiles(table), NowMs());
}

std::vector<std::string> DeltaSink::ListTables() {
  std::set<std::string> tables;
  for (const ObjectInfo& object : store().List("")) {
    size_t at = object.key.find("/_delta_log/");
    if (at == std::string::npos || at == 0) continue;
    std::string table = object.key.substr(0, at);
    if (table.rfind("_tributary", 0) == 0 || table.find('/') != std::string::npos) continue;
    tables.insert(table);
  }
  return {tables.begin(), tables.end()};
}

std::string DeltaSink::Describe() const { return fmt::format("delta sink '{}'", storage_.Url()); }

// `_tributary/sink.json`, written if absent: the first writer wins on every
// store, and every later reader sees its id.
std::string DeltaSink::Identity() {
  std::lock_guard lock(identity_mutex_);
  if (!identity_.empty()) return identity_;
  const std::string key = "_tributary/sink.json";
  nlohmann::ordered_json fresh = {{"sink_id", NewSinkIdentity()}};
  store().PutIfAbsent(key, fresh.dump());
  auto stored = store().Get(key);
  std::string id;
  try {
    if (stored) id = nlohmann::json::parse(*stored).at("sink_id").get<std::string>();
  } catch (const std::exception&) {
    id.clear();
  }
  if (id.empty()) {
    throw SinkError(fmt::format(
        "{}: {} is unreadable; it holds the sink's identity (docs/state.md)", Describe(), key));
  }
  identity_ = id;
  return identity_;
}

}  // namespace tributary
