#pragma once
// Sequence-number arithmetic modulo 2^32 (§8.1).

#include <cstdint>

namespace tgvoip::protocol {

/** True iff `a` is newer than `b` (seqgt): the difference is taken modulo 2^32. */
constexpr bool seqNewer(uint32_t a, uint32_t b) {
  return (a > b && a - b <= 0x7FFFFFFFu) || (a < b && b - a > 0x7FFFFFFFu);
}

}  // namespace tgvoip::protocol
