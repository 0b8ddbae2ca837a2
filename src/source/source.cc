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

}  // namespace tributary
