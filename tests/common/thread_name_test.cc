// Threads carry names that tools (top -H, ps -L, perf, gdb) show.
#include "common/thread_name.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace tributary {
namespace {

TEST(ThreadNameTest, NamesTheCallingThreadOnly) {
  std::string before = ThisThreadName();
  std::string inside;
  std::thread t([&] {
    NameThisThread("read-3");
    inside = ThisThreadName();
  });
  t.join();
  EXPECT_EQ(inside, "read-3");
  EXPECT_EQ(ThisThreadName(), before);
}

TEST(ThreadNameTest, LongNamesAreCutToWhatLinuxKeeps) {
  std::string inside;
  std::thread t([&] {
    NameThisThread("a-name-longer-than-fifteen");
    inside = ThisThreadName();
  });
  t.join();
  EXPECT_EQ(inside, std::string("a-name-longer-than-fifteen").substr(0, kMaxThreadName));
  EXPECT_EQ(inside.size(), 15u);
}

}  // namespace
}  // namespace tributary
