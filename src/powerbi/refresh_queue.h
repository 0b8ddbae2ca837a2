// One refresh at a time per semantic model, across the tributary processes
// of a project on one machine (the hourly job meeting the daily job's
// refresh): a small queue file per semantic model under
// <project>/.tributary/powerbi/, read and written under a file lock. A
// process whose request finds the model busy leaves its tables in the queue
// and waits; the next process to send a request for that model sends its own
// tables and every waiting one, and records the request; a waiting process
// that finds its tables in a request started after it queued follows that
// request instead of sending another. A process that dies while waiting
// leaves its tables to the next request, so nothing stays undone.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tributary {

struct QueuedTable {
  std::string table;
  bool incremental = false;
};

// Not thread-safe: one per semantic model and process (or thread).
class RefreshQueue {
 public:
  // `dir` holds the queue files (created when needed).
  RefreshQueue(std::filesystem::path dir, const std::string& semantic_model);

  struct Turn {
    std::string request_id;         // "" when the model is busy: wait and call Take again
    bool merged = false;            // the request is another process's, with these tables in it
    std::vector<QueuedTable> sent;  // the tables of the request this process sent
  };

  // Sends a request (or finds one to follow) under the queue's lock. `post`
  // sends a request for the given tables and returns its id, or "" when the
  // model is busy; its exceptions pass through (the queue is left as it was).
  // Throws SinkError when the queue file cannot be read or written.
  using Post = std::function<std::string(const std::vector<QueuedTable>&)>;
  Turn Take(const std::vector<QueuedTable>& mine, const Post& post);

 private:
  std::filesystem::path file_;
  std::filesystem::path lock_;
  int64_t ticket_ = -1;  // the queue's sequence number when this process queued
};

}  // namespace tributary
