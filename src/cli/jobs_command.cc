// tributary jobs export: job definitions for Databricks, crontab, systemd or
// Kubernetes, one job per frequency (schedule/job_export.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>

#include "cli/cli.h"
#include "common/did_you_mean.h"
#include "common/files.h"
#include "dbt/dbt_cli.h"
#include "dbt/dbt_step.h"
#include "dbt/selection.h"
#include "dbt/selectors_file.h"
#include "schedule/job_export.h"

namespace tributary::cli {
namespace {

struct ExportFlags {
  std::string format;
  std::string split = "none";
  std::vector<std::string> frequencies;
  std::string output;
};

int Write(const std::vector<ExportedFile>& files, const std::string& output) {
  namespace fs = std::filesystem;
  if (output.empty()) {
    for (const auto& f : files) {
      if (files.size() > 1) std::cout << "# ==> " << f.name << " <==\n";
      std::cout << f.content << (files.size() > 1 ? "\n" : "");
    }
    return kExitOk;
  }
  std::error_code ec;
  fs::create_directories(output, ec);
  for (const auto& f : files) {
    fs::path path = fs::path(output) / f.name;
    std::ofstream out(path, std::ios::binary);
    out << f.content;
    if (!out.flush()) {
      std::cerr << "tributary: cannot write " << path.string() << "\n";
      return kExitFailed;
    }
    std::cout << "wrote " << path.string() << "\n";
  }
  return kExitOk;
}

// The Databricks dbt task builds `--selector tributary_<frequency>`: returns
// the frequencies that have models (dbt rejects an empty selector), and warns
// when the dbt project's selectors.yml is missing or not what tributary would
// write now (models or tags changed since). nullopt when there is no manifest.
std::optional<std::set<std::string>> CheckSelectors(const Project& project) {
  const char* fix = "; run `tributary dbt selectors` before deploying the bundle";
  try {
    Manifest manifest = ObtainManifest(project, /*parse=*/true, nullptr);
    std::set<std::string> with_models;
    for (const auto& f : project.frequencies) {
      if (!SelectModels(project, manifest, {{f.name}, {}, std::nullopt}).build.empty()) {
        with_models.insert(f.name);
      }
    }
    auto path = ResolveDbtPaths(project).project_dir / "selectors.yml";
    auto text = ReadWholeFile(path);
    if (!text) {
      std::cerr << "tributary: warning: " << path.string() << " does not exist" << fix << "\n";
    } else if (*text != RenderSelectors(project, manifest)) {
      std::cerr << "tributary: warning: " << path.string()
                << " is out of date (models or their tags changed)" << fix << "\n";
    }
    return with_models;
  } catch (const Error& e) {
    std::cerr << "tributary: warning: cannot read the dbt models (" << e.what()
              << "); every job gets a dbt task\n";
    return std::nullopt;
  }
}

int Export(const GlobalOptions& global, const ExportFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  std::vector<std::string> names;
  for (const auto& f : project->frequencies) names.push_back(f.name);
  for (const auto& wanted : flags.frequencies) {
    if (std::find(names.begin(), names.end(), wanted) != names.end()) continue;
    std::cerr << "tributary: unknown frequency '" << wanted << "'" << DidYouMean(wanted, names)
              << "; declared: " << JoinNames(names) << "\n";
    return kExitUsage;
  }
  JobExportOptions options;
  options.format = *ParseJobFormat(flags.format);
  options.split = flags.split == "server"     ? JobSplit::kServer
                  : flags.split == "strategy" ? JobSplit::kStrategy
                                              : JobSplit::kNone;
  options.frequencies = flags.frequencies;
  std::error_code ec;
  options.self_path = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (project->dbt.enabled && options.format == JobFormat::kDatabricks) {
    options.dbt_frequencies = CheckSelectors(*project);
  }
  try {
    return Write(ExportJobs(*project, options), flags.output);
  } catch (const ExportError& e) {
    std::cerr << "tributary: " << e.what() << "\n";
    return kExitFailed;
  }
}

constexpr const char* kFooter =
    "One job per frequency that has tables, each running `tributary run --frequency <name>`\n"
    "on the frequency's schedule and time zone (with a dbt: block it also builds the models;\n"
    "Databricks jobs get a native dbt task after the loads instead; under dbt.selection yield\n"
    "a job does not fire when a less frequent one does, whose runs take its tables and\n"
    "models); --split runs one parallel task per server or\n"
    "strategy instead (Databricks tasks, Kubernetes containers, separate crontab lines and\n"
    "systemd units). Overlap, catch-up, pause and timeout settings are carried over where the\n"
    "engine has them (see docs/scheduling.md). A schedule the engine cannot express exactly\n"
    "(crontab and Kubernetes have no seconds, years, L, W or #) is refused, naming the\n"
    "frequency and why. Files: databricks <project>.jobs.yml + tributary_launcher.py, crontab\n"
    "tributary.crontab, systemd <unit>.service + .timer, kubernetes <name>.cronjob.yaml.\n"
    "Without --output they are printed.";

}  // namespace

void AddJobsCommand(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("jobs", "Export the frequencies as jobs for other schedulers");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<ExportFlags>();
  auto* exp = cmd->add_subcommand("export", "Write one job definition per frequency");
  exp->footer(kFooter);
  exp->add_option("-f,--format", flags->format, "databricks, crontab, systemd or kubernetes")
      ->required()
      ->check(CLI::IsMember(JobFormatNames()));
  exp->add_option("--split", flags->split, "One parallel task per 'server' or 'strategy'")
      ->check(CLI::IsMember({"none", "server", "strategy"}))
      ->capture_default_str();
  exp->add_option("--frequency", flags->frequencies, "Only these frequencies")->delimiter(',');
  exp->add_option("-o,--output", flags->output, "Write the files into this folder");
  exp->callback([&global, flags] { global.exit_code = Export(global, *flags); });
}

}  // namespace tributary::cli
