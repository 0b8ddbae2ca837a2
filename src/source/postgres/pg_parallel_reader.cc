#include "source/postgres/pg_parallel_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "common/bounded_queue.h"
#include "common/error.h"
#include "common/log.h"
#include "common/thread_name.h"
#include "source/postgres/pg_copy_stream.h"

namespace tributary {
namespace {

constexpr int kMinServerVersion = 140000;  // TID Range Scan

template <class T>
void AppendFixed(const Column& from, size_t row, Column& to) {
  to.Append<T>(from.Get<T>(row));
}

// Appends every row of `from` to `to` (same schema), for a caller that hands
// Next() a batch that already holds rows.
void AppendRows(const Batch& from, Batch& to) {
  for (size_t c = 0; c < from.num_columns(); ++c) {
    const Column& src = from.column(c);
    Column& dst = to.column(c);
    for (size_t row = 0; row < src.size(); ++row) {
      if (src.IsNull(row)) {
        dst.AppendNull();
        continue;
      }
      switch (FixedWidth(src.type().id)) {
        case 0:
          dst.AppendBytes(src.GetBytes(row));
          break;
        case 1:
          AppendFixed<uint8_t>(src, row, dst);
          break;
        case 2:
          AppendFixed<int16_t>(src, row, dst);
          break;
        case 4:
          AppendFixed<int32_t>(src, row, dst);
          break;
        case 8:
          AppendFixed<int64_t>(src, row, dst);
          break;
        default:
          AppendFixed<Uuid>(src, row, dst);  // any 16-byte value: decimal, interval, uuid
      }
    }
  }
}

// Reads ranges on several connections at once; see the header.
class PgParallelReader final : public Reader {
 public:
  PgParallelReader(std::vector<std::shared_ptr<PgConnection>> conns,
                   std::vector<std::string> statements, const PgParallelRead& read)
      : conns_(std::move(conns)),
        statements_(std::move(statements)),
        schema_(read.schema),
        types_(read.types),
        what_(read.what),
        tag_(read.request.tag),
        queue_(conns_.size()) {}

  ~PgParallelReader() override {
    queue_.Cancel();
    Join();
    EndTransaction();
  }

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  bool Next(Batch& batch, const BatchLimits& limits) override {
    if (finished_) return false;
    if (threads_.empty()) Start(limits);
    std::optional<Batch> item = queue_.Pop();
    if (!item) {
      Join();
      finished_ = true;
      if (error_) std::rethrow_exception(error_);
      EndTransaction();
      return false;
    }
    if (batch.num_rows() == 0) {
      batch = std::move(*item);
    } else {
      AppendRows(*item, batch);
    }
    return true;
  }

 private:
  // Each worker fills its own batch and the queue holds one per worker, so
  // the limits are shared out: a load holds about as many bytes with N
  // connections as with one (a batch stays at least 1 MB or 1024 rows).
  void Start(const BatchLimits& limits) {
    size_t n = conns_.size();
    limits_.max_bytes =
        std::max<size_t>(limits.max_bytes / n, std::min<size_t>(limits.max_bytes, 1 << 20));
    limits_.max_rows =
        std::max<size_t>(limits.max_rows / n, std::min<size_t>(limits.max_rows, 1024));
    active_ = conns_.size();
    for (size_t i = 0; i < conns_.size(); ++i)
      threads_.emplace_back([this, i] {
        NameThisThread(fmt::format("read-{}", i + 1));
        Work(i);
      });
  }

  void Join() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  // The first connection's transaction exported the snapshot; end it so the
  // source's connection is ready for more statements.
  void EndTransaction() noexcept {
    if (transaction_ended_) return;
    transaction_ended_ = true;
    try {
      if (PQstatus(conns_[0]->get()) == CONNECTION_OK) conns_[0]->Exec(tag_ + "ROLLBACK");
    } catch (const std::exception&) {
      // The connection is broken; the Source reports that on its next use.
    }
  }

  void Work(size_t index) {
    try {
      std::string what = fmt::format("{} (connection {} of {})", what_, index + 1, conns_.size());
      PgCopyStream stream(*conns_[index], schema_, types_, what);
      Batch batch(schema_);
      for (size_t r; (r = next_range_.fetch_add(1)) < statements_.size();) {
        stream.Start(statements_[r]);
        for (bool ended = false; !ended;) {
          ended = stream.Fill(batch, limits_);
          if (!limits_.Full(batch)) continue;
          if (!queue_.Push(std::move(batch))) return;  // the reader is closing or failed
          batch = Batch(schema_);
        }
      }
      if (batch.num_rows() > 0 && !queue_.Push(std::move(batch))) return;
    } catch (...) {
      std::lock_guard lock(mu_);
      if (!error_) error_ = std::current_exception();
      queue_.Cancel();
      return;
    }
    if (active_.fetch_sub(1) == 1) queue_.Close();
  }

  std::vector<std::shared_ptr<PgConnection>> conns_;  // [0] is the source's own
  std::vector<std::string> statements_;               // one COPY per page range
  std::shared_ptr<const Schema> schema_;
  std::vector<std::shared_ptr<const PgValueType>> types_;
  std::string what_;
  std::string tag_;
  BoundedQueue<Batch> queue_;
  BatchLimits limits_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_range_{0};
  std::atomic<size_t> active_{0};
  std::mutex mu_;
  std::exception_ptr error_;  // the first failure, guarded by mu_
  bool finished_ = false;
  bool transaction_ended_ = false;
};

std::string RangeCondition(const PgPageRange& range) {
  std::string sql = fmt::format("ctid >= '({},0)'::tid", range.first);
  if (range.end >= 0) sql += fmt::format(" AND ctid < '({},0)'::tid", range.end);
  return sql;
}

std::vector<std::string> RangeStatements(const PgParallelRead& read,
                                         const std::vector<PgPageRange>& ranges) {
  std::vector<std::string> statements;
  for (const auto& range : ranges) {
    std::string sql = read.request.tag + read.select + " WHERE " + RangeCondition(range);
    if (!read.request.where.empty()) sql += " AND (" + read.request.where + ")";
    statements.push_back(CopyStatement(sql));
  }
  return statements;
}

// Opens up to `count` more connections that import `snapshot`.
std::vector<std::shared_ptr<PgConnection>> ImportSnapshot(const PgConnection& first,
                                                          const std::string& tag,
                                                          const std::string& snapshot,
                                                          size_t count) {
  std::vector<std::shared_ptr<PgConnection>> conns;
  for (size_t i = 0; i < count; ++i) {
    std::shared_ptr<PgConnection> conn;
    try {
      conn = std::make_shared<PgConnection>(first.info());
    } catch (const SourceError& e) {
      Log(LogLevel::kWarn, "reading with fewer connections than asked",
          {{"source", first.describe()}, {"connections", conns.size() + 1}, {"error", e.what()}});
      break;
    }
    conn->Exec(tag + "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    conn->Exec(tag + "SET TRANSACTION SNAPSHOT '" + snapshot + "'");
    conns.push_back(std::move(conn));
  }
  return conns;
}

}  // namespace

std::vector<PgPageRange> SplitPages(int64_t pages, int connections,
                                    const PgParallelOptions& options) {
  int64_t count = std::min<int64_t>(pages / std::max<int64_t>(options.min_pages_per_range, 1),
                                    int64_t{connections} * options.ranges_per_connection);
  if (count < 2) return {};
  int64_t size = (pages + count - 1) / count;
  std::vector<PgPageRange> ranges;
  for (int64_t i = 0; i < count; ++i) {
    ranges.push_back(PgPageRange{i * size, i + 1 == count ? -1 : (i + 1) * size});
  }
  return ranges;
}

std::unique_ptr<Reader> OpenPgParallelReader(std::shared_ptr<PgConnection> conn,
                                             const PgParallelRead& read) {
  if (conn->server_version() < kMinServerVersion) return nullptr;
  const std::string& tag = read.request.tag;
  conn->Exec(tag + "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    PgResult info = conn->Exec(
        tag +
            "SELECT c.relkind, pg_catalog.pg_relation_size(c.oid) / "
            "pg_catalog.current_setting('block_size')::bigint, pg_catalog.pg_export_snapshot() "
            "FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass($1)",
        {read.qualified_table});
    char kind = PQntuples(info.get()) == 1 ? PQgetvalue(info.get(), 0, 0)[0] : '?';
    int64_t pages = kind == '?' ? 0 : std::stoll(PQgetvalue(info.get(), 0, 1));
    auto ranges = SplitPages(pages, read.request.parallelism, read.options);
    if ((kind != 'r' && kind != 'm') || ranges.empty()) {
      conn->Exec(tag + "ROLLBACK");
      return nullptr;
    }
    // Keeps the table from being rewritten (VACUUM FULL, ALTER) under the ranges.
    conn->Exec(tag + "LOCK TABLE " + read.qualified_table + " IN ACCESS SHARE MODE");
    size_t extra = std::min<size_t>(static_cast<size_t>(read.request.parallelism), ranges.size());
    auto conns = ImportSnapshot(*conn, tag, PQgetvalue(info.get(), 0, 2), extra - 1);
    conns.insert(conns.begin(), conn);
    return std::make_unique<PgParallelReader>(std::move(conns), RangeStatements(read, ranges),
                                              read);
  } catch (...) {
    try {
      if (PQstatus(conn->get()) == CONNECTION_OK) conn->Exec(tag + "ROLLBACK");
    } catch (const std::exception&) {
    }
    throw;
  }
}

}  // namespace tributary
