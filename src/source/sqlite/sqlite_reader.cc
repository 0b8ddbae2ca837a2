#include "source/sqlite/sqlite_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.h"
#include "source/sqlite/sqlite_types.h"

namespace tributary {
namespace {

// Storage classes ordered so that the widest one seen decides the type.
int Rank(int storage_class) {
  switch (storage_class) {
    case SQLITE_INTEGER:
      return 1;
    case SQLITE_FLOAT:
      return 2;
    case SQLITE_TEXT:
      return 3;
    case SQLITE_BLOB:
      return 4;
    default:
      return 0;
  }
}

TypeId RankType(int rank) {
  constexpr TypeId kTypes[] = {TypeId::kText, TypeId::kInt64, TypeId::kFloat64, TypeId::kText,
                               TypeId::kBytes};
  return kTypes[rank];
}

}  // namespace

SqliteReader::SqliteReader(SqliteStmt stmt, std::string where)
    : stmt_(std::move(stmt)), where_(std::move(where)) {
  BuildSchema();
}

void SqliteReader::BuildSchema() {
  auto schema = std::make_shared<Schema>();
  std::vector<size_t> untyped;
  std::set<std::string> names;
  int count = sqlite3_column_count(stmt_.get());
  for (int i = 0; i < count; ++i) {
    std::string name = sqlite3_column_name(stmt_.get(), i);
    if (!names.insert(name).second) {
      throw SourceError(
          fmt::format("{}: the query returns two columns named '{}'; give one of them "
                      "an alias",
                      where_, name));
    }
    const char* declared = sqlite3_column_decltype(stmt_.get(), i);
    bool from_table = sqlite3_column_origin_name(stmt_.get(), i) != nullptr;
    if (declared == nullptr && !from_table) untyped.push_back(schema->fields.size());
    schema->fields.push_back(Field{name, SqliteDeclaredType(declared ? declared : "")});
  }
  if (!untyped.empty()) {
    ReadAhead();
    for (size_t col : untyped) {
      int rank = 0;
      for (const auto& row : buffered_)
        rank = std::max(rank, Rank(sqlite3_value_type(row[col].get())));
      schema->fields[col].type = DataType{RankType(rank)};
    }
  }
  schema_ = std::move(schema);
}

void SqliteReader::ReadAhead() {
  int count = sqlite3_column_count(stmt_.get());
  while (buffered_.size() < kLookaheadRows && Step()) {
    std::vector<SqliteValue> row;
    for (int i = 0; i < count; ++i) {
      row.emplace_back(sqlite3_value_dup(sqlite3_column_value(stmt_.get(), i)));
      if (!row.back()) throw SourceError(fmt::format("{}: out of memory reading ahead", where_));
    }
    buffered_.push_back(std::move(row));
  }
}

bool SqliteReader::Step() {
  if (done_) return false;
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  done_ = true;
  if (rc == SQLITE_DONE) return false;
  std::string message =
      fmt::format("{}: query failed: {}", where_, sqlite3_errmsg(sqlite3_db_handle(stmt_.get())));
  if (IsTransientSqliteCode(rc)) throw TransientSourceError(message);
  throw SourceError(message);
}

bool SqliteReader::Next(Batch& batch, const BatchLimits& limits) {
  size_t columns = schema_->fields.size();
  bool appended = false;
  while (!limits.Full(batch)) {
    row_.clear();
    if (!buffered_.empty()) {
      for (auto& value : buffered_.front()) row_.push_back(value.get());
      AppendRow(batch, row_);
      buffered_.pop_front();
    } else if (Step()) {
      for (size_t i = 0; i < columns; ++i) {
        row_.push_back(sqlite3_column_value(stmt_.get(), static_cast<int>(i)));
      }
      AppendRow(batch, row_);
    } else {
      break;
    }
    appended = true;
  }
  return appended;
}

void SqliteReader::AppendRow(Batch& batch, const std::vector<sqlite3_value*>& row) {
  ++rows_returned_;
  for (size_t i = 0; i < row.size(); ++i) {
    if (!AppendSqliteValue(row[i], batch.column(i))) ThrowConversion(i, row[i]);
  }
}

void SqliteReader::ThrowConversion(size_t column, sqlite3_value* value) const {
  const char* table = sqlite3_column_table_name(stmt_.get(), static_cast<int>(column));
  throw SourceError(fmt::format(
      "{}: {} column '{}' row {}: {} cannot be converted to {}; fix the value at the source or "
      "cast the column in a query",
      where_, table != nullptr ? fmt::format("table '{}'", table) : std::string("query result"),
      schema_->fields[column].name, rows_returned_, DescribeSqliteValue(value),
      TypeName(schema_->fields[column].type)));
}

}  // namespace tributary
