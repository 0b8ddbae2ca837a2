#include "clients/duckdb/duckdb_row_stream.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "clients/duckdb/duckdb_chunk.h"
#include "clients/duckdb/duckdb_types.h"
#include "common/error.h"

namespace tributary {
namespace {

constexpr const char* kFunctionName = "tributary_rows";

// The streams a statement can name, by id: the function's bind looks its
// stream up here, so a stale id is an error rather than a dangling pointer.
struct Registry {
  std::mutex mu;
  std::unordered_map<int64_t, DuckRowStream*> streams;
  int64_t next_id = 1;
};

Registry& Streams() {
  static Registry registry;
  return registry;
}

int64_t Register(DuckRowStream* stream) {
  Registry& r = Streams();
  std::lock_guard lock(r.mu);
  int64_t id = r.next_id++;
  r.streams.emplace(id, stream);
  return id;
}

void Bind(duckdb_bind_info info) {
  duckdb_value param = duckdb_bind_get_parameter(info, 0);
  int64_t id = duckdb_get_int64(param);
  duckdb_destroy_value(&param);
  DuckRowStream* stream = nullptr;
  {
    Registry& r = Streams();
    std::lock_guard lock(r.mu);
    if (auto it = r.streams.find(id); it != r.streams.end()) stream = it->second;
  }
  if (stream == nullptr) {
    duckdb_bind_set_error(info, fmt::format("no row stream {}", id).c_str());
    return;
  }
  for (const Field& f : stream->schema().fields) {
    DuckLogicalType type = DuckChunkType(f.type);
    duckdb_bind_add_result_column(info, f.name.c_str(), type.get());
  }
  duckdb_bind_set_bind_data(info, stream, nullptr);
}

// One reader: the batches come in order from one queue.
void Init(duckdb_init_info info) { duckdb_init_set_max_threads(info, 1); }

void Produce(duckdb_function_info info, duckdb_data_chunk out) {
  auto* stream = static_cast<DuckRowStream*>(duckdb_function_get_bind_data(info));
  try {
    duckdb_data_chunk_set_size(out, stream->Fill(out));
  } catch (const std::exception& e) {
    duckdb_function_set_error(info, e.what());
  }
}

}  // namespace

DuckRowStream::DuckRowStream(Schema schema, std::string table, size_t depth, size_t first_row)
    : id_(Register(this)),
      schema_(std::move(schema)),
      table_(std::move(table)),
      queue_(depth),
      rows_(first_row) {}

DuckRowStream::~DuckRowStream() {
  Registry& r = Streams();
  std::lock_guard lock(r.mu);
  r.streams.erase(id_);
}

std::string DuckRowStream::FromSql() const { return fmt::format("{}({})", kFunctionName, id_); }

bool DuckRowStream::Push(Batch batch) {
  if (aborted_) return false;
  return queue_.Push(std::move(batch));
}

void DuckRowStream::End() { queue_.Close(); }

void DuckRowStream::Abort() {
  aborted_ = true;
  queue_.Cancel();
}

// Fills `out` whole across batch boundaries (only the last chunk is partial),
// so DuckDB works on full vectors whatever the batch sizes.
size_t DuckRowStream::Fill(duckdb_data_chunk out) {
  const size_t capacity = duckdb_vector_size();
  size_t filled = 0;
  while (filled < capacity) {
    if (!current_ || offset_ == current_->num_rows()) {
      current_ = queue_.Pop();
      offset_ = 0;
      if (current_) continue;
      if (aborted_) throw SinkError(fmt::format("the rows of table '{}' were abandoned", table_));
      break;
    }
    size_t count = std::min(capacity - filled, current_->num_rows() - offset_);
    FillDuckChunk(*current_, offset_, count, out, filled, table_, rows_);
    offset_ += count;
    filled += count;
  }
  rows_ += filled;
  return filled;
}

void RegisterDuckRowStreams(duckdb_connection conn) {
  duckdb_table_function function = duckdb_create_table_function();
  duckdb_table_function_set_name(function, kFunctionName);
  DuckLogicalType id(duckdb_create_logical_type(DUCKDB_TYPE_BIGINT));
  duckdb_table_function_add_parameter(function, id.get());
  duckdb_table_function_set_bind(function, Bind);
  duckdb_table_function_set_init(function, Init);
  duckdb_table_function_set_function(function, Produce);
  duckdb_state state = duckdb_register_table_function(conn, function);
  duckdb_destroy_table_function(&function);
  if (state == DuckDBError) throw SinkError("cannot register the table function that streams rows");
}

}  // namespace tributary
