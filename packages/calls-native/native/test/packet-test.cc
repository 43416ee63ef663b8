// Inner packet codecs against the spec's packets (§16.4-§16.6, §16.8) plus round trips.

#include "protocol/extra-reliability.h"
#include "protocol/handshake.h"
#include "protocol/packet.h"
#include "protocol/seq.h"
#include "protocol/stream-data.h"
#include "test/test-harness.h"

using namespace tgvoip::protocol;
using tgvoip::test::fromHex;

TEST("16.4 INIT packet encodes byte for byte and parses back") {
  InitBody init;  // defaults: v9, min 3, flags 0, ['OPUS'], no video, resolution 0
  Bytes body;
  encodeInit(init, body);
  CHECK_HEX(body, "090000000300000000000000015355504f0000");
  PacketHeader header;
  header.type = PacketType::Init;
  header.seq = 1;
  Bytes packet;
  CHECK(encodePacket(header, body, packet));
  CHECK_HEX(packet, "0100000000010000000000000000090000000300000000000000015355504f0000");

  Packet parsed;
  CHECK(parsePacket(packet, parsed) == ParseError::None);
  CHECK(parsed.header.type == PacketType::Init && parsed.header.seq == 1);
  CHECK(parsed.header.ackId == 0 && parsed.header.recentMask == 0 && parsed.header.extras.empty());
  InitBody back;
  CHECK(parseInit(parsed.body, back) == ParseError::None);
  CHECK(back.protocolVersion == 9 && back.minProtocolVersion == 3 && back.flags == 0);
  CHECK(back.audioCodecs.size() == 1 && back.audioCodecs[0] == kCodecOpus);
  CHECK(back.videoDecoders.empty() && back.maxVideoResolution == 0);
  CHECK(isCompatiblePeer(back.protocolVersion, back.minProtocolVersion));
  CHECK(!isCompatiblePeer(2, 1) && !isCompatiblePeer(12, 10));
}

TEST("16.5 INIT_ACK packet encodes byte for byte and parses back") {
  InitAckBody initAck;
  Bytes body;
  encodeInitAck(initAck, body);
  CHECK_HEX(body, "09000000030000000101015355504f3c0001");
  PacketHeader header;
  header.type = PacketType::InitAck;
  header.ackId = 1;
  header.seq = 1;
  Bytes packet;
  CHECK(encodePacket(header, body, packet));
  CHECK_HEX(packet, "020100000001000000000000000009000000030000000101015355504f3c0001");
  Packet parsed;
  CHECK(parsePacket(packet, parsed) == ParseError::None);
  InitAckBody back;
  CHECK(parseInitAck(parsed.body, back) == ParseError::None);
  CHECK(back.protocolVersion == 9 && back.streams.size() == 1);
  const StreamDescription& stream = back.streams[0];
  CHECK(stream.id == 1 && stream.type == kStreamTypeAudio && stream.codec == kCodecOpus);
  CHECK(stream.frameDurationMs == 60 && stream.enabled);
  // A body of 10 bytes or less is a version-1 peer with no streams; a cut stream is Truncated.
  CHECK(parseInitAck(ByteView(body.data(), 10), back) == ParseError::None);
  CHECK(back.protocolVersion == 1 && back.streams.empty());
  CHECK(parseInitAck(ByteView(body.data(), 15), back) == ParseError::Truncated);
}

TEST("16.6 STREAM_DATA with a STREAM_FLAGS extra encodes byte for byte and parses back") {
  PacketHeader header;
  header.type = PacketType::StreamData;
  header.ackId = 5;
  header.seq = 7;
  header.recentMask = 0xC0000000;
  header.extras.push_back(makeStreamFlagsExtra({kStreamIdAudio, kStreamFlagEnabled}));
  const Bytes opus = fromHex("0be4c136");
  OutgoingStreamData record;
  record.pts = 120;
  record.data = opus;
  Bytes body;
  CHECK(encodeStreamData(record, body));
  CHECK_HEX(body, "0104780000000be4c136");
  Bytes packet;
  CHECK(encodePacket(header, body, packet));
  CHECK_HEX(packet, "040500000007000000000000c00101060101010000000104780000000be4c136");

  Packet parsed;
  CHECK(parsePacket(packet, parsed) == ParseError::None);
  CHECK(parsed.header.ackId == 5 && parsed.header.seq == 7);
  CHECK(parsed.header.recentMask == 0xC0000000);
  CHECK(parsed.header.extras.size() == 1);
  const auto flags = decodeStreamFlagsExtra(parsed.header.extras[0]);
  CHECK(flags && flags->streamId == 1 && flags->flags == kStreamFlagEnabled);
  std::vector<StreamDataRecord> records;
  CHECK(parseStreamData(parsed.header.type, parsed.body, records) == ParseError::None);
  CHECK(records.size() == 1 && records[0].pts == 120 && records[0].streamId == 1);
  CHECK_HEX(records[0].data, "0be4c136");
  CHECK(records[0].fec.empty());
}

TEST("16.8 real STREAM_DATA packet parses: ack 2, mask 0x80000000, pts 0, 51-byte Opus") {
  const Bytes packet = fromHex(
      "04020000000300000000000080000133000000007b830e100be4c136ecc58d8c4946999dac0007c97227e144ea55"
      "f1f0c0d5de978c9007c979c8c957c0a21223faef67f31dc120");
  Packet parsed;
  CHECK(parsePacket(packet, parsed) == ParseError::None);
  CHECK(parsed.header.ackId == 2 && parsed.header.seq == 3);
  CHECK(parsed.header.recentMask == 0x80000000);
  std::vector<StreamDataRecord> records;
  CHECK(parseStreamData(PacketType::StreamData, parsed.body, records) == ParseError::None);
  CHECK(records.size() == 1 && records[0].pts == 0 && records[0].data.size == 51);
  CHECK(records[0].data.data[0] == 0x7b);
}

TEST("extra-FEC block round trip: LEN16 + 0x2000, entry pts oldest first") {
  const Bytes primary(300, 0x11), fecA(40, 0x22), fecB(50, 0x33), fecC(79, 0x44);
  OutgoingStreamData record;
  record.pts = 600;
  record.data = primary;
  record.fec = {fecA, fecB, fecC};
  Bytes body;
  CHECK(encodeStreamData(record, body));
  CHECK(body[0] == (kStreamIdAudio | kStreamByteLen16));
  CHECK((body[1] | body[2] << 8) == (300 | kLengthFlagExtraFec));
  std::vector<StreamDataRecord> records;
  CHECK(parseStreamData(PacketType::StreamData, body, records) == ParseError::None);
  CHECK(records.size() == 1 && records[0].data.size == 300 && records[0].fec.size() == 3);
  CHECK(records[0].fec[0].pts == 480 && records[0].fec[1].pts == 540 && records[0].fec[2].pts == 600);
  CHECK(records[0].fec[2].data.size == 79 && records[0].fec[2].data.data[0] == 0x44);
  // Short payload with FEC still uses LEN16; without FEC it uses the u8 length.
  record.data = fecA;
  body.clear();
  CHECK(encodeStreamData(record, body));
  CHECK(body[0] & kStreamByteLen16);
  record.fec.clear();
  body.clear();
  CHECK(encodeStreamData(record, body));
  CHECK(body[0] == kStreamIdAudio && body[1] == 40);
  // Limits: 5 FEC entries, a 256-byte entry, a 2048-byte frame.
  const Bytes big(256, 0), huge(2048, 0);
  record.fec = {fecA, fecA, fecA, fecA, fecA};
  CHECK(!encodeStreamData(record, body));
  record.fec = {big};
  CHECK(!encodeStreamData(record, body));
  record.fec.clear();
  record.data = huge;
  CHECK(!encodeStreamData(record, body));
}

TEST("X2/X3 records, truncation and unknown types") {
  Bytes body;
  const Bytes a(10, 1), b(20, 2), c(30, 3);
  OutgoingStreamData record;
  for (const Bytes* data : {&a, &b, &c}) {
    record.data = *data;
    record.pts += 60;
    encodeStreamData(record, body);
  }
  std::vector<StreamDataRecord> records;
  CHECK(parseStreamData(PacketType::StreamDataX3, body, records) == ParseError::None);
  CHECK(records.size() == 3 && records[2].data.size == 30 && records[2].pts == 180);
  CHECK(parseStreamData(PacketType::StreamDataX2, body, records) == ParseError::None);
  CHECK(records.size() == 2);
  CHECK(parseStreamData(PacketType::StreamDataX3, ByteView(body.data(), body.size() - 1),
                        records) == ParseError::Truncated);
  CHECK(records.size() == 2);
  CHECK(parseStreamData(PacketType::Nop, body, records) == ParseError::InvalidValue);
}

TEST("a malformed FEC block keeps the primary frame before it") {
  const Bytes primary(50, 9), fec(20, 8);
  OutgoingStreamData record;
  record.pts = 360;
  record.data = primary;
  record.fec = {fec, fec};
  Bytes body;
  CHECK(encodeStreamData(record, body));
  std::vector<StreamDataRecord> records;
  // Cut inside the second FEC entry: the frame and the first entry survive.
  CHECK(parseStreamData(PacketType::StreamData, ByteView(body.data(), body.size() - 5), records) ==
        ParseError::Truncated);
  CHECK(records.size() == 1 && records[0].data.size == 50 && records[0].fec.size() == 1);
  // Five entries is not a valid count: InvalidValue, the frame is still there.
  Bytes five = body;
  five[1 + 2 + 4 + 50] = 5;  // after stream byte, u16 length, pts and data: the count
  CHECK(parseStreamData(PacketType::StreamData, five, records) == ParseError::InvalidValue);
  CHECK(records.size() == 1 && records[0].fec.empty());
  // Cut inside the primary frame: nothing to play.
  CHECK(parseStreamData(PacketType::StreamData, ByteView(body.data(), 30), records) ==
        ParseError::Truncated);
  CHECK(records.empty());
}

TEST("header with every extra type, recv_ts and an unknown extra") {
  PacketHeader header;
  header.type = PacketType::Nop;
  header.ackId = 0xFFFFFFFF;
  header.seq = 42;
  header.recvTs = 123456;
  header.extras.push_back(makeLanEndpointExtra({{192, 0, 2, 2}, 20095}));
  header.extras.push_back(makeNetworkChangedExtra({kNetworkFlagDataSaving}));
  Ipv6EndpointExtra v6;
  v6.ipv6[15] = 1;
  v6.port = 443;
  header.extras.push_back(makeIpv6EndpointExtra(v6));
  header.extras.push_back(Extra{200, Bytes{1, 2, 3}});
  header.extras.push_back(Extra{static_cast<uint8_t>(ExtraType::StreamCsd),
                                fromHex("02800270010103aabbcc")});
  Bytes packet;
  CHECK(encodePacket(header, ByteView(), packet));
  CHECK(packet[13] == (kXflagHasExtra | kXflagHasRecvTs));
  Packet parsed;
  CHECK(parsePacket(packet, parsed) == ParseError::None);
  CHECK(parsed.header.recvTs && *parsed.header.recvTs == 123456 && parsed.body.empty());
  CHECK(parsed.header.extras == header.extras);
  const auto lan = decodeLanEndpointExtra(parsed.header.extras[0]);
  CHECK(lan && lan->ipv4[0] == 192 && lan->ipv4[3] == 2 && lan->port == 20095);
  CHECK(decodeNetworkChangedExtra(parsed.header.extras[1])->flags == 1);
  CHECK(decodeIpv6EndpointExtra(parsed.header.extras[2])->port == 443);
  CHECK(!decodeStreamFlagsExtra(parsed.header.extras[3]));
  const auto csd = decodeStreamCsdExtra(parsed.header.extras[4]);
  CHECK(csd && csd->streamId == 2 && csd->width == 0x280 && csd->data.size() == 1);
  // Limits: a 255-byte payload cannot be encoded; a zero length byte is invalid on parse.
  header.extras = {Extra{1, Bytes(255, 0)}};
  Bytes out;
  CHECK(!encodePacket(header, ByteView(), out) && out.empty());
  Bytes bad = fromHex("0e000000000100000000000000010100");
  CHECK(parsePacket(bad, parsed) == ParseError::InvalidValue);
  CHECK(parsePacket(ByteView(bad.data(), 13), parsed) == ParseError::Truncated);
}

TEST("PONG body, seq comparison across wrap-around") {
  Bytes body;
  encodePong(0xDEADBEEF, body);
  CHECK(parsePong(body) == 0xDEADBEEFu);
  CHECK(!parsePong(ByteView(body.data(), 3)));
  CHECK(seqNewer(2, 1) && !seqNewer(1, 2) && !seqNewer(5, 5));
  CHECK(seqNewer(0, 0xFFFFFFFF) && seqNewer(3, 0xFFFFFFF0) && !seqNewer(0xFFFFFFF0, 3));
  CHECK(seqNewer(0x80000000u, 1) && !seqNewer(0x80000001u, 0));
}

TEST("pending extras: one per type, dropped once acked from the first carrying seq") {
  PendingExtras pending;
  pending.queue(makeStreamFlagsExtra({1, 0}));
  pending.queue(makeNetworkChangedExtra({0}));
  CHECK(pending.takeForPacket(10).size() == 2);
  pending.queue(makeStreamFlagsExtra({1, kStreamFlagEnabled}));  // replaces, counts as unsent
  const std::vector<Extra> second = pending.takeForPacket(11);
  CHECK(second.size() == 2 && decodeStreamFlagsExtra(second[0])->flags == kStreamFlagEnabled);
  pending.onAck(9);
  CHECK(pending.size() == 2);
  pending.onAck(10);  // the NETWORK_CHANGED went out first in 10
  CHECK(pending.size() == 1);
  pending.onAck(12);
  CHECK(pending.empty());
}

TEST("extra dedup: identical type+payload ignored, per type") {
  ExtraDeduplicator dedup;
  const Extra muted = makeStreamFlagsExtra({1, 0});
  const Extra unmuted = makeStreamFlagsExtra({1, kStreamFlagEnabled});
  CHECK(dedup.accept(muted));
  CHECK(!dedup.accept(muted));
  CHECK(dedup.accept(makeNetworkChangedExtra({0})));
  CHECK(dedup.accept(unmuted));
  CHECK(dedup.accept(muted));
  dedup.reset();
  CHECK(dedup.accept(muted));
}
