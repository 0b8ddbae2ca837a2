// tributary status: per table, its frequency, last success, rows, age, and
// whether it is overdue for its frequency.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "common/text_table.h"
#include "engine/connectors.h"
#include "engine/status.h"

namespace tributary::cli {
namespace {

std::string Utc(TimePoint t) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(t));
}

std::string Render(const std::vector<TableStatus>& rows, TimePoint now) {
  TextTable table(
      {"sink table", "frequency", "last success (UTC)", "rows", "age", "health", "last error"});
  table.AlignRight(3);
  table.AlignRight(4);
  for (const auto& s : rows) {
    std::string success, rows_loaded, age, error;
    if (s.last_success) {
      success = Utc(s.last_success->ended_at);
      rows_loaded = FormatCount(s.last_success->rows);
      age = FormatDuration(std::chrono::duration<double>(now - s.last_success->ended_at).count());
    }
    if (s.last_attempt && s.last_attempt->status != "succeeded") {
      error = s.last_attempt->error.substr(0, s.last_attempt->error.find('\n')).substr(0, 80);
    }
    table.AddRow(
        {s.task->id(), s.task->frequency, success, rows_loaded, age, HealthName(s.health), error});
  }
  return table.Render();
}

}  // namespace

void AddStatusCommand(CLI::App& app, GlobalOptions& global) {
  auto filter = std::make_shared<TaskFilter>();
  auto* cmd =
      app.add_subcommand("status", "Show when each table last loaded and whether it is overdue");
  cmd->footer(
      "health: ok = loaded since its frequency's latest scheduled time; due = that load has not\n"
      "succeeded yet; overdue = a whole scheduled cycle passed without a successful load;\n"
      "failing = the last attempt failed. Exit status 1 when any selected table is overdue,\n"
      "failing or never loaded.");
  AddFilterOptions(*cmd, *filter);
  cmd->callback([&global, filter] {
    auto project = LoadOrReport(global);
    if (!project) {
      global.exit_code = kExitFailed;
      return;
    }
    auto selected = SelectOrReport(*project, *filter, DbtMayBuild(*project, *filter));
    if (!selected) {
      global.exit_code = kExitUsage;
      return;
    }
    const std::vector<Task>& tasks = *selected;
    auto sink = OpenSink(*project);
    TimePoint now = SystemClock::Instance().Now();
    auto history = sink->run_log().ReadHistory();
    auto rows = ComputeStatus(*project, tasks, history, now);
    std::cout << Render(rows, now);
    bool unhealthy = !PrintModelStatus(*project, history, now);
    for (const auto& s : rows) unhealthy |= s.health != Health::kOk && s.health != Health::kDue;
    global.exit_code = unhealthy ? kExitFailed : kExitOk;
  });
}

}  // namespace tributary::cli
