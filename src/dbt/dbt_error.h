// The error every dbt step throws: a manifest that does not parse, a dbt
// executable that cannot start, a run_results.json that cannot be read.
#pragma once

#include "common/error.h"

namespace tributary {

// Messages name the dbt project (or file) and say what to do.
class DbtError : public Error {
 public:
  using Error::Error;
};

}  // namespace tributary
