// Kubernetes: a batch/v1 CronJob per job, with the frequency's time zone
// (spec.timeZone), concurrencyPolicy Forbid (a tick finding the previous run
// going is skipped), one container per part (parts run in parallel in one
// pod) and the timeout as the Job's activeDeadlineSeconds.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "cron/cron_convert.h"
#include "schedule/job_export_formats.h"

namespace tributary::jobs {
namespace {

constexpr size_t kMaxCronJobName = 52;  // the Job controller appends 11 characters

void Containers(YAML::Emitter& out, const ExportContext& ctx, const Job& job) {
  out << YAML::Key << "containers" << YAML::Value << YAML::BeginSeq;
  for (const auto& part : job.parts) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value
        << (part.name.empty() ? "tributary" : "tributary-" + Slug(part.name, '-'));
    out << YAML::Key << "image" << YAML::Value << ctx.project.jobs.kubernetes_image;
    out << YAML::Key << "command" << YAML::Value << YAML::Flow << YAML::BeginSeq << ctx.command;
    for (const auto& arg : ctx.RunArgs(job, part)) out << arg;
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void JobTemplate(YAML::Emitter& out, const ExportContext& ctx, const Job& job) {
  out << YAML::Key << "jobTemplate" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "backoffLimit" << YAML::Value << 0;
  if (job.frequency->timeout_minutes > 0) {
    out << YAML::Key << "activeDeadlineSeconds" << YAML::Value
        << job.frequency->timeout_minutes * 60;
  }
  out << YAML::Key << "template" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "restartPolicy" << YAML::Value << "Never";
  Containers(out, ctx, job);
  out << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap;
}

std::string CronJob(const ExportContext& ctx, const Job& job, const std::string& name,
                    const std::string& schedule) {
  const FrequencyConfig& f = *job.frequency;
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "batch/v1";
  out << YAML::Key << "kind" << YAML::Value << "CronJob";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  if (!ctx.project.jobs.kubernetes_namespace.empty()) {
    out << YAML::Key << "namespace" << YAML::Value << ctx.project.jobs.kubernetes_namespace;
  }
  out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "app.kubernetes.io/name" << YAML::Value << "tributary";
  out << YAML::Key << "tributary/project" << YAML::Value << Slug(ctx.project.name, '-');
  out << YAML::Key << "tributary/frequency" << YAML::Value << Slug(f.name, '-');
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "schedule" << YAML::Value << YAML::DoubleQuoted << schedule;
  out << YAML::Comment(fmt::format("Quartz \"{}\"", f.cron));
  out << YAML::Key << "timeZone" << YAML::Value << f.timezone;
  out << YAML::Key << "concurrencyPolicy" << YAML::Value << "Forbid";
  if (f.overlap == "queue") out << YAML::Comment("overlap: queue has no CronJob equivalent");
  out << YAML::Key << "suspend" << YAML::Value << f.paused;
  if (f.catch_up == "none") {
    // The controller looks every 10 seconds: a shorter deadline may never start.
    out << YAML::Key << "startingDeadlineSeconds" << YAML::Value
        << std::max(10, ctx.project.scheduler.misfire_grace_seconds);
  }
  JobTemplate(out, ctx, job);
  out << YAML::EndMap << YAML::EndMap;
  return out.c_str();
}

}  // namespace

std::vector<ExportedFile> WriteKubernetes(const ExportContext& ctx) {
  if (ctx.project.jobs.kubernetes_image.empty()) {
    throw ExportError(
        "cannot export to kubernetes: no container image; set jobs.kubernetes_image in "
        "tributary.yml to an image holding the tributary executable");
  }
  std::vector<std::string> refusals;
  std::vector<ExportedFile> files;
  for (const auto& job : ctx.jobs) {
    const FrequencyConfig& f = *job.frequency;
    CronConversion five = ToFiveFieldCron(f.cron);
    std::string name = Slug(ctx.project.name, '-') + "-" + Slug(job.key, '-');
    if (!five.ok()) {
      refusals.push_back(Refusal(f, five.why_not));
    } else if (name.size() > kMaxCronJobName) {
      refusals.push_back(Refusal(f, fmt::format("the CronJob name '{}' is longer than {} "
                                                "characters; shorten the project or frequency name",
                                                name, kMaxCronJobName)));
    } else {
      files.push_back({name + ".cronjob.yaml",
                       CommentBlock(ctx.Header()) + CronJob(ctx, job, name, five.text) + "\n"});
    }
  }
  if (!refusals.empty()) {
    Refuse(ctx, refusals,
           "run these frequencies with `tributary schedule run`, or change their cron");
  }
  return files;
}

}  // namespace tributary::jobs
