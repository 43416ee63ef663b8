// Deterministic mutation fuzzing of every parser that sees network bytes. Run under
// AddressSanitizer + UBSan by scripts/test-native.sh: any out-of-bounds read, leak or
// undefined behaviour aborts the run. Views returned by parsers must stay inside the input.

#include <algorithm>
#include <cstdlib>
#include <random>

#include "opus/opus-decoder.h"
#include "opus/opus-encoder.h"
#include "protocol/datagram.h"
#include "protocol/extra-reliability.h"
#include "protocol/handshake.h"
#include "protocol/packet.h"
#include "protocol/relay-control.h"
#include "protocol/socks5.h"
#include "protocol/stream-data.h"
#include "protocol/tcp-obfuscation.h"
#include "test/spec-key.h"
#include "test/test-harness.h"
#include "test/tone.h"

using namespace tgvoip;
using namespace tgvoip::protocol;

namespace {

// CI runs 200k seeded iterations; TGVOIP_FUZZ_ITERATIONS / TGVOIP_FUZZ_SEED allow longer
// or different runs by hand.
int iterationsFromEnv() {
  const char* value = std::getenv("TGVOIP_FUZZ_ITERATIONS");
  return value ? std::max(1000, std::atoi(value)) : 200000;
}
uint64_t seedFromEnv() {
  const char* value = std::getenv("TGVOIP_FUZZ_SEED");
  return value ? std::strtoull(value, nullptr, 10) : 0x7467766f6970ull;  // "tgvoip"
}
const int kIterations = iterationsFromEnv();
const uint64_t kSeed = seedFromEnv();

bool inside(ByteView view, ByteView buffer) {
  return view.size == 0 ||
         (view.data >= buffer.data && view.data + view.size <= buffer.data + buffer.size);
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  size_t below(size_t bound) { return bound ? rng_() % bound : 0; }

  Bytes mutate(const Bytes& input) {
    Bytes out = input;
    switch (below(6)) {
      case 0:  // flip a few bits
        for (size_t n = 1 + below(8); n && !out.empty(); n--) out[below(out.size())] ^= 1u << below(8);
        break;
      case 1:  // overwrite a few bytes
        for (size_t n = 1 + below(4); n && !out.empty(); n--) out[below(out.size())] = uint8_t(rng_());
        break;
      case 2:  // truncate
        out.resize(below(out.size() + 1));
        break;
      case 3:  // extend with garbage
        for (size_t n = below(64); n; n--) out.push_back(uint8_t(rng_()));
        break;
      case 4:  // set an interesting byte (length fields, flags)
        if (!out.empty()) {
          static const uint8_t kInteresting[] = {0x00, 0x01, 0x03, 0x04, 0x05, 0x7F,
                                                 0x80, 0xFE, 0xFF, 0x20, 0x40, 0x60};
          out[below(out.size())] = kInteresting[below(sizeof(kInteresting))];
        }
        break;
      default:  // pure garbage
        out.resize(below(300));
        for (uint8_t& byte : out) byte = uint8_t(rng_());
    }
    return out;
  }

 private:
  std::mt19937_64 rng_;
};

Bytes packetWith(PacketType type, const std::vector<Extra>& extras, const Bytes& body) {
  PacketHeader header;
  header.type = type;
  header.ackId = 77;
  header.seq = 78;
  header.recentMask = 0xF0F0F0F0;
  header.extras = extras;
  Bytes out;
  encodePacket(header, body, out);
  return out;
}

std::vector<Bytes> packetCorpus() {
  std::vector<Bytes> corpus;
  Bytes init, initAck, pong, stream, x2;
  encodeInit(InitBody{}, init);
  encodeInitAck(InitAckBody{}, initAck);
  encodePong(12, pong);
  const Bytes opus(120, 0x5A), fec(60, 0xA5);
  OutgoingStreamData record;
  record.pts = 1200;
  record.data = opus;
  record.fec = {fec, fec, fec};
  encodeStreamData(record, stream);
  record.fec.clear();
  encodeStreamData(record, x2);
  encodeStreamData(record, x2);
  const std::vector<Extra> extras = {makeStreamFlagsExtra({1, kStreamFlagEnabled | kStreamFlagExtraEc}),
                                     makeLanEndpointExtra({{10, 0, 0, 1}, 5555}),
                                     Extra{2, {1, 0, 1, 0, 1, 1, 2, 9, 9}}};
  corpus.push_back(packetWith(PacketType::Init, {}, init));
  corpus.push_back(packetWith(PacketType::InitAck, extras, initAck));
  corpus.push_back(packetWith(PacketType::Pong, {}, pong));
  corpus.push_back(packetWith(PacketType::StreamData, extras, stream));
  corpus.push_back(packetWith(PacketType::StreamDataX2, {}, x2));
  corpus.push_back(packetWith(PacketType::Nop, extras, {}));
  // A real libtgvoip STREAM_DATA packet (spec §16.8).
  corpus.push_back(test::fromHex(
      "04020000000300000000000080000133000000007b830e100be4c136ecc58d8c4946999dac0007c97227e144ea55"
      "f1f0c0d5de978c9007c979c8c957c0a21223faef67f31dc120"));
  return corpus;
}

std::vector<Bytes> relayCorpus() {
  const PeerTag tag = test::specTag();
  std::vector<Bytes> corpus(4);
  encodeUdpPing(tag, 99, corpus[0]);
  encodePublicEndpointsRequest(tag, corpus[1]);
  SelfInfo self;
  self.ip[10] = self.ip[11] = 0xFF;
  encodeSelfInfoReply(tag, self, corpus[2]);
  encodePeerInfoReply(tag, PeerInfo{}, corpus[3]);
  return corpus;
}

/** Parses a packet the way a receiver would, checking that every view stays in bounds. */
size_t exercisePacket(const Bytes& bytes, ExtraDeduplicator& dedup) {
  Packet packet;
  if (parsePacket(bytes, packet) != ParseError::None) return 0;
  CHECK(inside(packet.body, bytes));
  for (const Extra& extra : packet.header.extras) {
    dedup.accept(extra);
    decodeStreamFlagsExtra(extra);
    decodeStreamCsdExtra(extra);
    decodeLanEndpointExtra(extra);
    decodeNetworkChangedExtra(extra);
    decodeIpv6EndpointExtra(extra);
  }
  InitBody init;
  InitAckBody initAck;
  parseInit(packet.body, init);
  parseInitAck(packet.body, initAck);
  parsePong(packet.body);
  std::vector<StreamDataRecord> records;
  for (PacketType type : {PacketType::StreamData, PacketType::StreamDataX2, PacketType::StreamDataX3}) {
    parseStreamData(type, packet.body, records);
    for (const StreamDataRecord& record : records) {
      CHECK(inside(record.data, packet.body));
      CHECK(record.fec.size() <= kMaxFecEntries);
      for (const FecEntry& entry : record.fec) CHECK(inside(entry.data, packet.body));
    }
  }
  return 1;
}

}  // namespace

TEST("fuzz: packet, stream-data, extras and relay-control parsers never read out of bounds") {
  Mutator mutator(kSeed);
  const auto packets = packetCorpus();
  const auto relay = relayCorpus();
  ExtraDeduplicator dedup;
  size_t parsedPackets = 0, parsedRelay = 0;
  for (int i = 0; i < kIterations; i++) {
    parsedPackets += exercisePacket(mutator.mutate(packets[i % packets.size()]), dedup);
    const Bytes control = mutator.mutate(relay[i % relay.size()]);
    if (const auto parsed = parseRelayControl(control)) {
      parsedRelay++;
      CHECK(control.size() >= kRelayControlHeaderSize);
    }
  }
  // The mutations must leave plenty of inputs parseable, or the fuzzer tests nothing.
  CHECK(parsedPackets > size_t(kIterations) / 4);
  CHECK(parsedRelay > size_t(kIterations) / 4);
  std::printf("     %zu/%d mutated packets parsed, %zu relay control parsed\n", parsedPackets,
              kIterations, parsedRelay);
}

TEST("fuzz: mutated datagrams are rejected; sealed mutated packets open and parse safely") {
  Mutator mutator(kSeed + 1);
  DatagramCipher caller(test::specKey(), true);
  DatagramCipher callee(test::specKey(), false);
  const PeerTag tag = test::specTag();
  const ByteView prefix(tag.data(), tag.size());
  const auto packets = packetCorpus();
  ExtraDeduplicator dedup;
  const int rounds = kIterations / 10;
  int accepted = 0;
  for (int i = 0; i < rounds; i++) {
    Bytes datagram, opened;
    caller.seal(packets[i % packets.size()], prefix, datagram);
    const Bytes mutated = mutator.mutate(datagram);
    if (callee.open(mutated, prefix, opened) == DatagramError::None) {
      accepted++;
      CHECK(mutated == datagram);  // only an unmodified datagram may authenticate
    }
    const Bytes packet = mutator.mutate(packets[i % packets.size()]);
    datagram.clear();
    if (caller.seal(packet, ByteView(), datagram) == DatagramError::None) {
      CHECK(callee.open(datagram, ByteView(), opened) == DatagramError::None && opened == packet);
      exercisePacket(opened, dedup);
    }
  }
  CHECK(accepted < rounds);
}

TEST("fuzz: the TCP deframer survives arbitrary stream bytes") {
  Mutator mutator(kSeed + 3);
  Bytes header;
  auto client = TcpObfuscatedCodec::createClient(header);
  CHECK(client.has_value());
  if (!client) return;
  Bytes wire;
  client->encodeFrame(Bytes(96, 1), wire);
  size_t frames = 0;
  for (int i = 0; i < kIterations / 20; i++) {
    auto relay = TcpObfuscatedCodec::acceptClient(header.data());
    std::vector<Bytes> out;
    // Mutated ciphertext decrypts to arbitrary lengths and partial frames.
    const Bytes mutated = mutator.mutate(wire);
    if (relay->feed(mutated, out) == TcpFrameError::None) {
      for (const Bytes& frame : out) CHECK(frame.size() <= kMaxTcpFrameSize && frame.size() % 4 == 0);
      frames += out.size();
    }
  }
  CHECK(frames > 0);
}

TEST("fuzz: the SOCKS5 handshake and UDP header parsers survive arbitrary proxy bytes") {
  Mutator mutator(kSeed + 4);
  // What a proxy answers: method choice, password status, reply (IPv4, IPv6, domain).
  const std::vector<Bytes> replies = {
      test::fromHex("0502" "0100" "05000001c0a80001d431"),
      test::fromHex("0500" "05000004" "20010db8000000000000000000000001" "1f90"),
      test::fromHex("0502" "0100" "050000030770726f78792e78" "0438" "abcdef"),
  };
  Bytes udp;
  Socks5Address relay;
  relay.ip = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 0, 2};
  relay.port = 443;
  encodeSocks5UdpDatagram(relay, Bytes(64, 7), udp);
  size_t ready = 0, parsedUdp = 0;
  for (int i = 0; i < kIterations / 4; i++) {
    const Bytes reply = mutator.mutate(replies[i % replies.size()]);
    Socks5Handshake handshake(i % 2 ? Socks5Command::UdpAssociate : Socks5Command::Connect, relay, "user", "pw");
    Bytes out;
    handshake.start(out);
    // Random splits: a stream delivers the answers in arbitrary pieces.
    size_t at = 0;
    while (at < reply.size() && handshake.result() == Socks5Result::Pending) {
      size_t piece = 1 + mutator.below(reply.size() - at);
      handshake.feed(ByteView(reply.data() + at, piece), out);
      at += piece;
    }
    if (handshake.result() == Socks5Result::Ready) {
      ready++;
      CHECK(handshake.takeLeftover().size() <= reply.size());
    }
    const Bytes datagram = mutator.mutate(udp);
    Socks5Address from;
    ByteView payload;
    if (parseSocks5UdpDatagram(datagram, from, payload) == ParseError::None) {
      parsedUdp++;
      CHECK(inside(payload, datagram));
    }
  }
  CHECK(ready > size_t(kIterations) / 40);
  CHECK(parsedUdp > size_t(kIterations) / 40);
  std::printf("     %zu mutated handshakes completed, %zu mutated UDP datagrams parsed\n", ready, parsedUdp);
}

TEST("fuzz: the Opus decoder survives mutated packets") {
  Mutator mutator(kSeed + 2);
  auto encoder = opus::Encoder::create(opus::EncoderSettings{});
  auto decoder = opus::Decoder::create();
  CHECK(encoder && decoder);
  if (!encoder || !decoder) return;
  Bytes packet;
  const auto pcm = test::sine(440, opus::kFrameSamples);
  encoder->encode(pcm.data(), opus::kFrameSamples, packet);
  int16_t out[opus::kFrameSamples];
  for (int i = 0; i < 5000; i++) {
    const Bytes mutated = mutator.mutate(packet);
    const int samples = decoder->decode(mutated, out, opus::kFrameSamples);
    CHECK(samples <= opus::kFrameSamples);
    opus::Decoder::packetSamples(mutated);
    if (i % 7 == 0) decoder->decodeFec(mutated, out, opus::kFrameSamples);
  }
}
