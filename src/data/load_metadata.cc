#include "data/load_metadata.h"

namespace tributary {

// Nullable: a table loaded before these columns existed gets them by schema
// evolution, NULL on its older rows.
Field IngestedAtField() { return Field{kIngestedAtColumn, DataType{TypeId::kTimestampTz}, true}; }

Field RunIdField() { return Field{kRunIdColumn, DataType{TypeId::kText}, true}; }

bool IsLoadMetadataColumn(std::string_view name) {
  return name == kIngestedAtColumn || name == kRunIdColumn;
}

}  // namespace tributary
