// `tributary jobs export`: one job definition per frequency for the
// schedulers teams already run (Databricks jobs, crontab, systemd timers,
// Kubernetes CronJobs), each job invoking `tributary run --frequency <name>`
// (optionally split per server or strategy into parallel tasks). Schedules
// are carried over exactly or the export is refused with the reason.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "config/project.h"

namespace tributary {

enum class JobFormat { kDatabricks, kCrontab, kSystemd, kKubernetes };
enum class JobSplit { kNone, kServer, kStrategy };

struct JobExportOptions {
  JobFormat format = JobFormat::kDatabricks;
  JobSplit split = JobSplit::kNone;
  std::vector<std::string> frequencies;  // only these; empty: every frequency with tables
  std::string self_path;  // this executable: the default `jobs.command` for crontab/systemd
  // Databricks with dbt: the frequencies whose selector names models (a job
  // of another gets no dbt task); nullopt: every frequency's.
  std::optional<std::set<std::string>> dbt_frequencies;
};

struct ExportedFile {
  std::string name;  // file name, no directory
  std::string content;
};

// A schedule another engine cannot express exactly, or a setting it needs.
class ExportError : public Error {
 public:
  using Error::Error;
};

// The definitions, in a stable order. Throws ExportError naming every
// frequency that cannot be exported and why, and what to do instead.
std::vector<ExportedFile> ExportJobs(const Project& project, const JobExportOptions& options);

const std::vector<std::string>& JobFormatNames();  // databricks, crontab, systemd, kubernetes
std::optional<JobFormat> ParseJobFormat(std::string_view name);
const char* JobFormatName(JobFormat format);

}  // namespace tributary
