#include "source/cdc_reader.h"

namespace tributary {

Schema HistorySchema(const Schema& columns) {
  Schema schema;
  schema.fields = {
      Field{kCdcOpColumn, DataType{TypeId::kText}, false},
      Field{kCdcLsnColumn, DataType{TypeId::kText}, false},
      Field{kCdcSeqColumn, DataType{TypeId::kInt64}, false},
      Field{kCdcCommitTimeColumn, DataType{TypeId::kTimestampTz}, true},
      Field{kCdcXidColumn, DataType{TypeId::kInt64}, true},
      Field{kCdcIngestedColumn, DataType{TypeId::kTimestampTz}, false},
  };
  for (const Field& f : columns.fields) {
    Field column = f;
    column.nullable = true;  // deletes and before images may carry only the key
    schema.fields.push_back(column);
  }
  return schema;
}

bool IsCdcMetadataColumn(std::string_view name) {
  for (const char* m : {kCdcOpColumn, kCdcLsnColumn, kCdcSeqColumn, kCdcCommitTimeColumn,
                        kCdcXidColumn, kCdcIngestedColumn, kRunIdColumn}) {
    if (name == m) return true;
  }
  return false;
}

}  // namespace tributary
