#include "protocol/datagram.h"

#include <cstring>

namespace tgvoip::protocol {
namespace {

constexpr size_t kLengthFieldSize = 2;
constexpr size_t kBlock = 16;
constexpr size_t kMinPadding = 16;
// The reference accepts len(P) - inner_len >= 16, i.e. at least 14 bytes of padding.
constexpr size_t kMinPlaintextOverhead = 16;
constexpr size_t kMinSizeAfterPrefix = 40;
constexpr size_t kMaxInnerLength = 0x7FFF;  // the reference reads inner_len as i16

}  // namespace

const char* datagramErrorName(DatagramError error) {
  switch (error) {
    case DatagramError::None: return "none";
    case DatagramError::PrefixMismatch: return "prefix mismatch";
    case DatagramError::TooShort: return "datagram too short";
    case DatagramError::BadCiphertextSize: return "bad ciphertext size";
    case DatagramError::MsgKeyMismatch: return "msg_key mismatch (wrong key or direction)";
    case DatagramError::BadInnerLength: return "bad inner length";
    case DatagramError::PaddingTooShort: return "padding too short";
    case DatagramError::PacketTooLarge: return "packet too large";
    case DatagramError::RandomFailure: return "random generator failure";
  }
  return "unknown";
}

DatagramCipher::DatagramCipher(const CallKey& key, bool isOutgoing)
    : key_(key), xSend_(senderX(isOutgoing)), xRecv_(senderX(!isOutgoing)) {}

DatagramCipher::~DatagramCipher() { secureWipe(key_.data(), key_.size()); }

size_t DatagramCipher::paddingSizeFor(size_t packetSize) {
  const size_t unpadded = kLengthFieldSize + packetSize;
  size_t pad = kBlock - unpadded % kBlock;
  if (pad < kMinPadding) pad += kBlock;
  return pad;
}

DatagramError DatagramCipher::seal(ByteView packet, ByteView prefix, Bytes& out) const {
  uint8_t padding[2 * kBlock];
  const size_t paddingSize = paddingSizeFor(packet.size);
  if (!randomBytes(padding, paddingSize)) return DatagramError::RandomFailure;
  return sealWith(packet, prefix, padding, paddingSize, out);
}

DatagramError DatagramCipher::sealWithPadding(ByteView packet, ByteView prefix, ByteView padding,
                                              Bytes& out) const {
  if (padding.size != paddingSizeFor(packet.size)) return DatagramError::PaddingTooShort;
  return sealWith(packet, prefix, padding.data, padding.size, out);
}

DatagramError DatagramCipher::sealWith(ByteView packet, ByteView prefix, const uint8_t* padding,
                                       size_t paddingSize, Bytes& out) const {
  const size_t plainSize = kLengthFieldSize + packet.size + paddingSize;
  if (packet.size > kMaxInnerLength || plainSize > kMaxCiphertextSize) {
    return DatagramError::PacketTooLarge;
  }
  const size_t start = out.size();
  out.resize(start + prefix.size + kMsgKeySize + plainSize);
  uint8_t* dst = out.data() + start;
  if (prefix.size) std::memcpy(dst, prefix.data, prefix.size);
  uint8_t* msgKeyAt = dst + prefix.size;
  uint8_t* plain = msgKeyAt + kMsgKeySize;
  // Build P in place, then encrypt it in place.
  plain[0] = static_cast<uint8_t>(packet.size);
  plain[1] = static_cast<uint8_t>(packet.size >> 8);
  if (packet.size) std::memcpy(plain + kLengthFieldSize, packet.data, packet.size);
  std::memcpy(plain + kLengthFieldSize + packet.size, padding, paddingSize);
  const MsgKey msgKey = msgKey2(key_, ByteView(plain, plainSize), xSend_);
  std::memcpy(msgKeyAt, msgKey.data(), kMsgKeySize);
  AesKeyIv keyIv = kdf2(key_, msgKey, xSend_);
  const bool encrypted = aesIgeEncrypt(keyIv, plain, plain, plainSize);
  secureWipe(&keyIv, sizeof(keyIv));
  if (!encrypted) {
    out.resize(start);
    return DatagramError::BadCiphertextSize;
  }
  return DatagramError::None;
}

DatagramError DatagramCipher::open(ByteView datagram, ByteView expectedPrefix,
                                   Bytes& packetOut) const {
  return openWithX(datagram, expectedPrefix, xRecv_, packetOut, nullptr);
}

DatagramError DatagramCipher::openAsSender(ByteView datagram, ByteView expectedPrefix,
                                           bool senderIsOutgoing, Bytes& packetOut,
                                           Bytes* plaintextOut) const {
  return openWithX(datagram, expectedPrefix, senderX(senderIsOutgoing), packetOut, plaintextOut);
}

DatagramError DatagramCipher::openWithX(ByteView datagram, ByteView expectedPrefix, int x,
                                        Bytes& packetOut, Bytes* plaintextOut) const {
  packetOut.clear();
  if (expectedPrefix.size) {
    if (datagram.size < expectedPrefix.size ||
        std::memcmp(datagram.data, expectedPrefix.data, expectedPrefix.size) != 0) {
      return DatagramError::PrefixMismatch;
    }
  }
  const uint8_t* body = datagram.data + expectedPrefix.size;
  const size_t bodySize = datagram.size - expectedPrefix.size;
  if (bodySize < kMinSizeAfterPrefix) return DatagramError::TooShort;
  const size_t cipherSize = bodySize - kMsgKeySize;
  if (cipherSize % kBlock != 0 || cipherSize > kMaxCiphertextSize) {
    return DatagramError::BadCiphertextSize;
  }
  MsgKey msgKey;
  std::memcpy(msgKey.data(), body, kMsgKeySize);
  AesKeyIv keyIv = kdf2(key_, msgKey, x);
  packetOut.resize(cipherSize);
  aesIgeDecrypt(keyIv, body + kMsgKeySize, packetOut.data(), cipherSize);
  secureWipe(&keyIv, sizeof(keyIv));

  const MsgKey expected = msgKey2(key_, ByteView(packetOut), x);
  if (!constantTimeEqual(expected.data(), msgKey.data(), kMsgKeySize)) {
    packetOut.clear();
    return DatagramError::MsgKeyMismatch;
  }
  const size_t innerLength = packetOut[0] | (static_cast<size_t>(packetOut[1]) << 8);
  if (innerLength > kMaxInnerLength || innerLength > cipherSize - kLengthFieldSize) {
    packetOut.clear();
    return DatagramError::BadInnerLength;
  }
  if (cipherSize - innerLength < kMinPlaintextOverhead) {
    packetOut.clear();
    return DatagramError::PaddingTooShort;
  }
  if (plaintextOut) *plaintextOut = packetOut;
  packetOut.erase(packetOut.begin(), packetOut.begin() + kLengthFieldSize);
  packetOut.resize(innerLength);
  return DatagramError::None;
}

}  // namespace tgvoip::protocol
