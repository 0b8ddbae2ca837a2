// UTF-8 validation shared by readers (which reject bad text with the row that
// holds it) and sinks (whose engines require valid UTF-8 in text columns).
#pragma once

#include <string_view>

namespace tributary {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code
// points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace tributary
