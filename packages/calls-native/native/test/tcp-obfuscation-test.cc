// Spec §16.10: obfuscated2 header and first frame; round trips through the relay side.

#include <cstring>
#include <random>

#include "protocol/tcp-obfuscation.h"
#include "test/test-harness.h"

using namespace tgvoip::protocol;
using tgvoip::test::fromHex;

namespace {

std::array<uint8_t, 64> specNonce() {
  const Bytes bytes = fromHex(
      "010e1b2835424f5c697683909daab7c4d1deebf805121f2c394653606d7a8794a1aebbc8d5e2effc0916233"
      "03d4a5764717e8b98a5b2bfccd9e6f3000d1a2734");
  std::array<uint8_t, 64> nonce{};
  std::copy(bytes.begin(), bytes.end(), nonce.begin());
  return nonce;
}

const char* kSpecDatagram =
    "101112131415161718191a1b1c1d1e1f36f0b48d5c9a30736603678038a481cfa9ab0eb4190072c4cd606ba676d1"
    "52008aee92da0bb78d248c5f9954089db93e042de5695471a72ac65e07602ac880f36798cc291be8852a225f7acfc4"
    "09bc7b";

}  // namespace

TEST("16.10 TCP obfuscation header and first frame") {
  Bytes header;
  TcpObfuscatedCodec client = TcpObfuscatedCodec::clientFromNonce(specNonce(), header);
  CHECK_HEX(header,
            "010e1b2835424f5c697683909daab7c4d1deebf805121f2c394653606d7a8794a1aebbc8d5e2effc09162330"
            "3d4a5764717e8b98a5b2bfcc4180c3959da17eab");
  Bytes frame;
  CHECK(client.encodeFrame(fromHex(kSpecDatagram), frame));
  CHECK_HEX(frame,
            "5d2c0ecd0ef798e6590598ffc0d1539aa9ba499b0cc02463521febc447ffdc7f53e504036946a92a3a35dc7a"
            "4acbeb757535968acf1631c1db1609bbdb31e1b762b55b7d8b36a87a0325609208bfddef73cfd8b64c05bfb8"
            "ff2a9cced424fc3a6a");
}

TEST("TCP obfuscation round trip both ways, split reads, long frames, size limit") {
  Bytes header;
  auto client = TcpObfuscatedCodec::createClient(header);
  CHECK(client.has_value() && header.size() == kObfuscationHeaderSize);
  if (!client) return;
  auto relay = TcpObfuscatedCodec::acceptClient(header.data());
  CHECK(relay.has_value());
  if (!relay) return;
  std::mt19937 rng(7);
  std::vector<Bytes> sent;
  Bytes wire;
  for (size_t size : {16u, 96u, 504u, 508u, 1500u, 32u}) {  // 508 = 127 words: long form
    Bytes datagram(size);
    for (uint8_t& byte : datagram) byte = uint8_t(rng());
    CHECK(client->encodeFrame(datagram, wire));
    sent.push_back(datagram);
  }
  std::vector<Bytes> received;
  for (size_t offset = 0; offset < wire.size();) {  // deliver in random-sized chunks
    const size_t chunk = std::min<size_t>(1 + rng() % 200, wire.size() - offset);
    CHECK(relay->feed(ByteView(wire.data() + offset, chunk), received) == TcpFrameError::None);
    offset += chunk;
  }
  CHECK(received == sent);
  // Relay -> client uses the reversed key; the client decodes it.
  Bytes back;
  CHECK(relay->encodeFrame(sent[1], back));
  std::vector<Bytes> clientFrames;
  CHECK(client->feed(back, clientFrames) == TcpFrameError::None);
  CHECK(clientFrames.size() == 1 && clientFrames[0] == sent[1]);
  // Sizes: not a multiple of 4 cannot be framed; an incoming 1504-byte frame is refused.
  Bytes odd(10), big(1504);
  CHECK(!client->encodeFrame(odd, back));
  Bytes bigWire;
  client->encodeFrame(big, bigWire);
  std::vector<Bytes> none;
  CHECK(relay->feed(bigWire, none) == TcpFrameError::FrameTooLarge);
}

TEST("TCP obfuscation: forbidden nonces and a header without the abridged tag") {
  std::array<uint8_t, 64> nonce = specNonce();
  CHECK(!TcpObfuscatedCodec::isForbiddenNonce(nonce));
  nonce[0] = 0xEF;
  CHECK(TcpObfuscatedCodec::isForbiddenNonce(nonce));
  nonce = specNonce();
  std::memcpy(nonce.data(), "HEAD", 4);
  CHECK(TcpObfuscatedCodec::isForbiddenNonce(nonce));
  nonce = specNonce();
  std::memset(nonce.data() + 4, 0, 4);
  CHECK(TcpObfuscatedCodec::isForbiddenNonce(nonce));
  Bytes header;
  TcpObfuscatedCodec::clientFromNonce(specNonce(), header);
  header[58] ^= 1;
  CHECK(!TcpObfuscatedCodec::acceptClient(header.data()).has_value());
}
