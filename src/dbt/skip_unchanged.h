// `skip_unchanged: true`: which of a run's selected models need no build
// because nothing they read changed since their last build. tributary knows
// what every load committed (the run history's last change of each bronze
// table) and what each model was built from (a stamp of its SQL, config and
// macros per build), so a model is left out when
//   - it was built before, its last attempt succeeded, and its stamp is the same;
//   - every bronze table it reads landed no rows since that build started
//     (loads of the build's own run came before it);
//   - every model it reads was not built since then, in this run or another
//     (a parent built in the same dbt build as it came first);
//   - it reads nothing else (seeds, snapshots, sources tributary does not
//     load: those could have changed unseen, so such a model is always built).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/project.h"
#include "dbt/manifest.h"
#include "dbt/selection.h"
#include "sink/run_log.h"

namespace tributary {

// model unique_id → the stamp of its last successful build.
using BuildStamps = std::map<std::string, std::string>;

// What a build of `model` is made from: its fingerprint with the dbt target
// and vars tributary passes.
std::string BuildStamp(const Project& project, const DbtModel& model);

// The stamps file (<project>/.tributary/dbt/build_stamps.json). A missing or
// unreadable file reads as empty: every model is then built once.
BuildStamps LoadBuildStamps(const std::filesystem::path& file);
// Written atomically. Throws Error when the file cannot be written.
void SaveBuildStamps(const std::filesystem::path& file, const BuildStamps& stamps);

struct UnchangedModel {
  ModelPick pick;
  std::string reason;  // "nothing it reads changed since its build at …"
};

// Removes from `build` (a selection in unique_id order) the models that need
// no build, and returns them. `history` is the run log's (read after this
// run's loads). REQUIRES: project.dbt.enabled.
std::vector<UnchangedModel> DropUnchanged(const Project& project, const Manifest& manifest,
                                          const std::vector<TaskHistory>& history,
                                          const BuildStamps& stamps, std::vector<ModelPick>& build);

}  // namespace tributary
