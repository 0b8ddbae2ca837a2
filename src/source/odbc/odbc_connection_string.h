// ODBC connection strings: `KEY=value;KEY={value}`. A value holding any of
// `; { } =` or a blank is wrapped in braces with each `}` doubled, so a password like `p;w}d`
// cannot end its attribute early or inject another one.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary {

// `value` as it must appear after `KEY=`.
std::string QuoteOdbcValue(std::string_view value);

class OdbcConnectionString {
 public:
  // Appends `key=value`. `secret` marks values Redacted() hides. Throws Error
  // for an empty or malformed key, or a value holding a NUL character.
  OdbcConnectionString& Add(std::string_view key, std::string_view value, bool secret = false);

  // The string to hand to SQLDriverConnect.
  std::string str() const;
  // The same with secret values shown as `***`: safe for logs and errors.
  std::string Redacted() const;
  // The secret values, to scrub from driver messages.
  std::vector<std::string> Secrets() const;

 private:
  struct Part {
    std::string key;
    std::string value;
    bool secret;
  };
  std::string Render(bool redact) const;

  std::vector<Part> parts_;
};

}  // namespace tributary
