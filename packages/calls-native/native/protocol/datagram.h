#pragma once
// Outer layer (§3.3): MTProto 2.0 short format, with or without the 16-byte prefix.
//   [prefix 0|16] msg_key(16) AES-256-IGE( u16 inner_len || packet || 16..31 random pad )

#include <optional>

#include "protocol/constants.h"
#include "protocol/crypto.h"

namespace tgvoip::protocol {

enum class DatagramError {
  None = 0,
  PrefixMismatch,       // first 16 bytes are not the expected tag / call_id
  TooShort,             // fewer than 40 bytes after the prefix
  BadCiphertextSize,    // not a multiple of 16, or over 1500 bytes
  MsgKeyMismatch,       // wrong key or direction, or tampered data
  BadInnerLength,       // inner_len larger than the plaintext allows
  PaddingTooShort,      // fewer than 14 padding bytes
  PacketTooLarge,       // (sender) the packet does not fit a datagram
  RandomFailure,        // (sender) the CSPRNG failed
};
const char* datagramErrorName(DatagramError error);

/**
 * Encrypts and decrypts one call's datagrams. Holds a copy of the key (wiped on
 * destruction) and knows which x each direction uses: packets we send use
 * senderX(isOutgoing), packets we receive use the other one.
 */
class DatagramCipher {
 public:
  DatagramCipher(const CallKey& key, bool isOutgoing);
  ~DatagramCipher();
  DatagramCipher(const DatagramCipher&) = delete;
  DatagramCipher& operator=(const DatagramCipher&) = delete;

  /**
   * Appends `[prefix] msg_key || ciphertext` for `packet` to `out` with CSPRNG padding.
   * `prefix` is the relay peer tag (16 bytes) or empty for P2P to a v9 peer.
   */
  DatagramError seal(ByteView packet, ByteView prefix, Bytes& out) const;
  /** Same, with caller-supplied padding (tests); PaddingTooShort unless it has the rule's size. */
  DatagramError sealWithPadding(ByteView packet, ByteView prefix, ByteView padding,
                                Bytes& out) const;

  /**
   * Checks `expectedPrefix` (empty: no prefix), authenticates and decrypts a received
   * datagram, and replaces `packetOut` with the inner packet (header + body).
   */
  DatagramError open(ByteView datagram, ByteView expectedPrefix, Bytes& packetOut) const;

  /**
   * Opens a datagram as sent by the given side (tools, tests: captures hold both
   * directions). `plaintextOut`, if given, receives the whole plaintext P.
   */
  DatagramError openAsSender(ByteView datagram, ByteView expectedPrefix, bool senderIsOutgoing,
                             Bytes& packetOut, Bytes* plaintextOut = nullptr) const;

  /** Padding the sender adds to a packet of `packetSize` bytes: 16..31 (§3.3). */
  static size_t paddingSizeFor(size_t packetSize);

 private:
  DatagramError sealWith(ByteView packet, ByteView prefix, const uint8_t* padding,
                         size_t paddingSize, Bytes& out) const;
  DatagramError openWithX(ByteView datagram, ByteView expectedPrefix, int x, Bytes& packetOut,
                          Bytes* plaintextOut) const;

  CallKey key_;
  int xSend_;
  int xRecv_;
};

}  // namespace tgvoip::protocol
