// Text conversions at the ODBC boundary. tributary speaks UTF-8; ODBC's wide
// ("W") functions and SQL_C_WCHAR buffers speak UTF-16 (SQLWCHAR is 16 bits
// under unixODBC). Going through the wide API makes the result independent
// of the driver's client character set and of the process locale.
#pragma once

#include <sql.h>
#include <sqlext.h>

#include <string>
#include <string_view>

namespace tributary {

using WideString = std::basic_string<SQLWCHAR>;

// UTF-8 → UTF-16. Throws Error naming `what` when `text` is not valid UTF-8.
WideString ToWide(std::string_view text, std::string_view what = "text");

// Appends the UTF-8 form of `count` UTF-16 units to `out`. Returns false
// (leaving `out` partly appended) on an unpaired surrogate, which UTF-8
// cannot represent.
bool AppendUtf8(const SQLWCHAR* units, size_t count, std::string& out);

// Lenient UTF-16 → UTF-8 for driver messages and names: an unpaired
// surrogate becomes U+FFFD instead of failing.
std::string FromWide(const SQLWCHAR* units, size_t count);

}  // namespace tributary
