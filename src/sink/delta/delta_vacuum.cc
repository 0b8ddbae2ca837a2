#include "sink/delta/delta_vacuum.h"

#include <fmt/format.h>

#include <regex>

#include "common/error.h"
#include "sink/delta/delta_checkpoint.h"
#include "sink/delta/delta_log.h"

namespace tributary {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

int64_t RetentionMs(const DeltaSnapshot& snapshot, const std::string& property, int64_t days) {
  return ParseDeltaInterval(snapshot.Property(property, "")).value_or(days * kDayMs);
}

// Hidden by Delta's convention: a segment starting with '_' or '.', unless
// it is a partition folder ("_col=v").
bool Hidden(const std::string& relative) {
  size_t start = 0;
  while (start < relative.size()) {
    size_t end = relative.find('/', start);
    bool last = end == std::string::npos;
    std::string segment = relative.substr(start, last ? std::string::npos : end - start);
    bool partition = !last && segment.find('=') != std::string::npos;
    if (!segment.empty() && (segment[0] == '_' || segment[0] == '.') && !partition) return true;
    if (last) break;
    start = end + 1;
  }
  return false;
}

// The version a log file belongs to ("…/00000000000000000042.json",
// "….checkpoint.parquet", "….crc", multi-part checkpoints); -1 for others
// (_last_checkpoint).
int64_t LogFileVersion(const std::string& name, bool& checkpoint) {
  static const std::regex pattern(R"((\d{20})\.(json|crc|checkpoint\..*parquet))");
  std::smatch m;
  checkpoint = false;
  if (!std::regex_match(name, m, pattern)) return -1;
  checkpoint = m[2].str().rfind("checkpoint", 0) == 0;
  return std::stoll(m[1]);
}

}  // namespace

int64_t CleanUpDeltaLog(DeltaTable& table, int64_t now_ms, bool dry_run,
                        std::vector<std::string>* deleted) {
  const auto& snapshot = table.snapshot();
  if (!snapshot) return 0;
  int64_t cutoff = now_ms - RetentionMs(*snapshot, "delta.logRetentionDuration", 30);
  std::string prefix = DeltaKey(table.key(), "_delta_log/");
  std::vector<ObjectInfo> files = table.storage().store().List(prefix);
  int64_t floor = -1;  // the newest checkpoint older than the cutoff
  for (const ObjectInfo& f : files) {
    bool checkpoint = false;
    int64_t v = LogFileVersion(f.key.substr(prefix.size()), checkpoint);
    if (checkpoint && f.modified_ms <= cutoff && v <= snapshot->version) floor = std::max(floor, v);
  }
  int64_t count = 0;
  for (const ObjectInfo& f : files) {
    bool checkpoint = false;
    int64_t v = LogFileVersion(f.key.substr(prefix.size()), checkpoint);
    if (v < 0 || v >= floor || f.modified_ms > cutoff) continue;
    if (!dry_run) table.storage().store().Delete(f.key);
    if (deleted != nullptr) deleted->push_back(f.key);
    ++count;
  }
  return count;
}

VacuumResult VacuumDeltaTable(DeltaTable& table, const VacuumOptions& options,
                              const std::set<std::string>& keep, int64_t now_ms) {
  const auto& snapshot = table.snapshot();
  if (!snapshot) throw SinkError(fmt::format("delta table '{}' does not exist", table.name()));
  int64_t retain = options.retain_ms >= 0
                       ? options.retain_ms
                       : RetentionMs(*snapshot, "delta.deletedFileRetentionDuration", 7);
  int64_t cutoff = now_ms - retain;
  std::set<std::string> needed;  // relative paths of live files and recent tombstones
  for (const auto& [path, add] : snapshot->files) needed.insert(DecodeDeltaPath(path));
  for (const auto& [path, remove] : snapshot->tombstones) {
    if (remove.value("deletionTimestamp", int64_t{0}) > cutoff)
      needed.insert(DecodeDeltaPath(path));
  }
  VacuumResult result;
  std::string prefix = DeltaKey(table.key(), "");
  for (const ObjectInfo& f : table.storage().store().List(prefix)) {
    std::string relative = f.key.substr(prefix.size());
    if (Hidden(relative)) continue;
    if (needed.count(relative) != 0 || keep.count(f.key) != 0 || f.modified_ms > cutoff) {
      ++result.files_kept;
      continue;
    }
    if (!options.dry_run) table.storage().store().Delete(f.key);
    result.deleted.push_back(f.key);
    ++result.files_deleted;
    result.bytes_deleted += f.size;
  }
  result.log_files_deleted = CleanUpDeltaLog(table, now_ms, options.dry_run, &result.deleted);
  return result;
}

}  // namespace tributary
