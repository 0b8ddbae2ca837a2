#include "source/source.h"

namespace tributary {

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

}  // namespace tributary
