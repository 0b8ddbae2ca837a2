#include "serve/health_state.h"

namespace tributary {

const char* HealthState(Health health) {
  switch (health) {
    case Health::kOk:
    case Health::kDue:
      return "fresh";
    case Health::kOverdue:
      return "late";
    case Health::kFailing:
      return "failing";
    case Health::kNever:
      return "never";
  }
  return "never";
}

}  // namespace tributary
