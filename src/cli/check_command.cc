// tributary check: connect to every selected server and the sink and verify,
// with the configured users' rights, what the loads will need.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "common/text_table.h"
#include "engine/check.h"

namespace tributary::cli {
namespace {

struct CheckFlags {
  TaskFilter filter;
  std::string format = "text";
};

void PrintText(const CheckReport& report) {
  TextTable table({"SERVER", "DATABASE", "TABLE", "CHECK", "RESULT", "MESSAGE"});
  for (const CheckRow& r : report.rows) {
    table.AddRow({r.server.empty() ? "(sink)" : r.server, r.database, r.table, r.check,
                  CheckStatusName(r.status), r.message});
  }
  std::cout << table.Render();
  std::cout << report.rows.size() << " checks: " << report.Count(CheckStatus::kOk) << " ok, "
            << report.Count(CheckStatus::kWarn) << " warnings, " << report.Count(CheckStatus::kFail)
            << " failed\n";
}

void PrintJson(const CheckReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const CheckRow& r : report.rows) {
    auto text = [](const std::string& s) {
      return s.empty() ? nlohmann::json() : nlohmann::json(s);
    };
    rows.push_back({{"server", text(r.server)},
                    {"database", text(r.database)},
                    {"table", text(r.table)},
                    {"check", r.check},
                    {"result", CheckStatusName(r.status)},
                    {"message", r.message}});
  }
  nlohmann::json out = {{"checks", rows},
                        {"summary",
                         {{"ok", report.Count(CheckStatus::kOk)},
                          {"warn", report.Count(CheckStatus::kWarn)},
                          {"fail", report.Count(CheckStatus::kFail)}}},
                        {"passed", !report.failed()}};
  std::cout << out.dump(2) << "\n";
}

}  // namespace

void AddCheckCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<CheckFlags>();
  auto* cmd = app.add_subcommand(
      "check", "Connect to the selected servers and the sink and verify what the loads need");
  cmd->footer(
      "Connects once to each selected server and database, as the configured user, and checks\n"
      "that each table exists (with a did-you-mean and the ingest file:line), that watermark,\n"
      "key and selected columns exist, that custom queries prepare, that a zero-row SELECT\n"
      "works, and the change-capture prerequisites of cdc tables; then opens the sink for\n"
      "writing. Exit status: 0 all ok (warnings allowed), 1 any check failed, 2 usage or\n"
      "configuration errors. Passwords are never printed.");
  AddFilterOptions(*cmd, flags->filter);
  cmd->add_option("--format", flags->format, "text (default) or json (docs/json.md)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&global, flags] {
    auto project = LoadOrReport(global);
    if (!project) {
      global.exit_code = kExitUsage;
      return;
    }
    auto tasks = SelectOrReport(*project, flags->filter);
    if (!tasks) {
      global.exit_code = kExitUsage;
      return;
    }
    CheckReport report = RunChecks(*project, *tasks, RealConnectors());
    if (flags->format == "json") {
      PrintJson(report);
    } else {
      PrintText(report);
    }
    global.exit_code = report.failed() ? kExitFailed : kExitOk;
  });
}

}  // namespace tributary::cli
