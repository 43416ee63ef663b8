#pragma once
// SOCKS5 client (RFC 1928) with username/password authentication (RFC 1929), as pure
// codecs: the handshake is a state machine fed with whatever bytes the proxy sent, and
// the UDP ASSOCIATE datagram header is encoded and parsed here. No I/O.

#include <array>
#include <string>

#include "protocol/bytes.h"
#include "protocol/parse-error.h"

namespace tgvoip::protocol {

// An IPv4 address (stored IPv4-mapped, ::ffff:a.b.c.d) or an IPv6 address, and a port.
struct Socks5Address {
  std::array<uint8_t, 16> ip{};
  uint16_t port = 0;

  bool isIpv4() const;
  // 0.0.0.0 or ::, which a proxy may answer to mean "the address you reached me at".
  bool isUnspecified() const;
};

enum class Socks5Command : uint8_t { Connect = 1, UdpAssociate = 3 };

enum class Socks5Result {
  Pending,             // waiting for more bytes from the proxy
  Ready,               // the request was granted
  NotSocks5,           // the answer is not SOCKS5 (wrong version, reserved bytes, bad address type)
  NoAcceptableMethod,  // the proxy accepts none of the methods offered (e.g. it wants a password)
  AuthRefused,         // RFC 1929 status other than 0
  RequestRefused,      // REP other than 0 (see replyCode())
};

// RFC 1929 limits each credential to 255 bytes.
constexpr size_t kSocks5MaxCredential = 255;

class Socks5Handshake {
 public:
  // `username` empty: only "no authentication" is offered. Credentials longer than
  // kSocks5MaxCredential make start() fail.
  Socks5Handshake(Socks5Command command, const Socks5Address& target, std::string username, std::string password);

  // The greeting, the first bytes to send. False if the credentials are too long.
  bool start(Bytes& out);
  // Consumes bytes from the proxy, however the stream splits them; appends whatever must
  // be sent next to `out`. After a final result further input is ignored.
  Socks5Result feed(ByteView in, Bytes& out);

  Socks5Result result() const { return result_; }
  // REP of a refused request (RFC 1928 §6), 0 otherwise.
  uint8_t replyCode() const { return replyCode_; }
  // BND.ADDR / BND.PORT: for UDP ASSOCIATE, where to send datagrams. A domain-name
  // answer leaves the address unspecified.
  const Socks5Address& bound() const { return bound_; }
  // Bytes that followed the reply in the same read (CONNECT: the relayed stream began).
  Bytes takeLeftover();

 private:
  enum class Stage { Method, Auth, Reply, Done };
  Socks5Result finish(Socks5Result result);
  void encodeRequest(Bytes& out) const;
  // The method choice and the RFC 1929 status are both (version, value) pairs.
  bool takeTwoBytes(uint8_t& first, uint8_t& second);
  // Each step parses one answer; Pending while it is incomplete.
  Socks5Result stepMethod(Bytes& out);
  Socks5Result stepAuth(Bytes& out);
  Socks5Result stepReply();

  Socks5Command command_;
  Socks5Address target_;
  std::string username_;
  std::string password_;
  Stage stage_ = Stage::Method;
  Socks5Result result_ = Socks5Result::Pending;
  uint8_t replyCode_ = 0;
  Socks5Address bound_;
  Bytes buffer_;
};

// RSV(2) FRAG(1) ATYP DST.ADDR DST.PORT, then the payload: one datagram for the proxy's
// UDP relay.
void encodeSocks5UdpDatagram(const Socks5Address& to, ByteView payload, Bytes& out);
// A datagram from the proxy's UDP relay: the address it came from and a view of its
// payload. Fragments (FRAG != 0, which this client never asks for) and domain-name
// sources are InvalidValue; a header that runs past the end is Truncated.
ParseError parseSocks5UdpDatagram(ByteView datagram, Socks5Address& from, ByteView& payload);

}  // namespace tgvoip::protocol
