// How the process asks glibc's malloc to manage memory. Its defaults give
// freed memory back to the kernel eagerly (a heap's free top beyond 128 kB
// at first, and blocks above an adaptive size straight to munmap), so the
// batches a load keeps allocating and freeing — a few MB each, allocated by
// the reader's thread and freed by the writer's — and DuckDB's blocks are
// faulted in, zero-filled, page by page again and again: 85–127 thousand
// page faults for a 5-million-row load (bench/RESULTS.md), half of them for
// memory the process had just given back.
#pragma once

namespace tributary {

// Serves allocations below 8 MB from malloc's heaps and keeps up to 32 MB
// free at the top of each, so freed batches are reused without faulting
// (measured: 64 MB faults no less and holds up to 40 MB more at peak with
// the Delta sink's several threads; 16 MB faults a quarter more).
// Call first thing in main, before any thread starts. Returns false and
// changes nothing when GLIBC_TUNABLES sets malloc's parameters (the user's
// settings win), or on a C library other than glibc.
bool TuneAllocator();

// Gives the free memory of every heap back to the kernel: for a long-running
// process between pieces of work (the scheduler after each run).
void ReleaseFreeMemory();

}  // namespace tributary
