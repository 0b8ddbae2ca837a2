#include "sink/sink_identity.h"

#include <fmt/format.h>

#include <random>

namespace tributary {

std::string NewSinkIdentity() {
  std::random_device random;
  std::string id;
  for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", static_cast<uint32_t>(random()));
  return id;
}

}  // namespace tributary
