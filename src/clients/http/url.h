// URL pieces the HTTP client and the signers share: percent-encoding,
// query strings, and a form of a URL safe for messages.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~)
// stay, every other byte becomes %XX (upper-case hex); '/' stays when
// `keep_slash` (object keys in paths).
std::string PercentEncode(std::string_view text, bool keep_slash = false);

// Decodes %XX escapes ('+' stays '+').
std::string PercentDecode(std::string_view text);

// "a=1&b=x%20y": names and values percent-encoded, in the given order.
std::string EncodeQuery(const QueryParams& params);

// Splits "a=1&b=x%20y" into decoded pairs, in order.
QueryParams ParseQuery(std::string_view query);

// `url` without its query string and user info, for error messages: a SAS
// token or a signature in the query must never reach a message or a log.
std::string RedactUrl(std::string_view url);

}  // namespace tributary
