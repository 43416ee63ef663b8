#include "engine/send-slots.h"

#include <cmath>

namespace tgvoip {

long SendSlots::gridIndexAtOrAfter(double time) const {
  return static_cast<long>(std::ceil((time - origin_) / tick_ - 1e-6));
}

double SendSlots::gridPointAtOrBefore(double time) const {
  return origin_ + std::floor((time - origin_) / tick_) * tick_;
}

int SendSlots::pointOf(long gridIndex) const {
  long point = gridIndex % kGridPoints;
  return static_cast<int>(point < 0 ? point + kGridPoints : point);
}

SendSlots::Booking SendSlots::book(double earliest, int choices) {
  // The tick of the first grid point at or after `earliest` is the one that would run a
  // clock set to `earliest`; the booked clock reads kLead before that grid point, which
  // may be a little before `earliest` (the producer margin in it covers that).
  long first = gridIndexAtOrAfter(earliest);
  long best = first;
  for (long index = first + 1; index < first + choices; index++) {
    if (counts_[pointOf(index)] < counts_[pointOf(best)]) best = index;
  }
  counts_[pointOf(best)]++;
  return {origin_ + static_cast<double>(best) * tick_ - kLead, static_cast<double>(best - first) * tick_};
}

void SendSlots::release(double at) {
  long index = std::lround((at + kLead - origin_) / tick_);
  int& count = counts_[pointOf(index)];
  if (count > 0) count--;
}

}  // namespace tgvoip
