#include "source/postgres/pg_copy_reader.h"

namespace tributary {

PgCopyReader::PgCopyReader(std::shared_ptr<PgConnection> conn, std::shared_ptr<const Schema> schema,
                           const std::vector<std::shared_ptr<const PgValueType>>& types,
                           const std::string& copy_sql, std::string what)
    : conn_(std::move(conn)), schema_(schema), stream_(*conn_, schema, types, std::move(what)) {
  stream_.Start(copy_sql);
}

bool PgCopyReader::Next(Batch& batch, const BatchLimits& limits) {
  if (done_) return false;
  size_t before = batch.num_rows();
  done_ = stream_.Fill(batch, limits);
  return batch.num_rows() > before;
}

}  // namespace tributary
