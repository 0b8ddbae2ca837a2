// Problems found in a project's configuration, each with the place it was
// written and a hint saying what to do. Validation collects them all instead
// of stopping at the first.
#pragma once

#include <string>
#include <vector>

#include "config/project.h"

namespace tributary {

enum class Severity { kError, kWarning };

struct Diagnostic {
  SourceLocation where;
  Severity severity = Severity::kError;
  std::string message;
  std::string hint;  // may be empty
};

class Diagnostics {
 public:
  void Error(const SourceLocation& where, std::string message, std::string hint = "");
  void Warning(const SourceLocation& where, std::string message, std::string hint = "");

  bool empty() const { return items_.empty(); }
  bool HasErrors() const;
  size_t ErrorCount() const;
  // Sorted by file, line, column (stable for equal places).
  std::vector<Diagnostic> Sorted() const;

  // Compiler style, one problem per entry:
  //   ingest/full/shop.yml:7:20: error: unknown frequency 'hourlyy' (did you mean 'hourly'?)
  //     hint: frequencies are declared in tributary.yml: daily, hourly
  std::string RenderText() const;
  // A JSON array of {file, line, column, severity, message, hint}.
  std::string RenderJson() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace tributary
