#define OPENSSL_SUPPRESS_DEPRECATED 1  // AES block API: see crypto.cc

#include "protocol/tcp-obfuscation.h"

#include <openssl/aes.h>

#include <algorithm>
#include <cstring>

#include "protocol/byte-reader.h"
#include "protocol/crypto.h"

namespace tgvoip::protocol {
namespace {

constexpr uint8_t kAbridgedTag = 0xEF;
constexpr size_t kTagOffset = 56;
constexpr uint8_t kLongLengthMarker = 0x7F;

struct DirectionKeys {
  std::array<uint8_t, 32> key;
  std::array<uint8_t, 16> iv;
};

/** Client send direction: key = n[8..40], iv = n[40..56]. */
DirectionKeys forwardKeys(const uint8_t* nonce) {
  DirectionKeys keys;
  std::memcpy(keys.key.data(), nonce + 8, 32);
  std::memcpy(keys.iv.data(), nonce + 40, 16);
  return keys;
}

/** Client receive direction: the same 48 bytes reversed. */
DirectionKeys reversedKeys(const uint8_t* nonce) {
  uint8_t reversed[48];
  std::reverse_copy(nonce + 8, nonce + 56, reversed);
  DirectionKeys keys;
  std::memcpy(keys.key.data(), reversed, 32);
  std::memcpy(keys.iv.data(), reversed + 32, 16);
  return keys;
}

uint32_t readLe32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

}  // namespace

AesCtrStream::AesCtrStream(const uint8_t* key32, const uint8_t* iv16) {
  std::memcpy(key_.data(), key32, key_.size());
  std::memcpy(counter_.data(), iv16, counter_.size());
}

AesCtrStream::~AesCtrStream() {
  secureWipe(key_.data(), key_.size());
  secureWipe(keystream_.data(), keystream_.size());
}

AesCtrStream::AesCtrStream(AesCtrStream&& other) noexcept
    : key_(other.key_), counter_(other.counter_), keystream_(other.keystream_), used_(other.used_) {}

AesCtrStream& AesCtrStream::operator=(AesCtrStream&& other) noexcept {
  key_ = other.key_;
  counter_ = other.counter_;
  keystream_ = other.keystream_;
  used_ = other.used_;
  return *this;
}

void AesCtrStream::apply(uint8_t* data, size_t size) {
  AES_KEY schedule;
  AES_set_encrypt_key(key_.data(), 256, &schedule);
  for (size_t i = 0; i < size; i++) {
    if (used_ == keystream_.size()) {
      AES_encrypt(counter_.data(), keystream_.data(), &schedule);
      for (size_t byte = counter_.size(); byte-- > 0;) {  // 128-bit big-endian increment
        if (++counter_[byte] != 0) break;
      }
      used_ = 0;
    }
    data[i] ^= keystream_[used_++];
  }
  secureWipe(&schedule, sizeof(schedule));
}

bool TcpObfuscatedCodec::isForbiddenNonce(const std::array<uint8_t, 64>& nonce) {
  const uint32_t first = readLe32(nonce.data());
  return nonce[0] == kAbridgedTag || first == 0x44414548 /* HEAD */ ||
         first == 0x54534F50 /* POST */ || first == 0x20544547 /* GET  */ ||
         first == 0xEEEEEEEE || readLe32(nonce.data() + 4) == 0;
}

std::optional<TcpObfuscatedCodec> TcpObfuscatedCodec::createClient(Bytes& headerOut) {
  std::array<uint8_t, 64> nonce;
  do {
    if (!randomBytes(nonce.data(), nonce.size())) return std::nullopt;
  } while (isForbiddenNonce(nonce));
  TcpObfuscatedCodec codec = clientFromNonce(nonce, headerOut);
  secureWipe(nonce.data(), nonce.size());
  return codec;
}

TcpObfuscatedCodec TcpObfuscatedCodec::clientFromNonce(const std::array<uint8_t, 64>& nonce,
                                                       Bytes& headerOut) {
  std::array<uint8_t, 64> header = nonce;
  std::memset(header.data() + kTagOffset, kAbridgedTag, 4);
  const DirectionKeys send = forwardKeys(header.data());
  const DirectionKeys receive = reversedKeys(header.data());
  TcpObfuscatedCodec codec(AesCtrStream(send.key.data(), send.iv.data()),
                           AesCtrStream(receive.key.data(), receive.iv.data()));
  // Encrypt all 64 bytes (the keystream moves on by 64) but send only 56..64 encrypted.
  std::array<uint8_t, 64> encrypted = header;
  codec.send_.apply(encrypted.data(), encrypted.size());
  headerOut.insert(headerOut.end(), header.begin(), header.begin() + kTagOffset);
  headerOut.insert(headerOut.end(), encrypted.begin() + kTagOffset, encrypted.end());
  return codec;
}

std::optional<TcpObfuscatedCodec> TcpObfuscatedCodec::acceptClient(const uint8_t* header64) {
  const DirectionKeys clientSend = forwardKeys(header64);
  const DirectionKeys clientReceive = reversedKeys(header64);
  TcpObfuscatedCodec codec(AesCtrStream(clientReceive.key.data(), clientReceive.iv.data()),
                           AesCtrStream(clientSend.key.data(), clientSend.iv.data()));
  std::array<uint8_t, 64> decrypted;
  std::memcpy(decrypted.data(), header64, decrypted.size());
  codec.receive_.apply(decrypted.data(), decrypted.size());
  for (size_t i = kTagOffset; i < kTagOffset + 4; i++) {
    if (decrypted[i] != kAbridgedTag) return std::nullopt;
  }
  return codec;
}

bool TcpObfuscatedCodec::encodeFrame(ByteView datagram, Bytes& out) {
  if (datagram.size % 4 != 0 || datagram.size / 4 > 0xFFFFFF) return false;
  const size_t start = out.size();
  const size_t words = datagram.size / 4;
  if (words < kLongLengthMarker) {
    out.push_back(static_cast<uint8_t>(words));
  } else {
    out.push_back(kLongLengthMarker);
    for (int i = 0; i < 3; i++) out.push_back(static_cast<uint8_t>(words >> (8 * i)));
  }
  out.insert(out.end(), datagram.data, datagram.data + datagram.size);
  send_.apply(out.data() + start, out.size() - start);
  return true;
}

TcpFrameError TcpObfuscatedCodec::feed(ByteView bytes, std::vector<Bytes>& frames) {
  const size_t start = pending_.size();
  pending_.insert(pending_.end(), bytes.data, bytes.data + bytes.size);
  receive_.apply(pending_.data() + start, bytes.size);
  size_t consumed = 0;
  for (;;) {
    ByteReader reader(pending_.data() + consumed, pending_.size() - consumed);
    uint8_t first;
    if (!reader.u8(first)) break;
    size_t words = first;
    if (first == kLongLengthMarker) {
      uint8_t b0, b1, b2;
      if (!reader.u8(b0) || !reader.u8(b1) || !reader.u8(b2)) break;
      words = b0 | (b1 << 8) | (static_cast<size_t>(b2) << 16);
    }
    if (words * 4 > kMaxTcpFrameSize) return TcpFrameError::FrameTooLarge;
    ByteView frame;
    if (!reader.view(words * 4, frame)) break;
    frames.push_back(frame.toBytes());
    consumed += reader.position();
  }
  pending_.erase(pending_.begin(), pending_.begin() + consumed);
  return TcpFrameError::None;
}

}  // namespace tgvoip::protocol
