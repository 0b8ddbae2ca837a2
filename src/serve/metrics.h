// GET /metrics: the project's status in the Prometheus text exposition
// format (version 0.0.4), one series per table, model and Power BI table,
// labelled table, layer, frequency, server and strategy. The metric names
// are an API (docs/status-page.md): added, never renamed.
#pragma once

#include <string>

#include "common/clock.h"
#include "serve/cdc_probe.h"
#include "serve/project_status.h"

namespace tributary {

// `status` null: the run history could not be read; then only tributary_up
// (0), tributary_info and the cdc streams are written. `cdc`: the last
// readings of the cdc tables' streams (cdc_probe.h).
std::string MetricsText(const Project& project, const ProjectStatus* status,
                        const std::vector<CdcReading>& cdc, TimePoint now);

// A label value escaped for the text format: \ " and newline.
std::string EscapeLabelValue(const std::string& value);

}  // namespace tributary
