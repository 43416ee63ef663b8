#pragma once
// Reliability of extras (§6.2): the sender's pending list and the receiver's dedup filter.

#include <optional>
#include <vector>

#include "protocol/extras.h"

namespace tgvoip::protocol {

/**
 * Extras waiting for an ack: at most one per type. Every outgoing packet carries all of
 * them; one is dropped once a received ack_id reaches the first seq that carried it.
 */
class PendingExtras {
 public:
  /** Queues `extra`, replacing a pending one of the same type (which then counts as unsent). */
  void queue(Extra extra);
  /** The extras to put in the packet with `seq`; records `seq` on extras sent for the first time. */
  std::vector<Extra> takeForPacket(uint32_t seq);
  /** Drops every extra acknowledged by a received header's `ackId`. */
  void onAck(uint32_t ackId);
  bool empty() const { return pending_.empty(); }
  /** An extra of `type` still waits for its ack. */
  bool pending(ExtraType type) const;
  size_t size() const { return pending_.size(); }

 private:
  struct Entry {
    Extra extra;
    std::optional<uint32_t> firstContainingSeq;
  };
  std::vector<Entry> pending_;
};

/**
 * Drops an extra identical (type and payload) to the last one processed of its type, as
 * the reference does with an 8-byte SHA1 prefix per type.
 */
class ExtraDeduplicator {
 public:
  /** True if the extra is new and must be processed (it then becomes "the last one"). */
  bool accept(const Extra& extra);
  void reset();

 private:
  std::array<std::optional<std::array<uint8_t, 8>>, 256> lastHashByType_{};
};

}  // namespace tgvoip::protocol
