// T-SQL spelling: [bracketed] identifiers, N'unicode' string literals and
// 0x binary literals. Used for every statement tributary generates, so a
// name or value can never change the statement's meaning.
#pragma once

#include <string>
#include <string_view>

#include "data/types.h"
#include "source/source.h"

namespace tributary {

class SqlServerDialect final : public Dialect {
 public:
  // [name] with every `]` doubled.
  std::string QuoteIdentifier(std::string_view name) const override;
  // T-SQL literals from canonical value text (source/value_text.h): numbers
  // bare, booleans as CAST(1 AS bit), text as N'…', bytes as 0x…, and
  // temporal values and uuids as CAST(N'…' AS <type>) so the comparison
  // never depends on the session's DATEFORMAT or language.
  std::string Literal(const DataType& type, std::string_view value) const override;
};

// N'text' with every `'` doubled.
std::string SqlServerString(std::string_view text);
// 0x0A1B… (uppercase hex); 0x for no bytes.
std::string SqlServerBinary(std::string_view bytes);

}  // namespace tributary
