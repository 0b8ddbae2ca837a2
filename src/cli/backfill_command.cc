// tributary backfill: re-read all or a range of incremental tables without
// duplicating a row, e.g. after the source changed rows without moving
// their watermark; take a fresh snapshot of cdc tables (after a gap).
#include <iostream>

#include "cli/cli.h"
#include "config/kinds.h"

namespace tributary::cli {
namespace {

constexpr const char* kFooter =
    "Incremental tables: rows whose watermark column is in [--from, --to) are read again (all\n"
    "rows when neither is given). With a primary_key they are merged; without one the same\n"
    "range is first deleted in the sink, in the same transaction, so nothing is duplicated. The\n"
    "stored watermark never moves back. Values are written like the column: 2026-01-31,\n"
    "'2026-01-31 12:00:00', 1500.\n"
    "cdc tables: a fresh snapshot (capture starts afresh at the source) appended to the change\n"
    "history, which keeps every row landed before; the current-state table is rebuilt from it.\n"
    "This is how capture resumes after a gap. No --from/--to.\n"
    "A cdc table's replication slot belongs to the sink that created it. A slot this sink\n"
    "does not own (another sink's, or another project's of the same name) is refused, never\n"
    "read or dropped; --take-over drops it and starts this sink's capture in it (logged), and\n"
    "the other sink's capture then stops with a GAP. See docs/cdc.md.";

bool Backfillable(const std::vector<Task>& tasks, const Reload& reload) {
  bool ok = true;
  for (const auto& t : tasks) {
    const StrategyKind* kind = FindStrategyKind(t.strategy);
    Backfill backfill = kind != nullptr ? kind->backfill : Backfill::kNone;
    if (backfill == Backfill::kRange) continue;
    if (backfill == Backfill::kSnapshot) {
      if (reload.from.empty() && reload.to.empty()) continue;
      std::cerr << "tributary: '" << t.id() << "' is a cdc table: it is backfilled whole, with a "
                << "fresh snapshot; drop --from and --to\n";
    } else {
      std::cerr << "tributary: backfill re-reads incremental and cdc tables; '" << t.id()
                << "' is loaded by strategy " << t.strategy << " — reload it with `tributary run "
                << "--tables " << t.id() << "`"
                << (t.strategy == "full" ? "" : " or --full-refresh") << "\n";
    }
    ok = false;
  }
  return ok;
}

}  // namespace

void AddBackfillCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<LoadFlags>();
  flags->reload.kind = Reload::Kind::kBackfill;
  auto* cmd = app.add_subcommand("backfill",
                                 "Re-read a range of incremental tables, re-snapshot cdc tables");
  cmd->footer(kFooter);
  AddFilterOptions(*cmd, flags->filter);
  cmd->get_option("--tables")->required();
  cmd->add_option("--from", flags->reload.from, "First watermark value to re-read (inclusive)");
  cmd->add_option("--to", flags->reload.to, "Watermark value to stop before (exclusive)");
  cmd->add_option("-j,--threads", flags->threads, "Tables loaded at once")
      ->check(CLI::Range(1, 256));
  cmd->add_flag("--take-over", flags->reload.take_over,
                "cdc: take over a replication slot another sink owns (its capture stops)");
  cmd->callback([&global, flags] {
    std::string command = "backfill " + DescribeFilter(flags->filter);
    if (flags->reload.take_over) command += " --take-over";
    if (!flags->reload.from.empty()) command += " --from '" + flags->reload.from + "'";
    if (!flags->reload.to.empty()) command += " --to '" + flags->reload.to + "'";
    global.exit_code = RunLoad(global, *flags, command, [flags](const std::vector<Task>& tasks) {
      return Backfillable(tasks, flags->reload);
    });
  });
}

}  // namespace tributary::cli
