#include "powerbi/refresh_queue.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/files.h"

namespace tributary {
namespace {

using nlohmann::json;

constexpr size_t kRequestsKept = 50;

std::string FileName(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return out;
}

// Adds `add` to `tables`, once per table (incremental if either says so).
void Merge(std::vector<QueuedTable>& tables, const std::vector<QueuedTable>& add) {
  for (const auto& t : add) {
    auto it = std::find_if(tables.begin(), tables.end(),
                           [&](const QueuedTable& q) { return q.table == t.table; });
    if (it == tables.end()) {
      tables.push_back(t);
    } else {
      it->incremental |= t.incremental;
    }
  }
}

struct QueueState {
  int64_t seq = 0;
  std::vector<QueuedTable> waiting;
  json requests = json::array();  // [{id, seq, tables: [name]}], oldest first
};

QueueState Read(const std::filesystem::path& file) {
  QueueState q;
  auto text = ReadWholeFile(file);
  if (!text) return q;
  auto doc = json::parse(*text, nullptr, false);
  if (!doc.is_object()) return q;  // torn by hand: start afresh
  q.seq = doc.value("seq", int64_t{0});
  for (const auto& w : doc.value("waiting", json::array())) {
    q.waiting.push_back({w.value("table", ""), w.value("incremental", false)});
  }
  q.requests = doc.value("requests", json::array());
  return q;
}

void Write(const std::filesystem::path& file, const QueueState& q) {
  json doc = {{"seq", q.seq}, {"waiting", json::array()}, {"requests", q.requests}};
  for (const auto& w : q.waiting) {
    doc["waiting"].push_back({{"table", w.table}, {"incremental", w.incremental}});
  }
  ReplaceFileAtomically(file, doc.dump(2) + "\n");
}

bool Covers(const json& request, const std::vector<QueuedTable>& mine) {
  auto tables = request.value("tables", std::vector<std::string>{});
  return std::all_of(mine.begin(), mine.end(), [&](const QueuedTable& t) {
    return std::find(tables.begin(), tables.end(), t.table) != tables.end();
  });
}

}  // namespace

RefreshQueue::RefreshQueue(std::filesystem::path dir, const std::string& semantic_model)
    : file_(dir / (FileName(semantic_model) + ".queue.json")),
      lock_(dir / (FileName(semantic_model) + ".lock")) {}

RefreshQueue::Turn RefreshQueue::Take(const std::vector<QueuedTable>& mine, const Post& post) {
  FileLock lock = FileLock::Acquire(lock_);
  QueueState q = Read(file_);
  Turn turn;
  if (ticket_ >= 0) {
    for (const auto& r : q.requests) {
      if (r.value("seq", int64_t{0}) > ticket_ && Covers(r, mine)) {
        turn.request_id = r.value("id", "");
        turn.merged = true;
        return turn;
      }
    }
  }
  std::vector<QueuedTable> tables = mine;
  Merge(tables, q.waiting);
  turn.request_id = post(tables);
  if (turn.request_id.empty()) {
    Merge(q.waiting, mine);
    if (ticket_ < 0) ticket_ = q.seq;
  } else {
    json names = json::array();
    for (const auto& t : tables) names.push_back(t.table);
    q.requests.push_back({{"id", turn.request_id}, {"seq", ++q.seq}, {"tables", names}});
    if (q.requests.size() > kRequestsKept) q.requests.erase(q.requests.begin());
    q.waiting.clear();
    turn.sent = tables;
  }
  Write(file_, q);
  return turn;
}

}  // namespace tributary
