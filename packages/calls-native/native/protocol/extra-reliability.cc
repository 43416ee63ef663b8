#include "protocol/extra-reliability.h"

#include <algorithm>
#include <cstring>

#include "protocol/crypto.h"
#include "protocol/seq.h"

namespace tgvoip::protocol {

void PendingExtras::queue(Extra extra) {
  for (Entry& entry : pending_) {
    if (entry.extra.type == extra.type) {
      entry.extra = std::move(extra);
      entry.firstContainingSeq.reset();
      return;
    }
  }
  pending_.push_back(Entry{std::move(extra), std::nullopt});
}

std::vector<Extra> PendingExtras::takeForPacket(uint32_t seq) {
  std::vector<Extra> out;
  out.reserve(pending_.size());
  for (Entry& entry : pending_) {
    if (!entry.firstContainingSeq) entry.firstContainingSeq = seq;
    out.push_back(entry.extra);
  }
  return out;
}

bool PendingExtras::pending(ExtraType type) const {
  return std::any_of(pending_.begin(), pending_.end(),
                     [type](const Entry& entry) { return entry.extra.type == static_cast<uint8_t>(type); });
}

void PendingExtras::onAck(uint32_t ackId) {
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [ackId](const Entry& entry) {
                                  return entry.firstContainingSeq &&
                                         (ackId == *entry.firstContainingSeq ||
                                          seqNewer(ackId, *entry.firstContainingSeq));
                                }),
                 pending_.end());
}

bool ExtraDeduplicator::accept(const Extra& extra) {
  // The reference hashes the whole record: type byte then payload.
  Bytes record;
  record.reserve(extra.payload.size() + 1);
  record.push_back(extra.type);
  record.insert(record.end(), extra.payload.begin(), extra.payload.end());
  const Sha1Digest digest = sha1(ByteView(record));
  std::array<uint8_t, 8> hash;
  std::memcpy(hash.data(), digest.data(), hash.size());
  std::optional<std::array<uint8_t, 8>>& last = lastHashByType_[extra.type];
  if (last && *last == hash) return false;
  last = hash;
  return true;
}

void ExtraDeduplicator::reset() { lastHashByType_.fill(std::nullopt); }

}  // namespace tgvoip::protocol
