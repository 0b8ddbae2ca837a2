#include "config/diagnostics.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace tributary {
namespace {

const char* SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

std::string Place(const SourceLocation& w) {
  std::string out = w.file;
  if (w.line > 0) out += ":" + std::to_string(w.line);
  if (w.column > 0) out += ":" + std::to_string(w.column);
  return out;
}

}  // namespace

void Diagnostics::Error(const SourceLocation& where, std::string message, std::string hint) {
  items_.push_back({where, Severity::kError, std::move(message), std::move(hint)});
}

void Diagnostics::Warning(const SourceLocation& where, std::string message, std::string hint) {
  items_.push_back({where, Severity::kWarning, std::move(message), std::move(hint)});
}

bool Diagnostics::HasErrors() const { return ErrorCount() > 0; }

size_t Diagnostics::ErrorCount() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  }));
}

std::vector<Diagnostic> Diagnostics::Sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
  return out;
}

std::string Diagnostics::RenderText() const {
  std::string out;
  for (const auto& d : Sorted()) {
    out += Place(d.where) + ": " + SeverityName(d.severity) + ": " + d.message + "\n";
    if (!d.hint.empty()) out += "  hint: " + d.hint + "\n";
  }
  return out;
}

std::string Diagnostics::RenderJson() const {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& d : Sorted()) {
    all.push_back({{"file", d.where.file},
                   {"line", d.where.line},
                   {"column", d.where.column},
                   {"severity", SeverityName(d.severity)},
                   {"message", d.message},
                   {"hint", d.hint}});
  }
  // Replaces bytes that are not UTF-8 (a file name can hold any) instead of
  // throwing: the report must always print.
  return all.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace tributary
