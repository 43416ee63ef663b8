// Spec §16.1-§16.3: derived identifiers, KDF2 and the legacy KDF; IGE round trips.

#include "protocol/crypto.h"
#include "test/spec-key.h"
#include "test/test-harness.h"

using namespace tgvoip::protocol;
using tgvoip::test::fromHex;

namespace {
MsgKey specMsgKey() {
  MsgKey msgKey;
  for (size_t i = 0; i < msgKey.size(); i++) msgKey[i] = static_cast<uint8_t>(i);
  return msgKey;
}
ByteView view(const std::array<uint8_t, 32>& a) { return ByteView(a.data(), a.size()); }
}  // namespace

TEST("16.1 key hashes, fingerprint and call_id") {
  const CallKey key = tgvoip::test::specKey();
  const Sha1Digest s1 = sha1(ByteView(key.data(), key.size()));
  const Sha256Digest s256 = sha256(ByteView(key.data(), key.size()));
  CHECK_HEX(ByteView(s1.data(), s1.size()), "4916d6bdb7f78e6803698cab32d1586ea457dfc8");
  CHECK_HEX(view(s256), "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880");
  const auto fingerprint = keyFingerprint(key);
  CHECK_HEX(ByteView(fingerprint.data(), 8), "32d1586ea457dfc8");
  const auto id = callId(key);
  CHECK_HEX(ByteView(id.data(), 16), "7158785fbd1da870e7110266bf944880");
}

TEST("16.2 KDF2 x=0 and x=8") {
  const CallKey key = tgvoip::test::specKey();
  const AesKeyIv zero = kdf2(key, specMsgKey(), 0);
  CHECK_HEX(view(zero.key), "704ed09c8b41668ae8f99d244738f71dbddc44469b6bbd4aa8573dd042bd059e");
  CHECK_HEX(view(zero.iv), "4d266000a550edabbf4c7ce40fd0043cc92230184cd317a5cc9c2482fd3b9318");
  const AesKeyIv eight = kdf2(key, specMsgKey(), 8);
  CHECK_HEX(view(eight.key), "217725799b245806458174a1fcfbc883906807b15033fdd0ea2b4d69cf9c364e");
  CHECK_HEX(view(eight.iv), "669a6538917a4fa56ca32360a431c9160be4ad887140980dab91ce7bdc47ffbc");
}

TEST("16.3 legacy KDF x=0 and x=8") {
  const CallKey key = tgvoip::test::specKey();
  const AesKeyIv zero = kdfLegacy(key, specMsgKey(), 0);
  CHECK_HEX(view(zero.key), "17d7295ca9213d1ab656acdb1ad48b2ea7f3a8f7095098d5508b900bbd5fccfc");
  CHECK_HEX(view(zero.iv), "2d7d16a65a84108e9805656caa474501cc580aa2edc33abfd0bfad785464d1c6");
  const AesKeyIv eight = kdfLegacy(key, specMsgKey(), 8);
  CHECK_HEX(view(eight.key), "bb17b07eb91110647098b069bd1a9b6fe5c4bcc3c31f8e67e831d07a61085f68");
  CHECK_HEX(view(eight.iv), "5197fc1e25b41fe36f18b5a3a8b2b36cb2cb061f1f157b3514fe42e74fb58359");
}

TEST("AES-256-IGE round trip, in place, rejects partial blocks") {
  AesKeyIv keyIv;
  for (size_t i = 0; i < 32; i++) {
    keyIv.key[i] = static_cast<uint8_t>(i * 7);
    keyIv.iv[i] = static_cast<uint8_t>(255 - i);
  }
  Bytes plain(96);
  for (size_t i = 0; i < plain.size(); i++) plain[i] = static_cast<uint8_t>(i);
  Bytes buffer = plain;
  CHECK(aesIgeEncrypt(keyIv, buffer.data(), buffer.data(), buffer.size()));
  CHECK(buffer != plain);
  CHECK(aesIgeDecrypt(keyIv, buffer.data(), buffer.data(), buffer.size()));
  CHECK(buffer == plain);
  CHECK(!aesIgeEncrypt(keyIv, buffer.data(), buffer.data(), 17));
  // IGE propagates forward: changing the first plaintext block changes every ciphertext block.
  Bytes a = plain, b = plain;
  b[0] ^= 1;
  aesIgeEncrypt(keyIv, a.data(), a.data(), a.size());
  aesIgeEncrypt(keyIv, b.data(), b.data(), b.size());
  CHECK(!std::equal(a.begin() + 80, a.end(), b.begin() + 80));
}

TEST("CSPRNG fills buffers differently each time") {
  uint8_t a[32] = {}, b[32] = {};
  CHECK(randomBytes(a, sizeof(a)));
  CHECK(randomBytes(b, sizeof(b)));
  CHECK(!constantTimeEqual(a, b, sizeof(a)));
}
