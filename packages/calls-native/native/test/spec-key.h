#pragma once
// The key of spec §16.1 (byte i = i) shared by the vector tests.

#include "protocol/constants.h"
#include "protocol/crypto.h"

namespace tgvoip::test {

inline protocol::CallKey specKey() {
  protocol::CallKey key;
  for (size_t i = 0; i < key.size(); i++) key[i] = static_cast<uint8_t>(i);
  return key;
}

inline protocol::PeerTag specTag() {
  protocol::PeerTag tag;
  for (size_t i = 0; i < tag.size(); i++) tag[i] = static_cast<uint8_t>(0x10 + i);
  return tag;
}

}  // namespace tgvoip::test
