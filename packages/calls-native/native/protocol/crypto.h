#pragma once
// Key material and primitives of §2: KDF2 / legacy KDF, msg_key, AES-256-IGE, hashes, CSPRNG.
// OpenSSL comes from Node's own headers and symbols in the addon (no second libcrypto).

#include <array>

#include "protocol/bytes.h"

namespace tgvoip::protocol {

constexpr size_t kKeySize = 256;
using CallKey = std::array<uint8_t, kKeySize>;
using MsgKey = std::array<uint8_t, 16>;
using Sha1Digest = std::array<uint8_t, 20>;
using Sha256Digest = std::array<uint8_t, 32>;

struct AesKeyIv {
  std::array<uint8_t, 32> key;
  /** IGE convention: bytes 0..16 are c0 (previous ciphertext), 16..32 are p0. */
  std::array<uint8_t, 32> iv;
};

/** x for the sender's direction: 0 for packets the caller (outgoing side) sends, else 8. */
constexpr int senderX(bool senderIsOutgoing) { return senderIsOutgoing ? 0 : 8; }

Sha1Digest sha1(ByteView data);
Sha256Digest sha256(ByteView data);

/** MTProto 2.0 KDF (§2.2). `x` is 0 or 8. */
AesKeyIv kdf2(const CallKey& key, const MsgKey& msgKey, int x);
/** MTProto 1.0 KDF (§2.5), legacy peers only; kept for the spec vectors. */
AesKeyIv kdfLegacy(const CallKey& key, const MsgKey& msgKey, int x);
/** msg_key = SHA256(key[88+x .. 120+x] || plaintext)[8..24] (§2.3). */
MsgKey msgKey2(const CallKey& key, ByteView plaintext, int x);

/**
 * AES-256-IGE over `size` bytes (a multiple of 16; false otherwise). `in` and `out` may be
 * the same buffer.
 */
bool aesIgeEncrypt(const AesKeyIv& keyIv, const uint8_t* in, uint8_t* out, size_t size);
bool aesIgeDecrypt(const AesKeyIv& keyIv, const uint8_t* in, uint8_t* out, size_t size);

/** SHA1(key)[12..20] (§2.1), the long format's key fingerprint. */
std::array<uint8_t, 8> keyFingerprint(const CallKey& key);
/** SHA256(key)[16..32] (§2.1), the P2P prefix for peers < 9. */
std::array<uint8_t, 16> callId(const CallKey& key);

/** Fills `out` from OpenSSL's CSPRNG; false if the generator failed. */
bool randomBytes(uint8_t* out, size_t size);
/** Constant-time comparison, for authenticators. */
bool constantTimeEqual(const uint8_t* a, const uint8_t* b, size_t size);
/** Overwrites secrets before their memory is released. */
void secureWipe(void* data, size_t size);

}  // namespace tgvoip::protocol
