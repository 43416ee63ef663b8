// OpenSSL 3 marks the low-level AES block API deprecated; it is still exported by Node's
// libcrypto and is the cheapest way to run IGE, which EVP does not offer.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "protocol/crypto.h"

#include <openssl/aes.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <initializer_list>

namespace tgvoip::protocol {
namespace {

constexpr size_t kBlock = 16;

Sha256Digest sha256Of2(const uint8_t* a, size_t aSize, const uint8_t* b, size_t bSize) {
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, a, aSize);
  SHA256_Update(&ctx, b, bSize);
  Sha256Digest out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Sha1Digest sha1Of(std::initializer_list<ByteView> parts) {
  SHA_CTX ctx;
  SHA1_Init(&ctx);
  for (const ByteView& part : parts) SHA1_Update(&ctx, part.data, part.size);
  Sha1Digest out;
  SHA1_Final(out.data(), &ctx);
  return out;
}

template <size_t N>
void put(uint8_t* dst, const std::array<uint8_t, N>& src, size_t from, size_t to) {
  std::memcpy(dst, src.data() + from, to - from);
}

void xorBlock(uint8_t* dst, const uint8_t* a, const uint8_t* b) {
  for (size_t i = 0; i < kBlock; i++) dst[i] = a[i] ^ b[i];
}

}  // namespace

Sha1Digest sha1(ByteView data) {
  Sha1Digest out;
  SHA1(data.data, data.size, out.data());
  return out;
}

Sha256Digest sha256(ByteView data) {
  Sha256Digest out;
  SHA256(data.data, data.size, out.data());
  return out;
}

AesKeyIv kdf2(const CallKey& key, const MsgKey& msgKey, int x) {
  const Sha256Digest a = sha256Of2(msgKey.data(), msgKey.size(), key.data() + x, 36);
  const Sha256Digest b = sha256Of2(key.data() + 40 + x, 36, msgKey.data(), msgKey.size());
  AesKeyIv out;
  put(out.key.data(), a, 0, 8);
  put(out.key.data() + 8, b, 8, 24);
  put(out.key.data() + 24, a, 24, 32);
  put(out.iv.data(), b, 0, 8);
  put(out.iv.data() + 8, a, 8, 24);
  put(out.iv.data() + 24, b, 24, 32);
  return out;
}

AesKeyIv kdfLegacy(const CallKey& key, const MsgKey& msgKey, int x) {
  const ByteView mk(msgKey.data(), msgKey.size());
  const uint8_t* k = key.data();
  const Sha1Digest sA = sha1Of({mk, ByteView(k + x, 32)});
  const Sha1Digest sB = sha1Of({ByteView(k + 32 + x, 16), mk, ByteView(k + 48 + x, 16)});
  const Sha1Digest sC = sha1Of({ByteView(k + 64 + x, 32), mk});
  const Sha1Digest sD = sha1Of({mk, ByteView(k + 96 + x, 32)});
  AesKeyIv out;
  put(out.key.data(), sA, 0, 8);
  put(out.key.data() + 8, sB, 8, 20);
  put(out.key.data() + 20, sC, 4, 16);
  put(out.iv.data(), sA, 8, 20);
  put(out.iv.data() + 12, sB, 0, 8);
  put(out.iv.data() + 20, sC, 16, 20);
  put(out.iv.data() + 24, sD, 0, 8);
  return out;
}

MsgKey msgKey2(const CallKey& key, ByteView plaintext, int x) {
  const Sha256Digest digest = sha256Of2(key.data() + 88 + x, 32, plaintext.data, plaintext.size);
  MsgKey out;
  std::memcpy(out.data(), digest.data() + 8, out.size());
  return out;
}

bool aesIgeEncrypt(const AesKeyIv& keyIv, const uint8_t* in, uint8_t* out, size_t size) {
  if (size % kBlock != 0) return false;
  AES_KEY schedule;
  if (AES_set_encrypt_key(keyIv.key.data(), 256, &schedule) != 0) return false;
  uint8_t prevCipher[kBlock], prevPlain[kBlock], plain[kBlock], mixed[kBlock];
  std::memcpy(prevCipher, keyIv.iv.data(), kBlock);
  std::memcpy(prevPlain, keyIv.iv.data() + kBlock, kBlock);
  for (size_t offset = 0; offset < size; offset += kBlock) {
    std::memcpy(plain, in + offset, kBlock);  // `in` may alias `out`
    xorBlock(mixed, plain, prevCipher);
    AES_encrypt(mixed, mixed, &schedule);
    xorBlock(out + offset, mixed, prevPlain);
    std::memcpy(prevCipher, out + offset, kBlock);
    std::memcpy(prevPlain, plain, kBlock);
  }
  secureWipe(&schedule, sizeof(schedule));
  return true;
}

bool aesIgeDecrypt(const AesKeyIv& keyIv, const uint8_t* in, uint8_t* out, size_t size) {
  if (size % kBlock != 0) return false;
  AES_KEY schedule;
  if (AES_set_decrypt_key(keyIv.key.data(), 256, &schedule) != 0) return false;
  uint8_t prevCipher[kBlock], prevPlain[kBlock], cipher[kBlock], mixed[kBlock];
  std::memcpy(prevCipher, keyIv.iv.data(), kBlock);
  std::memcpy(prevPlain, keyIv.iv.data() + kBlock, kBlock);
  for (size_t offset = 0; offset < size; offset += kBlock) {
    std::memcpy(cipher, in + offset, kBlock);
    xorBlock(mixed, cipher, prevPlain);
    AES_decrypt(mixed, mixed, &schedule);
    xorBlock(out + offset, mixed, prevCipher);
    std::memcpy(prevPlain, out + offset, kBlock);
    std::memcpy(prevCipher, cipher, kBlock);
  }
  secureWipe(&schedule, sizeof(schedule));
  return true;
}

std::array<uint8_t, 8> keyFingerprint(const CallKey& key) {
  const Sha1Digest digest = sha1(ByteView(key.data(), key.size()));
  std::array<uint8_t, 8> out;
  std::memcpy(out.data(), digest.data() + 12, out.size());
  return out;
}

std::array<uint8_t, 16> callId(const CallKey& key) {
  const Sha256Digest digest = sha256(ByteView(key.data(), key.size()));
  std::array<uint8_t, 16> out;
  std::memcpy(out.data(), digest.data() + 16, out.size());
  return out;
}

bool randomBytes(uint8_t* out, size_t size) {
  if (size == 0) return true;
  return RAND_bytes(out, static_cast<int>(size)) == 1;
}

bool constantTimeEqual(const uint8_t* a, const uint8_t* b, size_t size) {
  return CRYPTO_memcmp(a, b, size) == 0;
}

void secureWipe(void* data, size_t size) { OPENSSL_cleanse(data, size); }

}  // namespace tgvoip::protocol
