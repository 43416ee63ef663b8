#include "controller/seq-tracker.h"

#include <algorithm>

#include "protocol/seq.h"

namespace tgvoip {

using protocol::seqNewer;

namespace {
constexpr size_t kWindow = 128;  // MAX_RECENT_PACKETS
}

bool SeqTracker::acceptIncoming(uint32_t seq) {
  if (lastRemoteSeq_ != 0 && !seqNewer(seq, lastRemoteSeq_ - kWindow)) return false;  // too late
  if (std::find(received_.begin(), received_.end(), seq) != received_.end()) return false;
  received_.push_back(seq);
  if (received_.size() > kWindow) received_.pop_front();
  if (lastRemoteSeq_ == 0 || seqNewer(seq, lastRemoteSeq_)) lastRemoteSeq_ = seq;
  return true;
}

uint32_t SeqTracker::recentMask() const {
  uint32_t mask = 0;
  for (uint32_t seq : received_) {
    uint32_t behind = lastRemoteSeq_ - seq;  // 1 => bit 31
    if (behind >= 1 && behind <= 32) mask |= 1u << (32 - behind);
  }
  return mask;
}

void SeqTracker::recordSent(uint32_t seq, protocol::PacketType type, size_t size, double now) {
  sent_.push_back(Outgoing{seq, type, size, now, 0});
  if (sent_.size() > kWindow) sent_.pop_front();
}

bool SeqTracker::onAck(uint32_t ackId, uint32_t mask, double now) {
  if (lastRemoteAckSeq_ != 0 && !seqNewer(ackId, lastRemoteAckSeq_)) return false;
  lastRemoteAckSeq_ = ackId;
  for (auto& entry : sent_) {
    if (entry.ackTime != 0) continue;
    uint32_t behind = ackId - entry.seq;
    bool acked = behind == 0 || (behind >= 1 && behind <= 32 && (mask & (1u << (32 - behind))));
    if (acked) entry.ackTime = now;
  }
  return true;
}

double SeqTracker::averageAckRtt() const {
  if (lastSentSeq_ - lastRemoteAckSeq_ >= 32) return -1;
  double sum = 0;
  int count = 0;
  for (const auto& entry : sent_) {
    if (entry.ackTime == 0) continue;
    sum += entry.ackTime - entry.sendTime;
    count++;
  }
  return count ? sum / count : -1;
}

size_t SeqTracker::inflightBytes(double now) const {
  size_t bytes = 0;
  for (const auto& entry : sent_) {
    if (entry.type == protocol::PacketType::StreamData && entry.ackTime == 0 && now - entry.sendTime <= 2.0) {
      bytes += entry.size;
    }
  }
  return bytes;
}

double SeqTracker::streamLossBetween(double from, double to) const {
  int total = 0;
  int lost = 0;
  for (const auto& entry : sent_) {
    if (entry.type != protocol::PacketType::StreamData || entry.sendTime < from || entry.sendTime >= to) continue;
    total++;
    if (entry.ackTime == 0) lost++;
  }
  return total ? static_cast<double>(lost) / total : 0;
}

}  // namespace tgvoip
