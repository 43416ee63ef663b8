// SOCKS5 (RFC 1928 / RFC 1929): the client handshake byte for byte, fed in any split,
// every refusal, and the UDP ASSOCIATE datagram header.

#include "protocol/socks5.h"
#include "test/test-harness.h"

using namespace tgvoip::protocol;
using tgvoip::test::fromHex;

namespace {

Socks5Address ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  Socks5Address address;
  address.ip = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, a, b, c, d};
  address.port = port;
  return address;
}

// Feeds `reply` one byte at a time (the worst split a TCP stream can produce).
Socks5Result feedBytewise(Socks5Handshake& handshake, const Bytes& reply, Bytes& out) {
  Socks5Result result = Socks5Result::Pending;
  for (uint8_t byte : reply) result = handshake.feed(ByteView(&byte, 1), out);
  return result;
}

}  // namespace

TEST("socks5: no-auth CONNECT to an IPv4 relay") {
  Socks5Handshake handshake(Socks5Command::Connect, ipv4(149, 154, 167, 51, 443), "", "");
  Bytes out;
  CHECK(handshake.start(out));
  CHECK_HEX(out, "050100");
  out.clear();
  CHECK(handshake.feed(fromHex("0500"), out) == Socks5Result::Pending);
  CHECK_HEX(out, "05010001959aa73301bb");
  out.clear();
  // The reply and the first relayed bytes in one read: the extra bytes are kept.
  CHECK(handshake.feed(fromHex("05000001c0a80001d431" "abcdef"), out) == Socks5Result::Ready);
  CHECK(out.empty());
  CHECK(handshake.bound().port == 0xd431 && handshake.bound().isIpv4() && handshake.bound().ip[12] == 192);
  CHECK_HEX(handshake.takeLeftover(), "abcdef");
}

TEST("socks5: username/password UDP ASSOCIATE, fed one byte at a time, IPv6 relay address") {
  Socks5Address any;
  any.ip = ipv4(0, 0, 0, 0, 0).ip;
  Socks5Handshake handshake(Socks5Command::UdpAssociate, any, "user", "pw");
  Bytes out;
  CHECK(handshake.start(out));
  CHECK_HEX(out, "05020002");
  out.clear();
  CHECK(feedBytewise(handshake, fromHex("0502"), out) == Socks5Result::Pending);
  CHECK_HEX(out, "010475736572027077");
  out.clear();
  CHECK(feedBytewise(handshake, fromHex("0100"), out) == Socks5Result::Pending);
  CHECK_HEX(out, "05030001000000000000");
  out.clear();
  const Bytes reply = fromHex("05000004" "20010db8000000000000000000000001" "1f90");
  CHECK(feedBytewise(handshake, reply, out) == Socks5Result::Ready);
  CHECK(!handshake.bound().isIpv4() && handshake.bound().ip[0] == 0x20 && handshake.bound().ip[15] == 1);
  CHECK(handshake.bound().port == 8080);
  CHECK(handshake.takeLeftover().empty());
}

TEST("socks5: all answers in one read, domain-name BND.ADDR means unspecified") {
  Socks5Handshake handshake(Socks5Command::UdpAssociate, ipv4(0, 0, 0, 0, 0), "u", "p");
  Bytes out;
  handshake.start(out);
  out.clear();
  CHECK(handshake.feed(fromHex("0502" "0100" "050000030770726f78792e78" "0438"), out) == Socks5Result::Ready);
  CHECK_HEX(out, "01017501700503000100000000" "0000");
  CHECK(handshake.bound().isUnspecified() && handshake.bound().port == 0x0438);
}

TEST("socks5: refusals are told apart") {
  Bytes out;
  Socks5Handshake wantsPassword(Socks5Command::Connect, ipv4(1, 2, 3, 4, 5), "", "");
  wantsPassword.start(out);
  CHECK(wantsPassword.feed(fromHex("05ff"), out) == Socks5Result::NoAcceptableMethod);

  Socks5Handshake wrongPassword(Socks5Command::Connect, ipv4(1, 2, 3, 4, 5), "u", "bad");
  wrongPassword.start(out);
  wrongPassword.feed(fromHex("0502"), out);
  CHECK(wrongPassword.feed(fromHex("0101"), out) == Socks5Result::AuthRefused);
  // Final: later bytes change nothing.
  CHECK(wrongPassword.feed(fromHex("0100"), out) == Socks5Result::AuthRefused);

  Socks5Handshake noUdp(Socks5Command::UdpAssociate, ipv4(0, 0, 0, 0, 0), "", "");
  noUdp.start(out);
  noUdp.feed(fromHex("0500"), out);
  CHECK(noUdp.feed(fromHex("05070001000000000000"), out) == Socks5Result::RequestRefused);
  CHECK(noUdp.replyCode() == 7);

  Socks5Handshake http(Socks5Command::Connect, ipv4(1, 2, 3, 4, 5), "", "");
  http.start(out);
  CHECK(http.feed(fromHex("48545450"), out) == Socks5Result::NotSocks5);  // "HTTP"

  Socks5Handshake unoffered(Socks5Command::Connect, ipv4(1, 2, 3, 4, 5), "", "");
  unoffered.start(out);
  CHECK(unoffered.feed(fromHex("0502"), out) == Socks5Result::NotSocks5);  // password, not offered

  Socks5Handshake badType(Socks5Command::Connect, ipv4(1, 2, 3, 4, 5), "", "");
  badType.start(out);
  badType.feed(fromHex("0500"), out);
  CHECK(badType.feed(fromHex("05000009"), out) == Socks5Result::NotSocks5);

  Socks5Handshake tooLong(Socks5Command::Connect, ipv4(1, 2, 3, 4, 5), std::string(256, 'u'), "p");
  CHECK(!tooLong.start(out));
}

TEST("socks5: UDP datagram header round trip, IPv4 and IPv6") {
  const Bytes payload = fromHex("00112233");
  Bytes datagram;
  encodeSocks5UdpDatagram(ipv4(10, 0, 0, 2, 1234), payload, datagram);
  CHECK_HEX(datagram, "0000000" "10a00000204d2" "00112233");
  Socks5Address from;
  ByteView view;
  CHECK(parseSocks5UdpDatagram(datagram, from, view) == ParseError::None);
  CHECK(from.isIpv4() && from.ip[12] == 10 && from.ip[15] == 2 && from.port == 1234);
  CHECK(view.toBytes() == payload);

  Socks5Address v6;
  v6.ip[15] = 1;  // ::1
  v6.port = 443;
  datagram.clear();
  encodeSocks5UdpDatagram(v6, payload, datagram);
  CHECK_HEX(datagram, "00000004" "00000000000000000000000000000001" "01bb" "00112233");
  CHECK(parseSocks5UdpDatagram(datagram, from, view) == ParseError::None);
  CHECK(!from.isIpv4() && from.port == 443 && view.size == 4);
}

TEST("socks5: bad UDP datagrams are rejected") {
  Socks5Address from;
  ByteView view;
  CHECK(parseSocks5UdpDatagram(fromHex(""), from, view) == ParseError::Truncated);
  CHECK(parseSocks5UdpDatagram(fromHex("0000000" "10a000002"), from, view) == ParseError::Truncated);
  CHECK(parseSocks5UdpDatagram(fromHex("0000010" "10a00000204d2aa"), from, view) == ParseError::InvalidValue);  // a fragment
  CHECK(parseSocks5UdpDatagram(fromHex("0100000" "10a00000204d2aa"), from, view) == ParseError::InvalidValue);  // RSV
  CHECK(parseSocks5UdpDatagram(fromHex("00000003" "0161" "0050aa"), from, view) == ParseError::InvalidValue);    // a host name
  CHECK(parseSocks5UdpDatagram(fromHex("00000003" "ff61"), from, view) == ParseError::Truncated);
  CHECK(parseSocks5UdpDatagram(fromHex("00000005" "0a00000204d2"), from, view) == ParseError::InvalidValue);
  // An empty payload is a valid (if useless) datagram.
  CHECK(parseSocks5UdpDatagram(fromHex("0000000" "10a00000204d2"), from, view) == ParseError::None && view.size == 0);
}
