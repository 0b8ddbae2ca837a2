// The state a `cdc` task commits with every batch of history rows: where the
// source stream stands (the position every earlier transaction has landed
// before) and which stream it is (the reader's identity).
#pragma once

#include <string>
#include <string_view>

#include "source/cdc_reader.h"

namespace tributary {

struct CdcState {
  CdcCheckpoint checkpoint;
  std::string snapshot_position;  // where the last snapshot (initial load, backfill) was taken

  std::string ToJson() const;
  // Throws Error naming `task` when `json` is not a cdc state (the table was
  // loaded by another strategy before).
  static CdcState FromJson(std::string_view json, const std::string& task);
};

}  // namespace tributary
