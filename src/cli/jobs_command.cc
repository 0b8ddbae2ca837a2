// tributary jobs export: job definitions for Databricks, crontab, systemd or
// Kubernetes, one job per frequency (schedule/job_export.h).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "common/did_you_mean.h"
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
  try {
    return Write(ExportJobs(*project, options), flags.output);
  } catch (const ExportError& e) {
    std::cerr << "tributary: " << e.what() << "\n";
    return kExitFailed;
  }
}

constexpr const char* kFooter =
    "One job per frequency that has tables, each running `tributary run --frequency <name>`\n"
    "on the frequency's schedule and time zone; --split runs one parallel task per server or\n"
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
