// tributary compact: rewrite the small data files of Delta tables (frequent
// small loads leave many) into files of about the target size.
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "common/error.h"
#include "common/text_table.h"
#include "engine/connectors.h"

namespace tributary::cli {
namespace {

struct CompactOptions {
  TaskFilter filter;
  int target_file_mb = 0;
};

std::string Megabytes(int64_t bytes) { return fmt::format("{:.1f} MB", bytes / 1048576.0); }

void Compact(GlobalOptions& global, const CompactOptions& options) {
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
  TableMaintenance* compactor = sink->maintenance();
  if (compactor == nullptr) {
    std::cerr << "tributary: compact rewrites the small files of file-based tables (delta); the "
              << project->sink.kind << " sink manages its own storage (nothing to do)\n";
    global.exit_code = kExitFailed;
    return;
  }
  TextTable table({"sink table", "files before", "files after", "rewritten", "result"});
  for (int col : {1, 2, 3}) table.AlignRight(col);
  for (const Task& task : *selected) {
    try {
      auto result = compactor->Compact(task.sink_table, int64_t{options.target_file_mb} << 20);
      if (!result) {
        table.AddRow({task.sink_table, "", "", "", "not loaded yet"});
        continue;
      }
      table.AddRow({task.sink_table, FormatCount(result->files_before),
                    FormatCount(result->files_after), Megabytes(result->bytes_rewritten),
                    result->files_rewritten > 0 ? "compacted" : "nothing to do"});
    } catch (const Error& e) {
      table.AddRow({task.sink_table, "", "", "", "failed"});
      std::cerr << "tributary: " << task.sink_table << ": " << e.what() << "\n";
      global.exit_code = kExitFailed;
    }
  }
  std::cout << table.Render();
}

}  // namespace

void AddCompactCommand(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<CompactOptions>();
  auto* cmd = app.add_subcommand(
      "compact", "Rewrite the small data files of Delta tables into fewer, larger ones");
  AddFilterOptions(*cmd, options->filter);
  cmd->add_option("--target-file-mb", options->target_file_mb,
                  "Size to aim for (default: the sink's target_file_mb); files under half of it "
                  "that share a partition are merged")
      ->check(CLI::Range(1, 1 << 16));
  cmd->footer(
      "Each table is compacted in one Delta commit whose files carry dataChange=false, so\n"
      "readers and change feeds see the same rows. Tables being loaded are skipped with an\n"
      "error; run compact between loads, e.g. once a day.");
  cmd->callback([&global, options] { Compact(global, *options); });
}

}  // namespace tributary::cli
