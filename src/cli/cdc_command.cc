// tributary cdc status: for each cdc table, how its capture stream stands at
// the source (slot state, lag, log retained for it) next to the position
// stored in the sink.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "common/text_table.h"
#include "engine/connectors.h"
#include "strategy/cdc_state.h"

namespace tributary::cli {
namespace {

struct StatusRow {
  const Task* task = nullptr;
  CdcStatus status;
  std::string stored;
  std::string error;
};

// The capture the sink holds for `task`, as its runs see it.
CdcOwner Owner(Sink& sink, const Task& task) {
  CdcOwner owner{sink.Identity(), std::nullopt, false};
  if (auto state = sink.ReadState(task.id())) {
    owner.stored = CdcState::FromJson(*state, task.id()).checkpoint;
  }
  return owner;
}

StatusRow Inspect(const Project& project, Sink& sink, const Task& task) {
  StatusRow row;
  row.task = &task;
  try {
    CdcOwner owner = Owner(sink, task);
    if (owner.stored) row.stored = owner.stored->position;
    auto reader = OpenCdcReader(project, *project.FindServer(task.server), task);
    row.status = reader->Status(owner);
  } catch (const std::exception& e) {
    row.error = e.what();
  }
  return row;
}

std::string Bytes(const std::optional<int64_t>& bytes) {
  return bytes ? FormatBytes(static_cast<double>(*bytes)) : "";
}

std::string Render(const std::vector<StatusRow>& rows) {
  TextTable table({"sink table", "stream", "state", "stored position", "acknowledged",
                   "source head", "lag", "retained log"});
  table.AlignRight(6);
  table.AlignRight(7);
  for (const auto& r : rows) {
    const CdcStatus& s = r.status;
    std::string state = r.error.empty() ? s.state : "error";
    table.AddRow({r.task->id(), s.stream, state, r.stored, s.acknowledged, s.head,
                  Bytes(s.lag_bytes), Bytes(s.retained_bytes)});
  }
  std::string out = table.Render();
  for (const auto& r : rows) {
    if (!r.error.empty()) out += fmt::format("{}: {}\n", r.task->id(), r.error);
    if (r.error.empty() && !r.status.problem.empty()) {
      out += fmt::format("{}: BROKEN — {} (see docs/cdc.md, \"Gaps\" and \"Who owns a slot\")\n",
                         r.task->id(), r.status.problem);
    }
  }
  return out;
}

// One table of `cdc status --format json` (docs/json.md).
nlohmann::json RowJson(const StatusRow& r) {
  auto text = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
  auto bytes = [](const std::optional<int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  const CdcStatus& s = r.status;
  return {{"task_id", r.task->id()},
          {"server", r.task->server},
          {"database", r.task->database},
          {"source_schema", text(r.task->source_schema)},
          {"source_table", r.task->source_table},
          {"stream", text(s.stream)},
          {"state", r.error.empty() ? nlohmann::json(s.state) : nlohmann::json("error")},
          {"stored_position", text(r.stored)},
          {"acknowledged", text(s.acknowledged)},
          {"head", text(s.head)},
          {"lag_bytes", bytes(s.lag_bytes)},
          {"retained_bytes", bytes(s.retained_bytes)},
          {"problem", text(s.problem)},
          {"error", text(r.error)}};
}

bool Broken(const StatusRow& r) { return !r.error.empty() || !r.status.problem.empty(); }

// The cdc tables among those `filter` selects; nullopt (after printing why)
// when a filter names nothing or the filters select no cdc table.
std::optional<std::vector<Task>> SelectCdc(const Project& project, const TaskFilter& filter) {
  auto selected = SelectOrReport(project, filter);
  if (!selected) return std::nullopt;
  std::vector<Task> cdc;
  for (const auto& t : *selected) {
    if (t.strategy == "cdc") cdc.push_back(t);
  }
  if (cdc.empty() && !FilterIsEmpty(filter)) {
    std::cerr << "tributary: the filters select " << selected->size()
              << " tables, none of them cdc (" << DescribeEmptySelection(project, filter) << ")\n";
    return std::nullopt;
  }
  return cdc;
}

}  // namespace

void AddCdcCommand(CLI::App& app, GlobalOptions& global) {
  auto* cdc = app.add_subcommand("cdc", "Inspect change data capture streams");
  cdc->require_subcommand(1);
  auto filter = std::make_shared<TaskFilter>();
  auto* status = cdc->add_subcommand(
      "status", "Per cdc table: its stream at the source, lag and log retained for it");
  status->footer(
      "stored position: where the sink's history ends (committed with the data).\n"
      "PostgreSQL: acknowledged is what the slot was told is safe (its\n"
      "confirmed_flush_lsn); lag is the log written since; retained log is what the server\n"
      "keeps for the slot (from its restart_lsn) — it grows while the table is not run, and\n"
      "a slot past max_slot_wal_keep_size is lost.\n"
      "SQL Server: nothing is acknowledged (the capture job's cleanup, not tributary, decides\n"
      "what is kept); the stream names each capture instance and the first LSN it still\n"
      "holds — a stored position older than that is a gap.\n"
      "A slot belongs to the sink that created it (docs/cdc.md): state taken when it was read\n"
      "past the stored position (another sink took it over), foreign when this sink's first\n"
      "run would refuse it, not started before the first run.\n"
      "Exit status 1 when a stream is broken (missing, lost, taken, foreign) or cannot be\n"
      "inspected.");
  AddFilterOptions(*status, *filter);
  auto format = std::make_shared<std::string>("text");
  status->add_option("--format", *format, "text (default) or json (docs/json.md)")
      ->check(CLI::IsMember({"text", "json"}));
  status->callback([&global, filter, format] {
    auto project = LoadOrReport(global);
    if (!project) {
      global.exit_code = kExitFailed;
      return;
    }
    auto tasks = SelectCdc(*project, *filter);
    if (!tasks) {
      global.exit_code = kExitUsage;
      return;
    }
    auto sink = OpenSink(*project);
    std::vector<StatusRow> rows;
    for (const auto& task : *tasks) rows.push_back(Inspect(*project, *sink, task));
    bool bad = std::any_of(rows.begin(), rows.end(), Broken);
    if (*format == "json") {
      nlohmann::json out = {{"healthy", !bad}, {"tables", nlohmann::json::array()}};
      for (const auto& r : rows) out["tables"].push_back(RowJson(r));
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << Render(rows);
    }
    global.exit_code = bad ? kExitFailed : kExitOk;
  });
}

}  // namespace tributary::cli
