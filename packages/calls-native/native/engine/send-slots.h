// Which of the grid points of one 60 ms audio frame each call on an engine thread encodes
// at. Calls whose clocks fall on the same grid point all encode in that tick: on a thread
// with 54 call ends whose clocks fell where chance put them (when each producer's block
// was due), grid points had 1 to 9 encodes, and the crowded ticks ran late enough
// to be taken for overload (cheaper encodes) while the thread was a fifth idle. A clock
// that is set or moved books the least crowded of the grid points it may use instead.
// Engine thread only, like the clocks that use it.
#pragma once

#include <array>

namespace tgvoip {

class SendSlots {
 public:
  // `origin` is a grid point of the thread's `tickSeconds` grid.
  SendSlots(double origin, double tickSeconds) : origin_(origin), tick_(tickSeconds) {}

  struct Booking {
    double at;  // when the clock says "send": just before the chosen grid point
    double delay;  // how much later than the first grid point at or after `earliest`
  };

  // Books the least booked of the `choices` grid points at or after `earliest` (the
  // earliest among equals): with no other bookings, the tick that would have run a clock
  // set to `earliest` runs it. The clock may then step by whole frames without moving.
  Booking book(double earliest, int choices);
  // Gives back the booking a clock now at `at` holds.
  void release(double at);
  // The thread's grid (EngineLoop ticks on it): the first grid point at or after `time`,
  // and the last one at or before it.
  double gridPointAtOrAfter(double time) const { return origin_ + static_cast<double>(gridIndexAtOrAfter(time)) * tick_; }
  double gridPointAtOrBefore(double time) const;
  // Clocks booked at each grid point of a frame, from the origin's on.
  int booked(int gridPoint) const { return counts_[gridPoint]; }

  static constexpr int kGridPoints = 12;  // 60 ms audio frames on a 5 ms grid
  // A booked clock reads this much before its grid point: a tick that fires a little
  // early (see EngineLoop) still finds it due, the tick before it does not.
  static constexpr double kLead = 0.0003;

 private:
  long gridIndexAtOrAfter(double time) const;
  int pointOf(long gridIndex) const;

  double origin_;
  double tick_;
  std::array<int, kGridPoints> counts_{};
};

}  // namespace tgvoip
