#include "source/postgres/pg_snapshot_reader.h"

#include <fmt/format.h>

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

// Connections that each read ranges from a shared list; see the header.
class PgSnapshotReader final : public Reader {
 public:
  PgSnapshotReader(std::vector<std::unique_ptr<PgConnection>> conns,
                   std::vector<std::string> statements, const PgSnapshotRead& read)
      : conns_(std::move(conns)),
        statements_(std::move(statements)),
        schema_(read.schema),
        types_(read.types),
        what_(read.what),
        queue_(conns_.size() + 1) {}

  ~PgSnapshotReader() override {
    queue_.Cancel();
    for (auto& t : threads_) t.join();
  }

  const std::shared_ptr<const Schema>& schema() const override { return schema_; }

  bool Next(Batch& batch, const BatchLimits& limits) override {
    if (batch.num_rows() != 0) throw Error("snapshot reader: Next() needs an empty batch");
    if (finished_) return false;
    if (threads_.empty()) Start(limits);
    std::optional<Batch> item = queue_.Pop();
    if (!item) {
      finished_ = true;
      for (auto& t : threads_) t.join();
      threads_.clear();
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    batch = std::move(*item);
    return true;
  }

 private:
  void Start(const BatchLimits& limits) {
    limits_ = limits;
    active_ = conns_.size();
    for (size_t i = 0; i < conns_.size(); ++i)
      threads_.emplace_back([this, i] {
        NameThisThread(fmt::format("snapshot-{}", i + 1));
        Work(i);
      });
  }

  void Work(size_t index) {
    try {
      PgCopyStream stream(*conns_[index], schema_, types_, what_);
      Batch batch(schema_);
      for (size_t r; (r = next_.fetch_add(1)) < statements_.size();) {
        stream.Start(statements_[r]);
        for (bool ended = false; !ended;) {
          ended = stream.Fill(batch, limits_);
          if (!limits_.Full(batch)) continue;
          if (!queue_.Push(std::move(batch))) return;
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

  std::vector<std::unique_ptr<PgConnection>> conns_;
  std::vector<std::string> statements_;
  std::shared_ptr<const Schema> schema_;
  std::vector<std::shared_ptr<const PgValueType>> types_;
  std::string what_;
  BoundedQueue<Batch> queue_;
  BatchLimits limits_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
  std::atomic<size_t> active_{0};
  std::mutex mu_;
  std::exception_ptr error_;  // the first failure, guarded by mu_
  bool finished_ = false;
};

std::unique_ptr<PgConnection> ImportSnapshot(const PgSnapshotRead& read) {
  auto conn = std::make_unique<PgConnection>(read.info);
  conn->Exec(read.tag + "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  conn->Exec(read.tag + "SET TRANSACTION SNAPSHOT '" + read.snapshot + "'");
  return conn;
}

std::vector<std::string> Statements(const PgSnapshotRead& read, PgConnection& first) {
  PgResult size = first.Exec(read.tag +
                                 "SELECT pg_catalog.pg_relation_size($1::regclass) / "
                                 "pg_catalog.current_setting('block_size')::bigint",
                             {read.qualified_table});
  int64_t pages = std::stoll(PQgetvalue(size.get(), 0, 0));
  std::vector<std::string> statements;
  for (const PgPageRange& range : SplitPages(pages, read.parallelism, read.options)) {
    std::string where = fmt::format(" WHERE ctid >= '({},0)'::tid", range.first);
    if (range.end >= 0) where += fmt::format(" AND ctid < '({},0)'::tid", range.end);
    statements.push_back(CopyStatement(read.tag + read.select + where));
  }
  if (statements.empty()) statements.push_back(CopyStatement(read.tag + read.select));
  return statements;
}

}  // namespace

std::unique_ptr<Reader> OpenPgSnapshotReader(const PgSnapshotRead& read) {
  std::vector<std::unique_ptr<PgConnection>> conns;
  conns.push_back(ImportSnapshot(read));
  // Keeps the table from being rewritten (VACUUM FULL, ALTER) under the ranges.
  conns[0]->Exec(read.tag + "LOCK TABLE " + read.qualified_table + " IN ACCESS SHARE MODE");
  std::vector<std::string> statements = Statements(read, *conns[0]);
  size_t wanted =
      std::min<size_t>(static_cast<size_t>(std::max(read.parallelism, 1)), statements.size());
  while (conns.size() < wanted) {
    try {
      conns.push_back(ImportSnapshot(read));
    } catch (const SourceError& e) {
      Log(LogLevel::kWarn, "reading the snapshot with fewer connections than asked",
          {{"source", read.info.Describe()}, {"connections", conns.size()}, {"error", e.what()}});
      break;
    }
  }
  return std::make_unique<PgSnapshotReader>(std::move(conns), std::move(statements), read);
}

}  // namespace tributary
