#pragma once
// TCP relay transport (§10.6): "obfuscated2" AES-256-CTR over the byte stream with
// abridged framing (len/4 in 1 byte, or 0x7F + 3 bytes). Each frame is one datagram
// exactly as sent over UDP (peer tag first). Pure: the caller owns the socket.

#include <array>
#include <optional>
#include <vector>

#include "protocol/bytes.h"

namespace tgvoip::protocol {

constexpr size_t kObfuscationHeaderSize = 64;
constexpr size_t kMaxTcpFrameSize = 1500;  // the reference rejects larger incoming frames

/** AES-256-CTR with a 128-bit big-endian counter (OpenSSL CRYPTO_ctr128 convention). */
class AesCtrStream {
 public:
  AesCtrStream(const uint8_t* key32, const uint8_t* iv16);
  ~AesCtrStream();
  AesCtrStream(AesCtrStream&& other) noexcept;
  AesCtrStream& operator=(AesCtrStream&& other) noexcept;
  AesCtrStream(const AesCtrStream&) = delete;
  AesCtrStream& operator=(const AesCtrStream&) = delete;

  /** XORs the next `size` keystream bytes into `data` (in place). */
  void apply(uint8_t* data, size_t size);

 private:
  std::array<uint8_t, 32> key_{};
  std::array<uint8_t, 16> counter_{};
  std::array<uint8_t, 16> keystream_{};
  size_t used_ = 16;  // bytes of keystream_ already consumed
};

enum class TcpFrameError {
  None = 0,
  FrameTooLarge,  // over 1500 bytes: close the connection
};

/**
 * One end of an obfuscated TCP connection. The client writes the 64-byte header first;
 * the relay side is built from that header (tests and local relays).
 */
class TcpObfuscatedCodec {
 public:
  /** Client with a fresh CSPRNG nonce; appends the 64-byte header to `headerOut`. */
  static std::optional<TcpObfuscatedCodec> createClient(Bytes& headerOut);
  /** Client from a given nonce (bytes 56..60 are forced to EF): test vectors. */
  static TcpObfuscatedCodec clientFromNonce(const std::array<uint8_t, 64>& nonce, Bytes& headerOut);
  /** Relay side from the client's header; nothing unless it carries the abridged tag. */
  static std::optional<TcpObfuscatedCodec> acceptClient(const uint8_t* header64);
  /** True if the relay would reject this nonce as a client header (§10.6 step 1). */
  static bool isForbiddenNonce(const std::array<uint8_t, 64>& nonce);

  /** Appends the framed, encrypted datagram (its size must be a multiple of 4). */
  bool encodeFrame(ByteView datagram, Bytes& out);
  /** Decrypts received stream bytes and appends every complete frame to `frames`. */
  TcpFrameError feed(ByteView bytes, std::vector<Bytes>& frames);

 private:
  TcpObfuscatedCodec(AesCtrStream send, AesCtrStream receive)
      : send_(std::move(send)), receive_(std::move(receive)) {}

  AesCtrStream send_;
  AesCtrStream receive_;
  Bytes pending_;  // decrypted bytes not yet forming a whole frame
};

}  // namespace tgvoip::protocol
