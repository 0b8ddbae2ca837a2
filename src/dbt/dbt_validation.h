// `tributary validate` on the dbt side: frequency tags and the cross-layer
// rules between models, their upstream models and the bronze tables they
// read. Every problem is reported at once, naming the model and its file.
//
// Errors (the project would run wrongly): two frequency tags on one model; a
// tag that is a near-miss of a declared frequency (`hourlyy`: the model would
// silently run at the default frequency); a source in the bronze schema that
// names a table tributary does not load (every build of its models fails).
// Warnings (it runs, but wastes or goes stale by design): a tag that reads as
// a schedule but names no declared frequency (`weekly` when none is declared:
// the model runs at the default, which may be intended); a model more
// frequent than a bronze table it reads (an hourly model over a daily table
// rebuilds from unchanged data); a model more frequent than a model it
// depends on (it never sees fresher data than its parent's).
#pragma once

#include <string>

#include "config/diagnostics.h"
#include "config/project.h"
#include "dbt/manifest.h"

namespace tributary {

void ValidateDbtProject(const Project& project, const Manifest& manifest, Diagnostics& diagnostics);

// Obtains the manifest (`dbt parse` when the executable is found, else the
// last one written) and validates it. A project dbt cannot parse is an error
// at the dbt: block; no dbt and no manifest is a warning (the dbt checks are
// skipped, and said so). Never throws.
void ValidateDbtSide(const Project& project, Diagnostics& diagnostics);

// Where a file of the dbt project is shown in diagnostics: relative to the
// tributary project when it lies inside it ("dbt/models/stg_orders.sql").
SourceLocation DbtFileLocation(const Project& project, const std::string& file);

}  // namespace tributary
