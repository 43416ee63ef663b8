#include "protocol/socks5.h"

#include <algorithm>

#include "protocol/byte-reader.h"
#include "protocol/byte-writer.h"

namespace tgvoip::protocol {

namespace {

constexpr uint8_t kVersion = 5;
constexpr uint8_t kMethodNone = 0x00;
constexpr uint8_t kMethodPassword = 0x02;
constexpr uint8_t kMethodNoneAcceptable = 0xFF;
constexpr uint8_t kPasswordVersion = 1;  // RFC 1929 sub-negotiation version
constexpr uint8_t kAddressIpv4 = 1;
constexpr uint8_t kAddressDomain = 3;
constexpr uint8_t kAddressIpv6 = 4;
constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

enum class AddressRead { Ok, Truncated, BadType };

// ATYP ADDR PORT (ports are big-endian on the wire, unlike the rest of the protocol).
// A domain name is skipped and leaves `out.ip` unspecified.
AddressRead readAddress(ByteReader& reader, Socks5Address& out, bool& wasDomain) {
  uint8_t type = 0;
  wasDomain = false;
  if (!reader.u8(type)) return AddressRead::Truncated;
  out.ip.fill(0);
  bool ok = true;
  if (type == kAddressIpv4) {
    std::copy(std::begin(kMappedPrefix), std::end(kMappedPrefix), out.ip.begin());
    ok = reader.copy(out.ip.data() + 12, 4);
  } else if (type == kAddressIpv6) {
    ok = reader.copy(out.ip.data(), 16);
  } else if (type == kAddressDomain) {
    uint8_t length = 0;
    ok = reader.u8(length) && reader.skip(length);
    wasDomain = true;
  } else {
    return AddressRead::BadType;
  }
  uint8_t port[2];
  if (!ok || !reader.copy(port, 2)) return AddressRead::Truncated;
  out.port = static_cast<uint16_t>((port[0] << 8) | port[1]);
  return AddressRead::Ok;
}

void writeAddress(ByteWriter& writer, const Socks5Address& address) {
  if (address.isIpv4()) {
    writer.u8(kAddressIpv4).bytes(address.ip.data() + 12, 4);
  } else {
    writer.u8(kAddressIpv6).bytes(address.ip.data(), 16);
  }
  writer.u8(static_cast<uint8_t>(address.port >> 8)).u8(static_cast<uint8_t>(address.port & 0xFF));
}

}  // namespace

bool Socks5Address::isIpv4() const { return std::equal(std::begin(kMappedPrefix), std::end(kMappedPrefix), ip.begin()); }

bool Socks5Address::isUnspecified() const {
  size_t from = isIpv4() ? 12 : 0;
  return std::all_of(ip.begin() + static_cast<long>(from), ip.end(), [](uint8_t b) { return b == 0; });
}

Socks5Handshake::Socks5Handshake(Socks5Command command, const Socks5Address& target, std::string username,
                                 std::string password)
    : command_(command), target_(target), username_(std::move(username)), password_(std::move(password)) {}

bool Socks5Handshake::start(Bytes& out) {
  if (username_.size() > kSocks5MaxCredential || password_.size() > kSocks5MaxCredential) return false;
  ByteWriter writer(out);
  if (username_.empty()) {
    writer.u8(kVersion).u8(1).u8(kMethodNone);
  } else {
    // Offering both lets a proxy that needs no password skip the sub-negotiation.
    writer.u8(kVersion).u8(2).u8(kMethodNone).u8(kMethodPassword);
  }
  return true;
}

Socks5Result Socks5Handshake::feed(ByteView in, Bytes& out) {
  if (result_ != Socks5Result::Pending) return result_;
  buffer_.insert(buffer_.end(), in.data, in.data + in.size);
  // One read may hold several answers (a proxy that pipelines): run every complete one.
  while (result_ == Socks5Result::Pending) {
    Stage before = stage_;
    Socks5Result step = Socks5Result::Pending;
    switch (stage_) {
      case Stage::Method: step = stepMethod(out); break;
      case Stage::Auth: step = stepAuth(out); break;
      case Stage::Reply: step = stepReply(); break;
      case Stage::Done: break;
    }
    if (step != Socks5Result::Pending) return finish(step);
    if (stage_ == before) break;  // incomplete: wait for more bytes
  }
  return result_;
}

bool Socks5Handshake::takeTwoBytes(uint8_t& first, uint8_t& second) {
  if (buffer_.size() < 2) return false;
  first = buffer_[0];
  second = buffer_[1];
  buffer_.erase(buffer_.begin(), buffer_.begin() + 2);
  return true;
}

Socks5Result Socks5Handshake::stepMethod(Bytes& out) {
  uint8_t version = 0, method = 0;
  if (!takeTwoBytes(version, method)) return Socks5Result::Pending;
  if (version != kVersion) return Socks5Result::NotSocks5;
  if (method == kMethodNoneAcceptable) return Socks5Result::NoAcceptableMethod;
  if (method == kMethodPassword && !username_.empty()) {
    ByteWriter writer(out);
    writer.u8(kPasswordVersion).u8(static_cast<uint8_t>(username_.size()));
    writer.bytes(reinterpret_cast<const uint8_t*>(username_.data()), username_.size());
    writer.u8(static_cast<uint8_t>(password_.size()));
    writer.bytes(reinterpret_cast<const uint8_t*>(password_.data()), password_.size());
    stage_ = Stage::Auth;
    return Socks5Result::Pending;
  }
  // A method we did not offer is a protocol violation, not a choice.
  if (method != kMethodNone) return Socks5Result::NotSocks5;
  encodeRequest(out);
  stage_ = Stage::Reply;
  return Socks5Result::Pending;
}

Socks5Result Socks5Handshake::stepAuth(Bytes& out) {
  uint8_t version = 0, status = 0;
  if (!takeTwoBytes(version, status)) return Socks5Result::Pending;
  if (version != kPasswordVersion) return Socks5Result::NotSocks5;
  if (status != 0) return Socks5Result::AuthRefused;
  encodeRequest(out);
  stage_ = Stage::Reply;
  return Socks5Result::Pending;
}

Socks5Result Socks5Handshake::stepReply() {
  ByteReader reader(buffer_.data(), buffer_.size());
  uint8_t version = 0, reply = 0, reserved = 0;
  if (!reader.u8(version) || !reader.u8(reply) || !reader.u8(reserved)) return Socks5Result::Pending;
  if (version != kVersion || reserved != 0) return Socks5Result::NotSocks5;
  bool wasDomain = false;
  Socks5Address bound;
  switch (readAddress(reader, bound, wasDomain)) {
    case AddressRead::Truncated: return Socks5Result::Pending;
    case AddressRead::BadType: return Socks5Result::NotSocks5;
    case AddressRead::Ok: break;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(reader.position()));
  stage_ = Stage::Done;
  if (reply != 0) {
    replyCode_ = reply;
    return Socks5Result::RequestRefused;
  }
  if (wasDomain) bound.ip = Socks5Address{}.ip;  // all zero: "where you reached me"
  bound_ = bound;
  return Socks5Result::Ready;
}

Socks5Result Socks5Handshake::finish(Socks5Result result) {
  result_ = result;
  stage_ = Stage::Done;
  if (result != Socks5Result::Ready) buffer_.clear();
  return result;
}

void Socks5Handshake::encodeRequest(Bytes& out) const {
  ByteWriter writer(out);
  writer.u8(kVersion).u8(static_cast<uint8_t>(command_)).u8(0);
  writeAddress(writer, target_);
}

Bytes Socks5Handshake::takeLeftover() {
  Bytes out;
  out.swap(buffer_);
  return out;
}

void encodeSocks5UdpDatagram(const Socks5Address& to, ByteView payload, Bytes& out) {
  ByteWriter writer(out);
  writer.u8(0).u8(0).u8(0);  // RSV, FRAG 0: a whole datagram
  writeAddress(writer, to);
  writer.bytes(payload);
}

ParseError parseSocks5UdpDatagram(ByteView datagram, Socks5Address& from, ByteView& payload) {
  ByteReader reader(datagram);
  uint8_t reserved0 = 0, reserved1 = 0, fragment = 0;
  if (!reader.u8(reserved0) || !reader.u8(reserved1) || !reader.u8(fragment)) return ParseError::Truncated;
  if (reserved0 != 0 || reserved1 != 0 || fragment != 0) return ParseError::InvalidValue;
  bool wasDomain = false;
  switch (readAddress(reader, from, wasDomain)) {
    case AddressRead::Truncated: return ParseError::Truncated;
    case AddressRead::BadType: return ParseError::InvalidValue;
    case AddressRead::Ok: break;
  }
  // Endpoints are matched by address: a datagram that names a host instead is unusable.
  if (wasDomain) return ParseError::InvalidValue;
  payload = reader.rest();
  return ParseError::None;
}

}  // namespace tgvoip::protocol
