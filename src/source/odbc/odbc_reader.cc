#include "source/odbc/odbc_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.h"
#include "source/odbc/odbc_values.h"

namespace tributary {
namespace {

constexpr size_t kLongChunkBytes = 64 * 1024;

bool HasState(const std::vector<OdbcDiagnostic>& records, std::string_view state) {
  return std::any_of(records.begin(), records.end(),
                     [&](const OdbcDiagnostic& r) { return r.state == state; });
}

}  // namespace

OdbcReader::OdbcReader(std::shared_ptr<OdbcConnection> conn, OdbcHandle stmt)
    : conn_(std::move(conn)), stmt_(std::move(stmt)), chunk_(kLongChunkBytes) {
  Describe();
  Bind();
}

OdbcReader::~OdbcReader() {
  // Stops the server from streaming rows nobody will read (also after an
  // error, which may leave results pending).
  if (!finished_) SQLCancel(stmt_.get());
}

std::string OdbcReader::ColumnText(SQLUSMALLINT number, SQLUSMALLINT field) {
  SQLWCHAR buffer[256] = {};
  SQLSMALLINT bytes = 0;
  if (!OdbcOk(
          SQLColAttributeW(stmt_.get(), number, field, buffer, sizeof(buffer), &bytes, nullptr))) {
    return "";
  }
  return FromWide(buffer, std::min<size_t>(static_cast<size_t>(bytes) / sizeof(SQLWCHAR), 255));
}

OdbcColumnInfo OdbcReader::DescribeColumn(SQLUSMALLINT number) {
  SQLWCHAR name[512] = {};
  SQLSMALLINT name_length = 0;
  SQLSMALLINT nullable = SQL_NULLABLE_UNKNOWN;
  OdbcColumnInfo info;
  SQLRETURN rc = SQLDescribeColW(stmt_.get(), number, name, 512, &name_length, &info.sql_type,
                                 &info.column_size, &info.decimal_digits, &nullable);
  if (!OdbcOk(rc)) conn_->Fail(fmt::format("cannot describe result column {}", number), stmt_);
  info.name = FromWide(name, std::min<size_t>(static_cast<size_t>(name_length), 511));
  info.nullable = nullable != SQL_NO_NULLS;
  SQLLEN is_unsigned = SQL_FALSE;
  SQLColAttributeW(stmt_.get(), number, SQL_DESC_UNSIGNED, nullptr, 0, nullptr, &is_unsigned);
  info.is_unsigned = is_unsigned == SQL_TRUE;
  info.type_name = ColumnText(number, SQL_DESC_TYPE_NAME);
  info.base_table = ColumnText(number, SQL_DESC_BASE_TABLE_NAME);
  return info;
}

void OdbcReader::Describe() {
  SQLSMALLINT count = 0;
  if (!OdbcOk(SQLNumResultCols(stmt_.get(), &count))) conn_->Fail("query failed", stmt_);
  auto schema = std::make_shared<Schema>();
  std::set<std::string> names;
  for (SQLUSMALLINT i = 1; i <= static_cast<SQLUSMALLINT>(count); ++i) {
    OdbcColumnInfo info = DescribeColumn(i);
    std::string table =
        info.base_table.empty() ? "query result" : fmt::format("table '{}'", info.base_table);
    if (info.name.empty() || !names.insert(info.name).second) {
      throw SourceError(fmt::format(
          "{}: result column {} {}; give every column of the query a distinct name (an alias)",
          conn_->where(), i,
          info.name.empty() ? "has no name" : fmt::format("repeats the name '{}'", info.name)));
    }
    auto plan = PlanOdbcColumn(info);
    if (!plan) {
      throw SourceError(fmt::format(
          "{}: {} column '{}' has type {} ({}), which tributary cannot load exactly; cast it in "
          "a query (strategy `query`), e.g. to nvarchar(max) or varbinary(max)",
          conn_->where(), table, info.name, info.type_name.empty() ? "unknown" : info.type_name,
          OdbcSqlTypeName(info.sql_type)));
    }
    schema->fields.push_back(plan->field);
    plans_.push_back(std::move(*plan));
    tables_.push_back(std::move(table));
  }
  schema_ = std::move(schema);
}

void OdbcReader::Bind() {
  first_long_ = plans_.size();
  for (size_t i = 0; i < plans_.size(); ++i) {
    if (plans_[i].long_data) {
      first_long_ = i;
      break;
    }
  }
  ChooseBlockRows();
  buffers_.resize(plans_.size());
  for (size_t i = 0; i < plans_.size(); ++i) {
    auto& buffer = buffers_[i];
    buffer.data.resize(static_cast<size_t>(plans_[i].buffer_bytes) * block_rows_);
    buffer.lengths.resize(block_rows_);
    if (i >= first_long_) continue;
    SQLRETURN rc = SQLBindCol(stmt_.get(), static_cast<SQLUSMALLINT>(i + 1), plans_[i].c_type,
                              buffer.data.data(), plans_[i].buffer_bytes, buffer.lengths.data());
    if (!OdbcOk(rc)) {
      conn_->Fail(fmt::format("cannot bind column '{}'", plans_[i].field.name), stmt_);
    }
  }
}

void OdbcReader::ChooseBlockRows() {
  size_t row_bytes = 0;
  for (const auto& plan : plans_)
    row_bytes += static_cast<size_t>(plan.buffer_bytes) + sizeof(SQLLEN);
  block_rows_ = first_long_ < plans_.size()
                    ? 1
                    : std::clamp<size_t>(kTargetFetchBytes / std::max<size_t>(row_bytes, 1), 1,
                                         kMaxRowsPerFetch);
  SQLSetStmtAttr(stmt_.get(), SQL_ATTR_ROW_ARRAY_SIZE,
                 reinterpret_cast<SQLPOINTER>(static_cast<uintptr_t>(block_rows_)), 0);
  // A driver may grant fewer rows per fetch than asked.
  SQLULEN granted = 1;
  SQLGetStmtAttr(stmt_.get(), SQL_ATTR_ROW_ARRAY_SIZE, &granted, 0, nullptr);
  block_rows_ = std::max<size_t>(1, std::min<size_t>(granted, block_rows_));
  SQLSetStmtAttr(stmt_.get(), SQL_ATTR_ROWS_FETCHED_PTR, &rows_fetched_, 0);
}

bool OdbcReader::FetchBlock() {
  if (done_) return false;
  rows_fetched_ = 0;
  SQLRETURN rc = SQLFetchScroll(stmt_.get(), SQL_FETCH_NEXT, 0);
  if (rc == SQL_NO_DATA) {
    FinishResults();
    return false;
  }
  if (!OdbcOk(rc)) conn_->Fail("reading the result failed", stmt_);
  if (rc == SQL_SUCCESS_WITH_INFO &&
      HasState(ReadDiagnostics(SQL_HANDLE_STMT, stmt_.get()), "01004")) {
    throw SourceError(fmt::format(
        "{}: the driver returned a value longer than its column's declared size (row {}); "
        "cast the column to a (max) type in a query",
        conn_->where(), rows_returned_ + 1));
  }
  cursor_ = 0;
  return rows_fetched_ > 0;
}

void OdbcReader::FinishResults() {
  done_ = true;
  SQLRETURN rc;
  while ((rc = SQLMoreResults(stmt_.get())) == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO) {
    SQLSMALLINT columns = 0;
    SQLNumResultCols(stmt_.get(), &columns);
    if (columns > 0) {
      throw SourceError(fmt::format(
          "{}: the query returns more than one result set; send one SELECT", conn_->where()));
    }
  }
  if (rc == SQL_ERROR) conn_->Fail("the query failed after its last row", stmt_);
  finished_ = true;
}

bool OdbcReader::Next(Batch& batch, const BatchLimits& limits) {
  bool appended = false;
  while (!limits.Full(batch)) {
    if (cursor_ >= rows_fetched_ && !FetchBlock()) break;
    AppendRow(batch, cursor_++);
    appended = true;
  }
  return appended;
}

void OdbcReader::AppendRow(Batch& batch, size_t row) {
  ++rows_returned_;
  for (size_t i = 0; i < plans_.size(); ++i) {
    if (i < first_long_) {
      AppendBound(batch.column(i), i, row);
    } else {
      AppendLong(batch.column(i), i);
    }
  }
}

void OdbcReader::AppendBound(Column& column, size_t index, size_t row) {
  const auto& plan = plans_[index];
  SQLLEN length = buffers_[index].lengths[row];
  if (length == SQL_NULL_DATA) {
    column.AppendNull();
    return;
  }
  bool text = plan.c_type == SQL_C_WCHAR || plan.c_type == SQL_C_CHAR;
  SQLLEN room = plan.buffer_bytes - (plan.c_type == SQL_C_WCHAR ? 2 : (text ? 1 : 0));
  if (length == SQL_NO_TOTAL || length > room) {
    ThrowValue(index,
               fmt::format("the value is longer than the column's declared size ({} bytes)", room));
  }
  const char* data = buffers_[index].data.data() + row * static_cast<size_t>(plan.buffer_bytes);
  Decode(column, index, data, static_cast<size_t>(length));
}

void OdbcReader::AppendLong(Column& column, size_t index) {
  const auto& plan = plans_[index];
  auto number = static_cast<SQLUSMALLINT>(index + 1);
  bool pieces = plan.fetch == OdbcFetch::kWideText || plan.fetch == OdbcFetch::kBinary;
  char* target = pieces ? chunk_.data() : buffers_[index].data.data();
  SQLLEN capacity = pieces ? static_cast<SQLLEN>(chunk_.size()) : plan.buffer_bytes;
  SQLLEN room = capacity - (plan.c_type == SQL_C_WCHAR ? 2 : (plan.c_type == SQL_C_CHAR ? 1 : 0));
  long_value_.clear();
  while (true) {
    SQLLEN length = 0;
    SQLRETURN rc = SQLGetData(stmt_.get(), number, plan.c_type, target, capacity, &length);
    if (rc == SQL_NO_DATA) break;
    if (!OdbcOk(rc)) conn_->Fail(fmt::format("reading column '{}' failed", plan.field.name), stmt_);
    if (length == SQL_NULL_DATA) {
      column.AppendNull();
      return;
    }
    bool truncated = length == SQL_NO_TOTAL || length > room;
    long_value_.append(target, static_cast<size_t>(truncated ? room : length));
    if (!truncated || !pieces) break;
  }
  Decode(column, index, long_value_.data(), long_value_.size());
}

void OdbcReader::Decode(Column& column, size_t index, const char* data, size_t length) {
  if (!AppendOdbcValue(plans_[index], data, length, column, scratch_)) {
    ThrowValue(index, fmt::format("the driver returned {}, which is not a valid {}",
                                  ShowOdbcValue(plans_[index], data, length),
                                  TypeName(plans_[index].field.type)));
  }
}

void OdbcReader::ThrowValue(size_t index, const std::string& why) const {
  throw SourceError(fmt::format("{}: {} column '{}' row {}: {}", conn_->where(), tables_[index],
                                plans_[index].field.name, rows_returned_, why));
}

}  // namespace tributary
