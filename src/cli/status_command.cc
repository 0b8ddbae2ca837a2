// tributary status: per table, its frequency, last success, rows, age, and
// whether it is overdue for its frequency.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/cli.h"
#include "common/error.h"
#include "common/text_table.h"
#include "engine/connectors.h"
#include "engine/status.h"
#include "engine/status_json.h"
#include "serve/project_status.h"

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
  bool marked = false;
  for (const auto& s : rows) {
    std::string success, rows_loaded, age, error;
    if (s.last_success) {
      success = Utc(s.last_success->ended_at);
      rows_loaded = FormatCount(s.last_success->rows);
      age = FormatDuration(std::chrono::duration<double>(now - s.last_success->ended_at).count());
    }
    if (s.last_attempt && !IsSuccess(*s.last_attempt)) {
      error = s.last_attempt->error.substr(0, s.last_attempt->error.find('\n')).substr(0, 80);
    }
    marked = marked || s.shape_changed;
    table.AddRow({s.task->id() + (s.shape_changed ? " *" : ""), s.task->frequency, success,
                  rows_loaded, age, HealthName(s.health), error});
  }
  std::string out = table.Render();
  if (marked) {
    out += "* its last load changed the table's columns; `tributary status --table T` lists them\n";
  }
  return out;
}

// The flags of `status`.
struct StatusFlags {
  TaskFilter filter;
  std::vector<std::string> detail;  // --table: shown in full
  std::string format = "text";
};

double Seconds(const TaskResult& r) {
  return std::chrono::duration<double>(r.ended_at - r.started_at).count();
}

// `status --table T`: every field of each selected table, the last error whole.
std::string RenderDetail(const std::vector<TableStatus>& rows) {
  std::string out;
  for (const auto& s : rows) {
    const Task& t = *s.task;
    std::string source =
        t.source_schema.empty() ? t.source_table : t.source_schema + "." + t.source_table;
    out += fmt::format("{}\n  source:       {} / {} / {}\n  strategy:     {}\n  frequency:    {}\n",
                       t.id(), t.server, t.database, source, t.strategy, t.frequency);
    out += fmt::format("  health:       {}", HealthName(s.health));
    if (s.expected_since) out += " (expected a load since " + IsoUtc(*s.expected_since) + ")";
    out += "\n";
    if (s.last_success) {
      const TaskResult& r = *s.last_success;
      out += fmt::format("  last success: {}, run {}: {} rows in {}\n", IsoUtc(r.ended_at),
                         r.run_id, FormatCount(r.rows), FormatDuration(Seconds(r)));
      if (r.table_rows >= 0) out += fmt::format("  table rows:   {}\n", FormatCount(r.table_rows));
    }
    if (s.last_attempt) {
      const TaskResult& r = *s.last_attempt;
      out +=
          fmt::format("  last attempt: {}, run {}: {}\n", IsoUtc(r.ended_at), r.run_id, r.status);
      if (!IsSuccess(r)) out += "  last error:\n" + r.error + "\n";
    }
    if (!s.schema_changes.empty()) {
      out += s.shape_changed ? "  schema changes (the last load changed the columns):\n"
                             : "  schema changes:\n";
      for (const auto& c : s.schema_changes) {
        out += fmt::format("    {}, run {}: {}\n", IsoUtc(c.at), c.run_id.empty() ? "-" : c.run_id,
                           DescribeSchemaChange(c));
      }
    }
    out += "\n";
  }
  return out;
}

int ShowStatus(const GlobalOptions& global, const StatusFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  TaskFilter detailed;
  detailed.tables = flags.detail;
  auto unknown = UnmatchedFilterValues(*project, detailed);  // "--tables 'x' matches no table…"
  for (const auto& m : unknown) std::cerr << "tributary: --table" << m.substr(8) << "\n";
  if (!unknown.empty()) return kExitUsage;
  TaskFilter filter = flags.filter;
  filter.tables.insert(filter.tables.end(), flags.detail.begin(), flags.detail.end());
  bool detail = !flags.detail.empty();
  auto selected = SelectOrReport(*project, filter, !detail && DbtMayBuild(*project, filter));
  if (!selected) return kExitUsage;
  std::string note;
  auto history = ReadStatusHistory(*project, &note);
  if (!note.empty()) std::cerr << "tributary: " << note << "\n";
  TimePoint now = SystemClock::Instance().Now();
  // The text lists every model and Power BI table; the JSON those of the
  // selected frequencies when the filters could build models.
  bool json = flags.format == "json";
  StatusLayers layers;
  layers.models = !detail && (!json || DbtMayBuild(*project, filter));
  layers.reports = layers.models;
  if (json) layers.frequencies = SplitList(filter.frequencies);
  ProjectStatus status = GatherStatus(*project, std::move(*selected), layers, history, now);
  for (const auto& w : status.warnings) std::cerr << "tributary: warning: " << w << "\n";
  const auto& rows = status.table_rows;
  bool healthy = std::all_of(rows.begin(), rows.end(), Healthy);
  if (json) {
    auto out = ProjectStatusJson(*project, status, now);
    std::cout << out.dump(2) << "\n";
    return out["healthy"].get<bool>() ? kExitOk : kExitFailed;
  }
  if (detail) {
    std::cout << RenderDetail(rows);
    return healthy ? kExitOk : kExitFailed;
  }
  std::cout << Render(rows, now);
  if (status.manifest) healthy &= PrintModelStatus(status.model_rows, now);
  if (project->powerbi.enabled) healthy &= PrintPowerBiStatus(status.report_rows, now);
  return healthy ? kExitOk : kExitFailed;
}

}  // namespace

void AddStatusCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<StatusFlags>();
  auto* cmd =
      app.add_subcommand("status", "Show when each table last loaded and whether it is overdue");
  cmd->footer(
      "health: ok = loaded since its frequency's latest scheduled time; due = that load has not\n"
      "succeeded yet; overdue = a whole scheduled cycle passed without a successful load;\n"
      "failing = the last attempt failed. Exit status 1 when any selected table is overdue,\n"
      "failing or never loaded. The table shortens errors to a line; --table and --format json\n"
      "give them whole. The JSON is documented in docs/json.md.");
  AddFilterOptions(*cmd, flags->filter);
  cmd->add_option("--table", flags->detail,
                  "Show these tables in full (every field, the whole last error); matched like "
                  "--tables");
  cmd->add_option("--format", flags->format, "text (default) or json (docs/json.md)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&global, flags] { global.exit_code = ShowStatus(global, *flags); });
}

}  // namespace tributary::cli
