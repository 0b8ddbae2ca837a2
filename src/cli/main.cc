#include <iostream>

#include "cli/cli.h"
#include "common/allocator.h"
#include "common/log.h"

namespace {

constexpr const char* kDescription =
    "tributary: multi-frequency ingestion into the lakehouse bronze layer.\n"
    "Tables, their sources, strategies and frequencies are declared in YAML;\n"
    "one entry point runs any slice of them. Global options go before or after\n"
    "the subcommand (`tributary run -p DIR`).\n\n"
    "Exit status: 0 success, 1 invalid configuration or a table failed, 2 usage error\n"
    "(a bad flag, or filters that select nothing: a name that does not exist, or names\n"
    "that select no table together).";

}  // namespace

int main(int argc, char** argv) {
  tributary::TuneAllocator();
  using namespace tributary::cli;
  CLI::App app(kDescription, "tributary");
  app.require_subcommand(1);
  // Global options are also taken after the subcommand (`tributary run -p DIR`),
  // as dbt's and Sling's users type them; subcommands inherit this setting.
  app.fallthrough();
  app.set_version_flag("--version", std::string("tributary ") + TRIBUTARY_VERSION);
  GlobalOptions global;
  app.add_option("-p,--project", global.project_dir, "Project directory (holds tributary.yml)")
      ->envname("TRIBUTARY_PROJECT")
      ->capture_default_str();
  app.add_option("--log-format", global.log_format, "Log lines as 'text' (default) or 'json'")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_flag("-v,--verbose", global.verbose, "Debug logging");
  app.parse_complete_callback([&] {
    tributary::SetLogFormat(global.log_format == "json" ? tributary::LogFormat::kJson
                                                        : tributary::LogFormat::kText);
    if (global.verbose) tributary::SetLogLevel(tributary::LogLevel::kDebug);
  });

  AddValidateCommand(app, global);
  AddCheckCommand(app, global);
  AddPlanCommand(app, global);
  AddRunCommand(app, global);
  AddStatusCommand(app, global);
  AddRunsCommand(app, global);
  AddServeCommand(app, global);
  AddDocsCommand(app, global);
  AddScheduleCommand(app, global);
  AddJobsCommand(app, global);
  AddBackfillCommand(app, global);
  AddCompactCommand(app, global);
  AddVacuumCommand(app, global);
  AddDeltaCommand(app, global);
  AddCdcCommand(app, global);
  AddDbtCommand(app, global);
  AddPowerBiCommand(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "tributary: " << e.what() << "\n";
    return kExitFailed;
  }
  return global.exit_code;
}
