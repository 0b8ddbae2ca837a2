// tributary vacuum: delete the data files of Delta tables that no live
// version references any more (replaced, merged, compacted away) once they
// are older than the retention, and log files past the log retention.
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "common/error.h"
#include "common/text_table.h"
#include "engine/connectors.h"

namespace tributary::cli {
namespace {

constexpr int kSafeRetainHours = 168;

struct VacuumCliOptions {
  TaskFilter filter;
  bool dry_run = false;
  int retain_hours = -1;
  bool allow_short_retention = false;
};

std::string Megabytes(int64_t bytes) { return fmt::format("{:.1f} MB", bytes / 1048576.0); }

bool Unfiltered(const TaskFilter& f) {
  return f.servers.empty() && f.strategies.empty() && f.databases.empty() &&
         f.frequencies.empty() && f.tables.empty();
}

void AddRow(TextTable& table, const std::string& name, const VacuumResult& result, bool dry_run) {
  bool any = result.files_deleted + result.log_files_deleted > 0;
  table.AddRow({name, FormatCount(result.files_deleted), Megabytes(result.bytes_deleted),
                FormatCount(result.log_files_deleted), FormatCount(result.files_kept),
                !any ? "nothing to do" : (dry_run ? "dry run" : "vacuumed")});
}

void Vacuum(GlobalOptions& global, const VacuumCliOptions& options) {
  if (options.retain_hours >= 0 && options.retain_hours < kSafeRetainHours &&
      !options.allow_short_retention) {
    std::cerr << "tributary: --retain-hours " << options.retain_hours
              << " is under 7 days: a reader still on an older version (a long query, time "
                 "travel) would lose its files; add --allow-short-retention if none can be\n";
    global.exit_code = kExitUsage;
    return;
  }
  auto project = LoadOrReport(global);
  if (!project) {
    global.exit_code = kExitFailed;
    return;
  }
  auto selected = SelectOrReport(*project, options.filter);
  if (!selected) {
    global.exit_code = kExitUsage;
    return;
  }
  auto sink = OpenSink(*project);
  TableMaintenance* maintenance = sink->maintenance();
  if (maintenance == nullptr) {
    std::cerr << "tributary: vacuum deletes unreferenced files of file-based tables (delta); the "
              << project->sink.kind << " sink manages its own storage (nothing to do)\n";
    global.exit_code = kExitFailed;
    return;
  }
  VacuumOptions vacuum;
  vacuum.dry_run = options.dry_run;
  vacuum.retain_ms = options.retain_hours < 0 ? -1 : int64_t{options.retain_hours} * 3600 * 1000;
  TextTable table({"sink table", options.dry_run ? "would delete" : "deleted", "size", "log files",
                   "kept", "result"});
  for (int col : {1, 2, 3, 4}) table.AlignRight(col);
  for (const Task& task : *selected) {
    try {
      auto result = maintenance->Vacuum(task.sink_table, vacuum);
      if (!result) {
        table.AddRow({task.sink_table, "", "", "", "", "not loaded yet"});
        continue;
      }
      AddRow(table, task.sink_table, *result, options.dry_run);
      if (options.dry_run && global.verbose) {
        for (const std::string& key : result->deleted) std::cerr << "  " << key << "\n";
      }
    } catch (const Error& e) {
      table.AddRow({task.sink_table, "", "", "", "", "failed"});
      std::cerr << "tributary: " << task.sink_table << ": " << e.what() << "\n";
      global.exit_code = kExitFailed;
    }
  }
  if (Unfiltered(options.filter)) {  // everything: tributary's own run history too
    try {
      for (const auto& [name, result] : maintenance->VacuumRecords(vacuum)) {
        AddRow(table, name, result, options.dry_run);
      }
    } catch (const Error& e) {
      table.AddRow({"run history", "", "", "", "", "failed"});
      std::cerr << "tributary: run history: " << e.what() << "\n";
      global.exit_code = kExitFailed;
    }
  }
  std::cout << table.Render();
}

}  // namespace

void AddVacuumCommand(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<VacuumCliOptions>();
  auto* cmd = app.add_subcommand(
      "vacuum", "Delete Delta data files no live version needs, and log files past retention");
  AddFilterOptions(*cmd, options->filter);
  cmd->add_flag("--dry-run", options->dry_run,
                "Count (with --verbose: list) what would be deleted; delete nothing");
  cmd->add_option("--retain-hours", options->retain_hours,
                  "Keep unreferenced files younger than this (default: each table's "
                  "delta.deletedFileRetentionDuration, 7 days when unset)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_flag("--allow-short-retention", options->allow_short_retention,
                "Allow --retain-hours under 168 (7 days)");
  cmd->footer(
      "A data file is deleted when no live version references it (it was replaced, merged\n"
      "or compacted away, or a crashed load left it) and it is older than the retention, so\n"
      "readers of recent versions keep their files. Log files (commits, checkpoints) older\n"
      "than delta.logRetentionDuration (30 days when unset) go once a newer checkpoint\n"
      "covers them; that part also runs after every checkpoint. Tables being loaded are\n"
      "skipped with an error. Without filters, tributary's run-history tables are vacuumed\n"
      "too. Works on local folders and object stores alike.");
  cmd->callback([&global, options] { Vacuum(global, *options); });
}

}  // namespace tributary::cli
