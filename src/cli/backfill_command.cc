// tributary backfill: re-read all or a range of incremental tables without
// duplicating a row, e.g. after the source changed rows without moving
// their watermark.
#include <iostream>

#include "cli/cli.h"

namespace tributary::cli {
namespace {

constexpr const char* kFooter =
    "Rows whose watermark column is in [--from, --to) are read again (all rows when neither is\n"
    "given). With a primary_key they are merged; without one the same range is first deleted in\n"
    "the sink, in the same transaction, so nothing is duplicated. The stored watermark never\n"
    "moves back. Values are written like the column: 2026-01-31, '2026-01-31 12:00:00', 1500.";

bool OnlyIncremental(const std::vector<Task>& tasks) {
  bool ok = true;
  for (const auto& t : tasks) {
    if (t.strategy == "incremental") continue;
    std::cerr << "tributary: backfill re-reads incremental tables; '" << t.id() << "' is loaded by "
              << "strategy " << t.strategy << " — reload it with `tributary run --tables " << t.id()
              << "`" << (t.strategy == "full" ? "" : " or --full-refresh") << "\n";
    ok = false;
  }
  return ok;
}

}  // namespace

void AddBackfillCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<LoadFlags>();
  flags->reload.kind = Reload::Kind::kBackfill;
  auto* cmd = app.add_subcommand("backfill", "Re-read a range of incremental tables");
  cmd->footer(kFooter);
  AddFilterOptions(*cmd, flags->filter);
  cmd->get_option("--tables")->required();
  cmd->add_option("--from", flags->reload.from, "First watermark value to re-read (inclusive)");
  cmd->add_option("--to", flags->reload.to, "Watermark value to stop before (exclusive)");
  cmd->add_option("-j,--threads", flags->threads, "Tables loaded at once")
      ->check(CLI::Range(1, 256));
  cmd->callback([&global, flags] {
    std::string command = "backfill " + DescribeFilter(flags->filter);
    if (!flags->reload.from.empty()) command += " --from '" + flags->reload.from + "'";
    if (!flags->reload.to.empty()) command += " --to '" + flags->reload.to + "'";
    global.exit_code = RunLoad(global, *flags, command, OnlyIncremental);
  });
}

}  // namespace tributary::cli
