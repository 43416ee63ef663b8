// Spec §16.7: relay control packets, encoded byte for byte and parsed.

#include "protocol/relay-control.h"
#include "test/spec-key.h"
#include "test/test-harness.h"

using namespace tgvoip::protocol;
using tgvoip::test::fromHex;

namespace {
constexpr uint64_t kQueryId = 0x0807060504030201ull;  // bytes 01 02 .. 08
}

TEST("16.7 UDP ping and public endpoints request") {
  Bytes ping, request;
  encodeUdpPing(tgvoip::test::specTag(), kQueryId, ping);
  CHECK_HEX(ping, "101112131415161718191a1b1c1d1e1ffffffffffffffffffffffffffeffffff0102030405060708");
  encodePublicEndpointsRequest(tgvoip::test::specTag(), request);
  CHECK_HEX(request, "101112131415161718191a1b1c1d1e1fffffffffffffffffffffffffffffffff");
  const auto parsedPing = parseRelayControl(ping);
  CHECK(parsedPing && parsedPing->kind == RelayControlKind::UdpPing);
  CHECK(parsedPing->queryId == kQueryId && parsedPing->tag == tgvoip::test::specTag());
  const auto parsedRequest = parseRelayControl(request);
  CHECK(parsedRequest && parsedRequest->kind == RelayControlKind::PublicEndpointsRequest);
}

TEST("16.7 SELF_INFO reply") {
  SelfInfo info;
  info.date = 1700000000;
  info.queryId = kQueryId;
  info.ip = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 203, 0, 113, 7};
  info.port = 40000;
  Bytes reply;
  encodeSelfInfoReply(tgvoip::test::specTag(), info, reply);
  CHECK_HEX(reply,
            "101112131415161718191a1b1c1d1e1fffffffffffffffffffffffffc77215c000f153650102030405060708"
            "00000000000000000000ffffcb007107409c0000");
  const auto parsed = parseRelayControl(reply);
  CHECK(parsed && parsed->kind == RelayControlKind::SelfInfo && parsed->selfInfo);
  CHECK(parsed->selfInfo->date == 1700000000 && parsed->selfInfo->port == 40000);
  CHECK(parsed->queryId == kQueryId);
  const auto v4 = ipv4FromMapped(parsed->selfInfo->ip);
  CHECK(v4 && (*v4)[0] == 203 && (*v4)[3] == 7);
  // One byte short of the 32-byte minimum after the TL id: ignored as Unknown.
  const auto cut = parseRelayControl(ByteView(reply.data(), reply.size() - 1));
  CHECK(cut && cut->kind == RelayControlKind::Unknown && !cut->selfInfo);
}

TEST("16.7 PEER_INFO reply") {
  PeerInfo info;
  info.myIp = {203, 0, 113, 7};
  info.myPort = 40000;
  info.peerIp = {198, 51, 100, 9};
  info.peerPort = 50000;
  Bytes reply;
  encodePeerInfoReply(tgvoip::test::specTag(), info, reply);
  CHECK_HEX(reply,
            "101112131415161718191a1b1c1d1e1fffffffffffffffffffffffff1c37d927cb007107409c0000c6336409"
            "50c30000");
  const auto parsed = parseRelayControl(reply);
  CHECK(parsed && parsed->kind == RelayControlKind::PeerInfo && parsed->peerInfo);
  CHECK(parsed->peerInfo->myPort == 40000 && parsed->peerInfo->peerPort == 50000);
  CHECK(parsed->peerInfo->peerIp[0] == 198 && parsed->peerInfo->peerIp[3] == 9);
}

TEST("non-control datagrams are not relay control") {
  Bytes data = fromHex("101112131415161718191a1b1c1d1e1ffffffffffffffffffffffffe00000000");
  CHECK(!isRelayControl(data) && !parseRelayControl(data));
  CHECK(!parseRelayControl(ByteView(data.data(), 31)));
  Bytes unknown = fromHex("101112131415161718191a1b1c1d1e1fffffffffffffffffffffffff96fc061a");
  const auto parsed = parseRelayControl(unknown);
  CHECK(parsed && parsed->kind == RelayControlKind::Unknown && parsed->code == 0x1A06FC96u);
}
