#include "dbt/selectors_file.h"

#include <fmt/format.h>

#include "config/frequency_rank.h"
#include "dbt/selection.h"

namespace tributary {

std::string RenderSelectors(const Project& project, const Manifest& manifest) {
  FrequencyRank rank(project.frequencies);
  std::string out =
      "# Written by `tributary dbt selectors`; regenerate it when models or their tags change.\n"
      "# Each selector names the models of that frequency and of every more frequent one.\n"
      "selectors:\n";
  for (const auto& frequency : rank.Ordered()) {
    SelectionRequest request;
    request.frequencies = {frequency};
    auto selection = SelectModels(project, manifest, request);
    if (selection.build.empty()) continue;
    out += fmt::format(
        "  - name: tributary_{}\n    description: \"models built by `tributary run --frequency "
        "{}`\"\n    definition:\n      union:\n",
        frequency, frequency);
    for (const auto& arg : SelectArguments(selection.build)) {
      out += fmt::format("        - method: fqn\n          value: \"{}\"\n", arg);
    }
  }
  return out;
}

}  // namespace tributary
