// Sequence bookkeeping of spec §8: duplicate/late filtering of incoming seqs, the
// ack_id + recent_mask we send (2.5 semantics), and the recent-outgoing list that
// incoming acks mark, from which RTT and send loss are derived.
#pragma once

#include <cstdint>
#include <deque>

#include "protocol/constants.h"

namespace tgvoip {

class SeqTracker {
 public:
  // --- incoming ---
  // False if the packet is a duplicate or too late (must be dropped).
  bool acceptIncoming(uint32_t seq);
  uint32_t lastRemoteSeq() const { return lastRemoteSeq_; }
  uint32_t recentMask() const;

  // --- outgoing ---
  uint32_t nextSeq() { return ++lastSentSeq_; }
  uint32_t lastSentSeq() const { return lastSentSeq_; }
  uint32_t lastRemoteAckSeq() const { return lastRemoteAckSeq_; }
  void recordSent(uint32_t seq, protocol::PacketType type, size_t size, double now);
  // Applies a received header's ack_id and mask; returns true if ack_id was new.
  bool onAck(uint32_t ackId, uint32_t mask, double now);

  // Mean (ack_time - send_time) over acked entries, or a negative value if unknown.
  double averageAckRtt() const;
  // Bytes of STREAM_DATA sent in the last 2 s and not acked yet (§13 "inflight").
  size_t inflightBytes(double now) const;
  // Fraction of STREAM_DATA packets sent between `from` and `to` that are still unacked.
  double streamLossBetween(double from, double to) const;

 private:
  struct Outgoing {
    uint32_t seq;
    protocol::PacketType type;
    size_t size;
    double sendTime;
    double ackTime;
  };

  uint32_t lastRemoteSeq_ = 0;
  std::deque<uint32_t> received_;  // last 128 incoming seqs
  uint32_t lastSentSeq_ = 0;
  uint32_t lastRemoteAckSeq_ = 0;
  std::deque<Outgoing> sent_;  // last 128 outgoing packets
};

}  // namespace tgvoip
