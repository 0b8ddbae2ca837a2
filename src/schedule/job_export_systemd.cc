// systemd: a oneshot service and a timer per job (per part when split). A
// timer never starts its service while it still runs, so a tick finding the
// previous run going is skipped; Persistent= catches missed ticks up once.
// Services run in the project folder as jobs.user, read ${env:…} secrets
// from jobs.environment_file and log to the journal under the unit's name.
#include <fmt/format.h>

#include "cron/cron_convert.h"
#include "schedule/job_export_formats.h"

namespace tributary::jobs {
namespace {

// One word of ExecStart=: quoted when needed; % and $ are systemd specifier
// and variable characters, doubled to stay literal.
std::string ExecWord(const std::string& arg) {
  std::string out;
  bool quote = arg.empty() || arg.find_first_of(" \t\"'\\;") != std::string::npos;
  for (char c : arg) {
    if (c == '%' || c == '$') out += c;
    if (quote && (c == '"' || c == '\\')) out += '\\';
    out += c;
  }
  return quote ? "\"" + out + "\"" : out;
}

// A path setting (WorkingDirectory=, EnvironmentFile=): the rest of the line
// as it is, spaces included, no quotes; % doubled to stay literal.
std::string UnitPath(const std::string& path) {
  std::string out;
  for (char c : path) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out;
}

std::string Service(const ExportContext& ctx, const Job& job, const JobPart& part,
                    const std::string& unit) {
  const FrequencyConfig& f = *job.frequency;
  std::string exec = ExecWord(ctx.command);
  for (const auto& arg : ctx.RunArgs(job, part)) exec += " " + ExecWord(arg);
  std::string out = CommentBlock(ctx.Header());
  out += fmt::format("\n[Unit]\nDescription=tributary {}: load the {} tables{}\n", ctx.project.name,
                     job.Frequencies(), part.name.empty() ? "" : " of " + part.name);
  out += "\n[Service]\nType=oneshot\n";
  const JobsConfig& jobs = ctx.project.jobs;
  if (!jobs.user.empty()) out += fmt::format("User={}\n", jobs.user);
  out += fmt::format("WorkingDirectory={}\n", UnitPath(ctx.project_dir));
  if (!jobs.environment_file.empty()) {
    const std::string& file = jobs.environment_file;
    out += fmt::format("EnvironmentFile={}\n",
                       UnitPath(file[0] == '/' ? file : ctx.project_dir + "/" + file));
  }
  out += fmt::format("ExecStart={}\n", exec);
  out += fmt::format(
      "StandardOutput=journal\nStandardError=journal\nSyslogIdentifier={}\n"
      "# Its log: journalctl -u {}.service\n",
      unit, unit);
  if (f.timeout_minutes > 0) {
    out += fmt::format(
        "# timeout_minutes: stopped (SIGTERM: unfinished tables roll back)\n"
        "TimeoutStartSec={}min\n",
        f.timeout_minutes);
  }
  return out;
}

std::string Timer(const ExportContext& ctx, const Job& job, const std::string& calendar) {
  const FrequencyConfig& f = *job.frequency;
  std::string out = CommentBlock(ctx.Header());
  if (f.paused) out += "# paused in tributary.yml: do not enable this timer\n";
  if (f.overlap == "queue") {
    out +=
        "# overlap: queue is not available with systemd timers: a tick that finds the\n"
        "# previous run going is skipped\n";
  }
  out += fmt::format("\n[Unit]\nDescription=tributary {}: {} (Quartz \"{}\" in {})\n",
                     ctx.project.name, f.name, f.cron, f.timezone);
  out += fmt::format("\n[Timer]\nOnCalendar={}\nAccuracySec=1s\nPersistent={}\n", calendar,
                     f.catch_up == "once" ? "true" : "false");
  out += "\n[Install]\nWantedBy=timers.target\n";
  return out;
}

}  // namespace

std::vector<ExportedFile> WriteSystemd(const ExportContext& ctx) {
  std::string missing = MissingEnvironment(
      ctx, ctx.project.jobs.environment_file, "environment_file",
      "a file of NAME=value lines (mode 600, owned by jobs.user) for the services' "
      "EnvironmentFile=");
  if (!missing.empty()) throw ExportError(missing);
  std::vector<std::string> refusals;
  std::vector<ExportedFile> files;
  for (const auto& job : ctx.jobs) {
    const FrequencyConfig& f = *job.frequency;
    CronConversion calendar = ToSystemdCalendar(f.cron, f.timezone);
    if (!calendar.ok()) {
      refusals.push_back(Refusal(f, calendar.why_not));
      continue;
    }
    for (const auto& part : job.parts) {
      std::string unit =
          fmt::format("tributary-{}-{}{}", Slug(ctx.project.name, '-'), Slug(job.key, '-'),
                      part.name.empty() ? "" : "-" + Slug(part.name, '-'));
      files.push_back({unit + ".service", Service(ctx, job, part, unit)});
      files.push_back({unit + ".timer", Timer(ctx, job, calendar.text)});
    }
  }
  if (!refusals.empty()) {
    Refuse(ctx, refusals,
           "run these frequencies with `tributary schedule run`, or change their cron");
  }
  return files;
}

}  // namespace tributary::jobs
