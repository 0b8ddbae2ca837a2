// A Reader over one binary COPY on a connection shared with its Source.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "source/postgres/pg_copy_stream.h"
#include "source/source.h"

namespace tributary {

// Not thread-safe. Keeps the connection alive while it exists; destroying it
// before the end abandons the COPY so the connection can be used again.
class PgCopyReader final : public Reader {
 public:
  // Starts `copy_sql` at once, so a failing query throws here.
  PgCopyReader(std::shared_ptr<PgConnection> conn, std::shared_ptr<const Schema> schema,
               const std::vector<std::shared_ptr<const PgValueType>>& types,
               const std::string& copy_sql, std::string what);

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }
  bool Next(Batch& batch, const BatchLimits& limits) override;

 private:
  std::shared_ptr<PgConnection> conn_;
  std::shared_ptr<const Schema> schema_;
  PgCopyStream stream_;
  bool done_ = false;
};

}  // namespace tributary
