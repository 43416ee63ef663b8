// Spec §16.4-§16.6 (exact datagrams), §16.8 (real libtgvoip datagrams) and rejection rules.

#include "protocol/datagram.h"
#include "test/spec-key.h"
#include "test/test-harness.h"

using namespace tgvoip::protocol;
using tgvoip::test::fromHex;
using tgvoip::test::toHex;

namespace {

struct Vector {
  const char* name;
  bool senderIsOutgoing;
  bool relay;
  const char* packet;
  const char* padding;
  const char* datagram;
};

const Vector kVectors[] = {
    {"16.4", true, true,
     "0100000000010000000000000000090000000300000000000000015355504f0000",
     "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbc",
     "101112131415161718191a1b1c1d1e1f36f0b48d5c9a30736603678038a481cfa9ab0eb4190072c4cd606ba676d1"
     "52008aee92da0bb78d248c5f9954089db93e042de5695471a72ac65e07602ac880f36798cc291be8852a225f7acfc4"
     "09bc7b"},
    {"16.5", false, true, "020100000001000000000000000009000000030000000101015355504f3c0001",
     "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccd",
     "101112131415161718191a1b1c1d1e1f76f9a8b6c2b2c58ad091d588034826abec40840548e447edcd4b4800a0fb"
     "ccd71f75d4eb5588c2b566333fa0bb73537f23c95ac1da35f67eadd8313a9b40e1b4035e38a373bd7b35d22c1153"
     "61680cb4"},
    {"16.6", true, false, "040500000007000000000000c00101060101010000000104780000000be4c136",
     "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdd",
     "c30fc8ed18f5af715d0f71136fe42c0fcc94a647d2396e86d57b00a4e2d726d2638af31753a45c3bf6b3ab631418"
     "e08071fb9d682620cffe8ea5354f01f9d81aa68f6b52bcb6db62be938abd11fd3480"},
};

struct RealDatagram {
  const char* name;
  bool senderIsOutgoing;
  const char* datagram;
  const char* packet;
  const char* plaintext;
};

const RealDatagram kReal[] = {
    {"caller INIT", true,
     "101112131415161718191a1b1c1d1e1e8c881c42a5420a971e1703e911feeea1628f3900ad534056f9eb830b45aa"
     "31c0040b9586ee6455cb64f5c0d42a9b34e98f301abaf9117b6e628f1f5b44df1d97ca921239c07da402ea8f5656"
     "c7964426",
     "0100000000010000000000000000090000000300000000000000015355504f0000",
     "21000100000000010000000000000000090000000300000000000000015355504f000021619c3cee27c8f6a09669"
     "3837767185326c914aff88f432e6cb91f5c8"},
    {"callee INIT_ACK", false,
     "101112131415161718191a1b1c1d1e1fbd9d807be96c08b01208e4dfaa55082e3cbf7b39b498a3d2a7eacd24293f"
     "d4d488db18dba42a20ab57582425f0985e85e4c47ca38f4a3e2cb6232ce5bd96fe81c1c241e5fe15b171d1d0b6c4"
     "a0a83845",
     "020100000002000000000000000009000000030000000101015355504f3c0001",
     "2000020100000002000000000000000009000000030000000101015355504f3c00012c7ecc1f92be7990724ec4c1"
     "fa8c5f15f8a65bdcac1a8a42a2c1f7bbfecf"},
    {"callee STREAM_DATA", false,
     "101112131415161718191a1b1c1d1e1f0c65817c9e116a45b69ff3a61c3e7476a768307924b18b8948375f6807d1"
     "227823a4d7c6d5c43a0563757e6305b496d5cdae4b5d1e6948b330b885af07a5b914fc88b0f6167f6e1a8cde3380"
     "c4e060f8116c0a7efb46959055f3ca3524f37f9d596275e553488fdde81439e0b5c0eac9",
     "04020000000300000000000080000133000000007b830e100be4c136ecc58d8c4946999dac0007c97227e144ea55"
     "f1f0c0d5de978c9007c979c8c957c0a21223faef67f31dc120",
     "470004020000000300000000000080000133000000007b830e100be4c136ecc58d8c4946999dac0007c97227e144"
     "ea55f1f0c0d5de978c9007c979c8c957c0a21223faef67f31dc12063596e7fc14730a28bdd9925792cc04ac7cab0"
     "cb82e27b"},
};

ByteView tagView(const PeerTag& tag) { return ByteView(tag.data(), tag.size()); }

}  // namespace

TEST("16.4-16.6 sealing with the spec padding gives the spec datagram, and it opens") {
  const PeerTag tag = tgvoip::test::specTag();
  for (const Vector& vector : kVectors) {
    const bool isOutgoing = vector.senderIsOutgoing;
    DatagramCipher sender(tgvoip::test::specKey(), isOutgoing);
    DatagramCipher receiver(tgvoip::test::specKey(), !isOutgoing);
    const Bytes packet = fromHex(vector.packet);
    const ByteView prefix = vector.relay ? tagView(tag) : ByteView();
    Bytes datagram;
    CHECK(sender.sealWithPadding(packet, prefix, fromHex(vector.padding), datagram) ==
          DatagramError::None);
    CHECK_HEX(datagram, vector.datagram);
    Bytes opened;
    CHECK(receiver.open(datagram, prefix, opened) == DatagramError::None);
    CHECK(opened == packet);
    // The sender itself must not accept it as incoming: the other direction's x fails.
    CHECK(sender.open(datagram, prefix, opened) == DatagramError::MsgKeyMismatch);
  }
}

TEST("16.8 real libtgvoip datagrams decrypt to the documented packets") {
  DatagramCipher cipher(tgvoip::test::specKey(), true);
  for (const RealDatagram& real : kReal) {
    const Bytes datagram = fromHex(real.datagram);
    Bytes packet, plaintext;
    // Relay path: the prefix is the sender's own tag (…1e for the caller, …1f for the callee).
    const ByteView prefix(datagram.data(), kPeerTagSize);
    CHECK(cipher.openAsSender(datagram, prefix, real.senderIsOutgoing, packet, &plaintext) ==
          DatagramError::None);
    CHECK_HEX(packet, real.packet);
    CHECK_HEX(plaintext, real.plaintext);
    CHECK(cipher.openAsSender(datagram, prefix, !real.senderIsOutgoing, packet) ==
          DatagramError::MsgKeyMismatch);
  }
}

TEST("a wrong key, a wrong prefix, tampering and bad sizes are rejected") {
  CallKey otherKey = tgvoip::test::specKey();
  // MTProto 2.0 with x in {0, 8} only reads key bytes 0..128, so change one of those.
  otherKey[20] ^= 0x01;
  DatagramCipher caller(tgvoip::test::specKey(), true);
  DatagramCipher callee(tgvoip::test::specKey(), false);
  DatagramCipher impostor(otherKey, false);
  const PeerTag tag = tgvoip::test::specTag();
  const Bytes packet = fromHex("0e0000000001000000000000000000");
  Bytes datagram, opened;
  CHECK(caller.seal(packet, tagView(tag), datagram) == DatagramError::None);
  CHECK(callee.open(datagram, tagView(tag), opened) == DatagramError::None);
  CHECK(opened == packet);
  CHECK(impostor.open(datagram, tagView(tag), opened) == DatagramError::MsgKeyMismatch);
  CHECK(opened.empty());
  PeerTag otherTag = tag;
  otherTag[15] ^= 1;
  CHECK(callee.open(datagram, tagView(otherTag), opened) == DatagramError::PrefixMismatch);
  for (size_t i = kPeerTagSize; i < datagram.size(); i += 7) {
    Bytes tampered = datagram;
    tampered[i] ^= 0x40;
    CHECK(callee.open(tampered, tagView(tag), opened) == DatagramError::MsgKeyMismatch);
  }
  Bytes truncated(datagram.begin(), datagram.end() - 1);
  CHECK(callee.open(truncated, tagView(tag), opened) == DatagramError::BadCiphertextSize);
  Bytes tiny(datagram.begin(), datagram.begin() + kPeerTagSize + 39);
  CHECK(callee.open(tiny, tagView(tag), opened) == DatagramError::TooShort);
  Bytes huge(kPeerTagSize + kMsgKeySize + 1504, 0);
  CHECK(callee.open(huge, ByteView(), opened) == DatagramError::BadCiphertextSize);
}

TEST("random padding is 16..31 bytes and varies; too large a packet is refused") {
  DatagramCipher caller(tgvoip::test::specKey(), true);
  DatagramCipher callee(tgvoip::test::specKey(), false);
  for (size_t size = 0; size < 300; size++) {
    const size_t pad = DatagramCipher::paddingSizeFor(size);
    CHECK(pad >= 16 && pad <= 31 && (2 + size + pad) % 16 == 0);
    Bytes packet(size, static_cast<uint8_t>(size));
    Bytes a, b, opened;
    CHECK(caller.seal(packet, ByteView(), a) == DatagramError::None);
    CHECK(caller.seal(packet, ByteView(), b) == DatagramError::None);
    CHECK(a.size() == kMsgKeySize + 2 + size + pad);
    CHECK(a != b);
    CHECK(callee.open(a, ByteView(), opened) == DatagramError::None);
    CHECK(opened == packet);
  }
  Bytes big(1480, 0), out;
  CHECK(caller.seal(big, ByteView(), out) == DatagramError::PacketTooLarge);
  CHECK(out.empty());
}

TEST("plaintexts with a bad inner length or short padding are rejected after authentication") {
  const CallKey key = tgvoip::test::specKey();
  DatagramCipher callee(key, false);
  auto sealRaw = [&key](const Bytes& plain) {
    const MsgKey msgKey = msgKey2(key, plain, 0);
    const AesKeyIv keyIv = kdf2(key, msgKey, 0);
    Bytes out(msgKey.begin(), msgKey.end());
    out.resize(kMsgKeySize + plain.size());
    aesIgeEncrypt(keyIv, plain.data(), out.data() + kMsgKeySize, plain.size());
    return out;
  };
  Bytes plain(48, 0xAA);
  Bytes opened;
  plain[0] = 47;  // inner_len > len(P) - 2
  plain[1] = 0;
  CHECK(callee.open(sealRaw(plain), ByteView(), opened) == DatagramError::BadInnerLength);
  plain[0] = 0x00;  // 0x8000: negative as the reference's i16
  plain[1] = 0x80;
  CHECK(callee.open(sealRaw(plain), ByteView(), opened) == DatagramError::BadInnerLength);
  plain[0] = 33;  // 48 - 33 = 15 < 16
  plain[1] = 0;
  CHECK(callee.open(sealRaw(plain), ByteView(), opened) == DatagramError::PaddingTooShort);
  plain[0] = 32;  // exactly 14 bytes of padding: accepted
  CHECK(callee.open(sealRaw(plain), ByteView(), opened) == DatagramError::None);
  CHECK(opened.size() == 32);
}
