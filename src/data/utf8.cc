#include "data/utf8.h"

#include <cstdint>
#include <cstring>

namespace tributary {
namespace {

// Length of the sequence starting with `lead`, or 0 when it cannot start one.
int SequenceLength(uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

bool IsContinuation(uint8_t c) { return (c & 0xC0) == 0x80; }

// Checks the second byte's range, which rules out overlongs, surrogates and
// code points above U+10FFFF.
bool SecondByteOk(uint8_t lead, uint8_t second) {
  if (lead == 0xE0) return second >= 0xA0;
  if (lead == 0xED) return second <= 0x9F;
  if (lead == 0xF0) return second >= 0x90;
  if (lead == 0xF4) return second <= 0x8F;
  return true;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t* end = p + text.size();
  while (p < end) {
    // Text is mostly ASCII: skip it eight bytes at a time.
    uint64_t word;
    if (end - p >= 8 && (std::memcpy(&word, p, 8), (word & 0x8080808080808080u) == 0)) {
      p += 8;
      continue;
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    int len = SequenceLength(*p);
    if (len == 0 || end - p < len) return false;
    for (int i = 1; i < len; ++i) {
      if (!IsContinuation(p[i])) return false;
    }
    if (!SecondByteOk(p[0], p[1])) return false;
    p += len;
  }
  return true;
}

}  // namespace tributary
