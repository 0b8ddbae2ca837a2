// GET /metrics: the project's status in the Prometheus text exposition
// format (version 0.0.4), one series per table, model and Power BI table,
// labelled table, layer, frequency, server and strategy. The metric names
// are an API (docs/status-page.md): added, never renamed.
#pragma once

#include <string>

#include "common/clock.h"
#include "serve/project_status.h"

namespace tributary {

// `up`: the run history could be read; when not, only tributary_up (0) and
// tributary_info are written.
std::string MetricsText(const Project& project, const ProjectStatus* status, TimePoint now);

// A label value escaped for the text format: \ " and newline.
std::string EscapeLabelValue(const std::string& value);

}  // namespace tributary
