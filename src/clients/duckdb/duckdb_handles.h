// Move-only owners of DuckDB's C handles. Each destroys its handle exactly
// once; a moved-from owner holds nothing.
#pragma once

#include <duckdb.h>

#include <utility>

namespace tributary {

// Owns a DuckDB handle `T` (a pointer type) released by `Destroy(&handle)`.
template <class T, auto Destroy>
class DuckHandle {
 public:
  DuckHandle() = default;
  explicit DuckHandle(T handle) : handle_(handle) {}
  ~DuckHandle() { reset(); }
  DuckHandle(DuckHandle&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  DuckHandle& operator=(DuckHandle&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  DuckHandle(const DuckHandle&) = delete;
  DuckHandle& operator=(const DuckHandle&) = delete;

  T get() const { return handle_; }
  // For C functions that create a handle through an out-parameter; releases
  // what was held before. (Some of them set the handle even on failure.)
  T* out() {
    reset();
    return &handle_;
  }
  explicit operator bool() const { return handle_ != nullptr; }
  void reset() {
    if (handle_ != nullptr) Destroy(&handle_);
    handle_ = nullptr;
  }

 private:
  T handle_ = nullptr;
};

inline void DestroyAppender(duckdb_appender* appender) { duckdb_appender_destroy(appender); }

using DuckDatabase = DuckHandle<duckdb_database, duckdb_close>;
using DuckConnection = DuckHandle<duckdb_connection, duckdb_disconnect>;
using DuckConfig = DuckHandle<duckdb_config, duckdb_destroy_config>;
// Destroying an appender flushes it; callers that want to discard its rows
// roll the transaction back afterwards.
using DuckAppender = DuckHandle<duckdb_appender, DestroyAppender>;
using DuckDataChunk = DuckHandle<duckdb_data_chunk, duckdb_destroy_data_chunk>;
using DuckLogicalType = DuckHandle<duckdb_logical_type, duckdb_destroy_logical_type>;
using DuckPrepared = DuckHandle<duckdb_prepared_statement, duckdb_destroy_prepare>;

// Owns a materialized duckdb_result (a struct, not a pointer).
class DuckResult {
 public:
  DuckResult() = default;
  ~DuckResult() {
    if (filled_) duckdb_destroy_result(&result_);
  }
  DuckResult(DuckResult&& other) noexcept
      : result_(other.result_), filled_(std::exchange(other.filled_, false)) {}
  DuckResult& operator=(DuckResult&&) = delete;
  DuckResult(const DuckResult&) = delete;
  DuckResult& operator=(const DuckResult&) = delete;

  // For duckdb_query / duckdb_execute_prepared, which fill the result even
  // when they fail. REQUIRES: called at most once.
  duckdb_result* out() {
    filled_ = true;
    return &result_;
  }
  duckdb_result* get() { return &result_; }

 private:
  duckdb_result result_{};
  bool filled_ = false;
};

}  // namespace tributary
