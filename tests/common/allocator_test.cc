// The allocator tuning keeps freed batches in the process: the load's
// allocation pattern (blocks of 256 kB to 4 MB allocated by one thread,
// freed by another, over and over) stops faulting once tuned. Each case
// runs in a child process, whose allocator nothing else has touched.
#include "common/allocator.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace tributary {
namespace {

long MinorFaults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Page faults of ten rounds of the pattern, after two rounds of warm-up.
long FaultsOfTheLoadPattern() {
  long before = 0;
  for (int round = 0; round < 12; ++round) {
    if (round == 2) before = MinorFaults();
    std::vector<char*> blocks;
    std::thread reader([&] {
      for (int i = 0; i < 24; ++i) {
        size_t size = (size_t{1} << 18) << (i % 5);  // 256 kB … 4 MB
        auto* p = static_cast<char*>(std::malloc(size));
        std::memset(p, 1, size);
        blocks.push_back(p);
      }
    });
    reader.join();
    for (char* p : blocks) std::free(p);
  }
  return MinorFaults() - before;
}

struct ChildResult {
  bool tuned = false;
  long faults = -1;
  long rss_kept_kb = -1;      // after freeing 24 MB, tuned
  long rss_released_kb = -1;  // after ReleaseFreeMemory
};

long RssKb() {
  long pages = 0, resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  int n = std::fscanf(f, "%ld %ld", &pages, &resident);
  std::fclose(f);
  return n == 2 ? resident * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

// Frees 24 MB of 1 MB blocks (touched) and reports RSS before and after
// ReleaseFreeMemory.
void KeepThenRelease(ChildResult& r) {
  std::vector<char*> blocks;
  for (int i = 0; i < 24; ++i) {
    auto* p = static_cast<char*>(std::malloc(size_t{1} << 20));
    std::memset(p, 1, size_t{1} << 20);
    blocks.push_back(p);
  }
  for (char* p : blocks) std::free(p);
  r.rss_kept_kb = RssKb();
  ReleaseFreeMemory();
  r.rss_released_kb = RssKb();
}

// Runs `tunables` (nullptr: unset), optionally TuneAllocator, then the
// pattern, in a child process.
ChildResult InChild(const char* tunables, bool tune) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (tunables != nullptr) setenv("GLIBC_TUNABLES", tunables, 1);
    ChildResult r;
    r.tuned = tune && TuneAllocator();
    r.faults = FaultsOfTheLoadPattern();
    KeepThenRelease(r);
    ssize_t written = write(fds[1], &r, sizeof(r));
    _exit(written == sizeof(r) ? 0 : 1);
  }
  close(fds[1]);
  ChildResult r;
  EXPECT_EQ(read(fds[0], &r, sizeof(r)), static_cast<ssize_t>(sizeof(r)));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return r;
}

// Sanitizers replace malloc with their own allocator, which mallopt does not reach.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kOwnAllocator = true;
#else
constexpr bool kOwnAllocator = false;
#endif

TEST(AllocatorTest, TunedTheLoadPatternReusesMemoryInsteadOfFaulting) {
  if (kOwnAllocator) GTEST_SKIP() << "a sanitizer's allocator is in place of glibc's";
  ChildResult plain = InChild(nullptr, false);
  ChildResult tuned = InChild(nullptr, true);
  EXPECT_TRUE(tuned.tuned);
  // 10 rounds × 24 blocks of up to 4 MB: glibc's defaults fault most of it
  // in again every round; tuned, the rounds after warm-up reuse it.
  EXPECT_GT(plain.faults, 10000);
  EXPECT_LT(tuned.faults * 20, plain.faults);
}

TEST(AllocatorTest, FreeMemoryKeptByTheTuningGoesBackOnRequest) {
  if (kOwnAllocator) GTEST_SKIP() << "a sanitizer's allocator is in place of glibc's";
  ChildResult tuned = InChild(nullptr, true);
  // The 24 MB freed stay resident (below the 32 MB kept) until released.
  EXPECT_GT(tuned.rss_kept_kb - tuned.rss_released_kb, 20 * 1024);
}

TEST(AllocatorTest, TheUsersMallocTunablesWin) {
  if (kOwnAllocator) GTEST_SKIP() << "a sanitizer's allocator is in place of glibc's";
  ChildResult r = InChild("glibc.malloc.arena_max=2", true);
  EXPECT_FALSE(r.tuned);
  EXPECT_TRUE(InChild("glibc.rtld.nns=4", true).tuned);  // other tunables do not count
}

}  // namespace
}  // namespace tributary
