#include "source/source.h"

#include <fmt/format.h>

#include <cctype>

#include "common/error.h"

namespace tributary {
namespace {

// `sql` without trailing blanks and semicolons, so it can be wrapped.
std::string StatementBody(const std::string& sql) {
  size_t end = sql.size();
  while (end > 0 && (sql[end - 1] == ';' || std::isspace(static_cast<unsigned char>(sql[end - 1]))))
    --end;
  return sql.substr(0, end);
}

}  // namespace

std::string Dialect::QualifiedName(const TableRef& ref) const {
  if (ref.schema.empty()) return QuoteIdentifier(ref.table);
  return QuoteIdentifier(ref.schema) + "." + QuoteIdentifier(ref.table);
}

std::string Dialect::SelectColumns(const TableRef& ref, const Schema& columns) const {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.fields.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += QuoteIdentifier(columns.fields[i].name);
  }
  return sql + " FROM " + QualifiedName(ref);
}

std::string Dialect::Literal(const DataType& type, std::string_view value) const {
  switch (type.id) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal:
      return std::string(value);
    default:
      break;
  }
  std::string quoted = "'";
  for (char c : value) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

std::string Dialect::RangePredicate(std::string_view column, const DataType& type,
                                    const std::string& from, const std::string& to) const {
  std::string quoted = QuoteIdentifier(column);
  std::string where;
  if (!from.empty()) where = quoted + " >= " + Literal(type, from);
  if (!to.empty()) where += (where.empty() ? "" : " AND ") + quoted + " < " + Literal(type, to);
  return where;
}

std::unique_ptr<Reader> Source::Read(const ReadRequest& request) {
  std::string sql = request.tag + dialect().SelectColumns(request.table, request.columns);
  if (!request.where.empty()) sql += " WHERE " + request.where;
  return Query(sql);
}

Schema Source::DescribeQuery(const std::string& sql) {
  // The newline ends a trailing `-- comment` before the closing parenthesis.
  auto reader = Query("SELECT * FROM (" + StatementBody(sql) + "\n) AS q WHERE 1=0");
  Batch batch(reader->schema());
  while (reader->Next(batch, BatchLimits{})) {
  }
  return *reader->schema();
}

void Source::ProbeRead(const TableRef& ref, const Schema& columns) {
  auto reader = Query(dialect().SelectColumns(ref, columns) + " WHERE 1=0");
  Batch batch(reader->schema());
  while (reader->Next(batch, BatchLimits{})) {
  }
}

std::vector<SourceFinding> Source::CheckChangeCapture(const Project& project,
                                                      const std::vector<Task>& tasks) {
  (void)project;
  std::vector<SourceFinding> findings;
  for (const Task& task : tasks) {
    findings.push_back(SourceFinding{
        task.source_schema.empty() ? task.source_table
                                   : task.source_schema + "." + task.source_table,
        "cdc", CheckStatus::kFail,
        fmt::format("{} has no change capture in tributary; load the table with another strategy",
                    Describe())});
  }
  return findings;
}

}  // namespace tributary
