#include "strategy/cdc_state.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace tributary {

std::string CdcState::ToJson() const {
  nlohmann::ordered_json j;
  j["strategy"] = "cdc";
  j["position"] = checkpoint.position;
  j["snapshot_position"] = snapshot_position;
  j["source"] = nlohmann::ordered_json::parse(checkpoint.identity);
  return j.dump();
}

CdcState CdcState::FromJson(std::string_view json, const std::string& task) {
  try {
    auto j = nlohmann::json::parse(json);
    if (j.at("strategy").get<std::string>() != "cdc") throw Error("not a cdc state");
    CdcState state;
    state.checkpoint.position = j.at("position").get<std::string>();
    state.checkpoint.identity = j.at("source").dump();
    state.snapshot_position = j.value("snapshot_position", "");
    return state;
  } catch (const std::exception& e) {
    throw Error(fmt::format(
        "task '{}': the stored state is not a CDC position ({}); if the table was loaded by "
        "another strategy before, start its capture afresh with `tributary backfill --tables {}`",
        task, e.what(), task));
  }
}

}  // namespace tributary
