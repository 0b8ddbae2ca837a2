// Names the calling thread, so `top -H`, `ps -L`, perf and gdb show what each
// of tributary's threads does ("read", "read-2", "delta-copy", …) instead of
// a dozen threads called "tributary". Threads DuckDB starts keep the name of
// the process.
#pragma once

#include <string>
#include <string_view>

namespace tributary {

// Linux keeps at most 15 characters of a thread's name: longer names are cut.
constexpr size_t kMaxThreadName = 15;

// Sets the calling thread's name (cut to kMaxThreadName). Best effort: a
// failure leaves the old name.
void NameThisThread(std::string_view name);

// The calling thread's name, "" when it cannot be read.
std::string ThisThreadName();

}  // namespace tributary
