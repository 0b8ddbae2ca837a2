// crontab(5): one line per job (or part), CRON_TZ for the frequency's zone,
// flock(1) for overlap, timeout(1) for the frequency's timeout, the
// environment file sourced for ${env:…} secrets, output appended to a log
// file per frequency.
#include <fmt/format.h>

#include "cron/cron_convert.h"
#include "schedule/job_export_formats.h"

namespace tributary::jobs {
namespace {

// Cron turns an unescaped % into a newline, even inside quotes.
std::string CronEscape(const std::string& command) {
  std::string out;
  for (char c : command) out += c == '%' ? std::string("\\%") : std::string(1, c);
  return out;
}

// A project-relative folder or file as the job's machine sees it.
std::string OnTarget(const ExportContext& ctx, const std::string& path) {
  return !path.empty() && path[0] == '/' ? path : ctx.project_dir + "/" + path;
}

std::string LogDir(const ExportContext& ctx) {
  const std::string& dir = ctx.project.jobs.log_dir;
  return dir.empty() ? ctx.project_dir + "/.tributary/logs" : OnTarget(ctx, dir);
}

// mkdir -p LOCKS LOGS && [set -a && . ENV_FILE && set +a &&]
// flock -n LOCKS/frequency-F.lock [timeout Nm] CMD ARGS... >>LOGS/F.log 2>&1
std::string Command(const ExportContext& ctx, const Job& job, const JobPart& part) {
  const FrequencyConfig& f = *job.frequency;
  std::string lock_dir = OnTarget(ctx, ctx.project.scheduler.lock_dir), log_dir = LogDir(ctx);
  std::string suffix = Slug(f.name, '_') + (part.name.empty() ? "" : "-" + Slug(part.name, '_'));
  std::string lock = fmt::format("{}/frequency-{}.lock", lock_dir, suffix);
  std::string out = fmt::format("mkdir -p {} {} && ", ShellQuote(lock_dir), ShellQuote(log_dir));
  if (!ctx.project.jobs.environment_file.empty()) {
    // set -a exports what the file assigns; cron's sh has no EnvironmentFile.
    out += fmt::format("set -a && . {} && set +a && ",
                       ShellQuote(OnTarget(ctx, ctx.project.jobs.environment_file)));
  }
  out += fmt::format("flock {}{}", f.overlap == "queue" ? "" : "-n ", ShellQuote(lock));
  if (f.timeout_minutes > 0) out += fmt::format(" timeout {}m", f.timeout_minutes);
  out += " " + ShellQuote(ctx.command);
  for (const auto& arg : ctx.RunArgs(job, part)) out += " " + ShellQuote(arg);
  out += fmt::format(" >>{} 2>&1", ShellQuote(fmt::format("{}/{}.log", log_dir, suffix)));
  return CronEscape(out);
}

}  // namespace

std::vector<ExportedFile> WriteCrontab(const ExportContext& ctx) {
  std::string missing = MissingEnvironment(
      ctx, ctx.project.jobs.environment_file, "environment_file",
      "a file of NAME=value lines (mode 600) that each cron line sources before tributary starts");
  if (!missing.empty()) throw ExportError(missing);
  std::vector<std::string> refusals;
  std::string body;
  for (const auto& job : ctx.jobs) {
    const FrequencyConfig& f = *job.frequency;
    CronConversion five = ToFiveFieldCron(f.cron);
    if (!five.ok()) {
      refusals.push_back(Refusal(f, five.why_not));
      continue;
    }
    body +=
        fmt::format("\n# {}: Quartz \"{}\" in {}, {} table{}; overlap: {}{}\n", job.Frequencies(),
                    f.cron, f.timezone, job.tables, job.tables == 1 ? "" : "s",
                    f.overlap == "queue" ? "queue (flock waits)" : "skip (flock -n)",
                    f.paused ? "; paused in tributary.yml" : "");
    body += "CRON_TZ=" + f.timezone + "\n";
    for (const auto& part : job.parts) {
      body += fmt::format("{}{} {}\n", f.paused ? "# " : "", five.text, Command(ctx, job, part));
    }
  }
  if (!refusals.empty()) {
    Refuse(ctx, refusals,
           "use --format systemd (seconds, years, L and # are supported there), run these "
           "frequencies with `tributary schedule run`, or change their cron");
  }
  std::string head = CommentBlock(
      ctx.Header() +
      "\nInstall with `crontab FILE` (this replaces the user's crontab) or merge it into one.\n"
      "CRON_TZ sets the time zone of the entries after it: cronie (Fedora, RHEL, Arch, Ubuntu "
      "24.04+)\nhonours it; Debian's cron ignores it and reads the system time zone. Cron does "
      "not catch up\nticks missed while the machine was off, whatever `catch_up` says.\n"
      "Each job appends its output to " +
      LogDir(ctx) + "/<frequency>.log (rotate it with logrotate)." +
      (ctx.project.jobs.user.empty() ? std::string()
                                     : "\nInstall it as " + ctx.project.jobs.user +
                                           ": `crontab -u " + ctx.project.jobs.user + " FILE`."));
  return {{"tributary.crontab", head + body}};
}

}  // namespace tributary::jobs
