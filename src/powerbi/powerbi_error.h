// A Power BI step failed for one semantic model: the identity provider
// refused the service principal, a workspace or dataset is unknown, Power BI
// refused or failed a refresh. Messages name the semantic model (and the
// tables) and never carry a secret or a token.
#pragma once

#include "common/error.h"

namespace tributary {

class PowerBiError : public Error {
 public:
  using Error::Error;
};

}  // namespace tributary
