// tributary validate: check the whole project, report every problem at once.
#include <iostream>

#include "cli/cli.h"
#include "config/loader.h"
#include "dbt/dbt_validation.h"
#include "powerbi/powerbi_validation.h"

namespace tributary::cli {

void AddValidateCommand(CLI::App& app, GlobalOptions& global) {
  auto format = std::make_shared<std::string>("text");
  auto* cmd =
      app.add_subcommand("validate", "Check the project's configuration and report every problem");
  cmd->footer(
      "Each problem is reported as file:line:column with a hint. Exit status 1 when there is any\n"
      "error (warnings alone exit 0), so it can run as a CI lint step. Secret values are never\n"
      "printed; references that cannot be resolved here (${env:…} unset, ${file:…} missing) are\n"
      "warnings, so CI can lint without production secrets: `tributary check` and `run` need\n"
      "them. validate never connects; `tributary check` does.");
  cmd->add_option("--format", *format, "Output as 'text' (default) or 'json'")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&global, format] {
    // Offline: a CI lint step has no production secrets, so a reference that
    // cannot be resolved here is a warning; `check` and `run` need it.
    LoadResult result = LoadProject(global.project_dir, LoadOptions{.secrets_must_resolve = false});
    if (result.project && result.project->dbt.enabled && !result.diagnostics.HasErrors()) {
      ValidateDbtSide(*result.project, result.diagnostics);      // runs `dbt parse`
      ValidatePowerBiSide(*result.project, result.diagnostics);  // on the manifest it wrote
    }
    const Diagnostics& d = result.diagnostics;
    if (*format == "json") {
      std::cout << d.RenderJson();
    } else {
      std::cout << d.RenderText();
      if (!d.HasErrors() && result.project) {
        std::cout << "ok: " << result.project->tasks.size() << " tables, "
                  << result.project->servers.size() << " servers, "
                  << result.project->frequencies.size() << " frequencies\n";
      } else {
        std::cout << d.ErrorCount() << (d.ErrorCount() == 1 ? " error\n" : " errors\n");
      }
    }
    global.exit_code = d.HasErrors() ? kExitFailed : kExitOk;
  });
}

}  // namespace tributary::cli
