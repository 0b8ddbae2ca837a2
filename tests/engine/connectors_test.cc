// The kinds table (config/kinds.h) and the binding (engine/connectors.cc)
// agree in both directions: every available kind opens, every binding has a
// row, and a kind the table reserves is refused with its reason.
#include "engine/connectors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"
#include "config/kinds.h"

namespace tributary {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> ServerKindsWhere(bool (*keep)(const ServerKind&)) {
  std::vector<std::string> names;
  for (const ServerKind& kind : ServerKinds()) {
    if (keep(kind)) names.emplace_back(kind.name);
  }
  return names;
}

TEST(ConnectorsTest, EveryAvailableServerKindHasASourceAndNoOtherKindHasOne) {
  EXPECT_THAT(
      BoundSourceKinds(),
      UnorderedElementsAreArray(ServerKindsWhere([](const ServerKind& k) { return k.available; })));
}

TEST(ConnectorsTest, ExactlyTheKindsWithCdcHaveAChangeReader) {
  EXPECT_THAT(BoundCdcKinds(), UnorderedElementsAreArray(ServerKindsWhere(
                                   [](const ServerKind& k) { return k.available && k.cdc; })));
  EXPECT_THAT(BoundCdcKinds(), UnorderedElementsAreArray(ServerKindNames(true)));
}

TEST(ConnectorsTest, EverySinkKindHasASinkAndEveryBindingARow) {
  EXPECT_THAT(BoundSinkKinds(), UnorderedElementsAreArray(SinkKindNames()));
}

TEST(ConnectorsTest, AReservedKindIsNotBoundAndSaysWhy) {
  for (const ServerKind& kind : ServerKinds()) {
    if (kind.available) continue;
    EXPECT_FALSE(kind.unavailable_why.empty()) << kind.name;
    Project project;
    ServerConfig server{"legacy", std::string(kind.name), {}, {}};
    EXPECT_THAT([&] { OpenSource(project, server, "x"); },
                ::testing::ThrowsMessage<SourceError>(HasSubstr("server 'legacy'")));
  }
}

TEST(ConnectorsTest, AKindWithoutAChangeReaderIsRefusedNamingTheServer) {
  Project project;
  ServerConfig server{"shop", "sqlite", {{"directory", "."}}, {}};
  Task task;
  task.server = "shop";
  EXPECT_THAT([&] { OpenCdcReader(project, server, task); },
              ::testing::ThrowsMessage<SourceError>(
                  AllOf(HasSubstr("server 'shop' is sqlite"), HasSubstr("postgresql"))));
}

}  // namespace
}  // namespace tributary
