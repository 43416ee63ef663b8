// SendSlots: which grid point of a 60 ms frame each call's send clock takes on its thread.

#include <cmath>
#include <set>

#include "engine/send-slots.h"
#include "test/test-harness.h"

using namespace tgvoip;

namespace {
constexpr double kTick = 0.005;
constexpr double kFrame = 0.06;
}  // namespace

TEST("a clock takes the least booked of the grid points it may use, the earliest among equals") {
  SendSlots slots(0, kTick);
  // Earliest 12 ms: the grid points at 15 and 20 ms are the choices.
  const auto first = slots.book(0.012, 2);
  const auto second = slots.book(0.012, 2);
  const auto third = slots.book(0.012, 2);
  CHECK(first.at > 0.010 && first.at < 0.015);
  CHECK(first.delay == 0);
  CHECK(second.at > 0.015 && second.at < 0.020);
  CHECK(second.delay > 0.0049 && second.delay < 0.0051);
  CHECK(third.at == first.at);
  CHECK(slots.booked(3) == 2);
  CHECK(slots.booked(4) == 1);
}

TEST("a booked clock reads just before its grid point: due in that tick, not in the one before") {
  SendSlots slots(100.0, kTick);
  const auto booking = slots.book(100.0121, 1);
  // The tick at 100.015 may fire up to 0.2 ms early and still finds the clock due.
  CHECK(booking.at <= 100.015 - 0.0002);
  CHECK(booking.at > 100.010 + 0.004);
}

TEST("a clock due just before a grid point books that grid point, not the next one") {
  SendSlots slots(0, kTick);
  // 14.9 ms: the tick at 15 ms runs a clock set there, and runs the booked one too.
  const auto booking = slots.book(0.0149, 2);
  CHECK(booking.at > 0.010 && booking.at < 0.015);
  CHECK(booking.delay == 0);
}

TEST("clocks started together spread over all twelve grid points, then two on each") {
  SendSlots slots(0, kTick);
  std::set<int> points;
  for (int i = 0; i < 12; i++) {
    const auto booking = slots.book(1.0, SendSlots::kGridPoints);
    points.insert(static_cast<int>(std::lround(booking.at / kTick)) % 12);
  }
  CHECK(points.size() == 12);
  for (int i = 0; i < 12; i++) slots.book(1.0, SendSlots::kGridPoints);
  for (int point = 0; point < SendSlots::kGridPoints; point++) CHECK(slots.booked(point) == 2);
}

TEST("a clock that ran on for whole frames gives back the grid point it booked") {
  SendSlots slots(0.0021, kTick);
  const auto booking = slots.book(0.5, 1);
  int bookedPoint = -1;
  for (int point = 0; point < SendSlots::kGridPoints; point++) {
    if (slots.booked(point) == 1) bookedPoint = point;
  }
  CHECK(bookedPoint >= 0);
  double at = booking.at;
  for (int i = 0; i < 1000; i++) at += kFrame;  // 60 s of frames, as the clock adds them up
  slots.release(at);
  for (int point = 0; point < SendSlots::kGridPoints; point++) CHECK(slots.booked(point) == 0);
  slots.release(at);  // a second release of the same clock takes nothing from others
  CHECK(slots.booked(bookedPoint) == 0);
}
