// AudioSender when the engine thread falls behind: a short stall is caught up back to
// back, a long one (a stalled or overloaded thread) skips the missed slots, and while the
// thread is behind its schedule the encoders run at a cheaper complexity.

#include <cmath>
#include <memory>
#include <vector>

#include "controller/audio-sender.h"
#include "opus/opus-encoder.h"
#include "test/test-harness.h"
#include "test/tone.h"

using namespace tgvoip;

namespace {

const size_t kBlock = opus::kFrameSamples;
constexpr double kFrameSeconds = 0.02;
const size_t kFrame = 960;

struct SenderRig {
  std::shared_ptr<SpscRing> ring = std::make_shared<SpscRing>(96000);
  AudioSender sender;
  size_t framesWritten = 0;
  // How many frames the producer runs ahead of real time.
  size_t leadFrames = 0;

  explicit SenderRig(bool live, SendSlots* slots = nullptr) : sender(ring, 16000, slots) {
    sender.setLiveInput(live);
    sender.startClock(0);
  }

  void write(size_t frames) {
    const auto pcm = test::sine(440, frames * kFrame, framesWritten * kFrame);
    ring->write(pcm.data(), pcm.size());
    framesWritten += frames;
  }

  // How far behind its schedule the engine thread says it is, as sendAudio passes it.
  double behind = 0;

  // What CallController::sendAudio does on a tick: the pts of every packet sent.
  std::vector<uint32_t> tick(double now) {
    std::vector<uint32_t> sent;
    protocol::Bytes packet;
    std::vector<protocol::Bytes> fec;
    uint32_t pts = 0;
    sender.observe(now);
    while (sender.due(now)) {
      sender.adaptToEngineLoad(behind);
      if (sender.encodeNext(now, packet, fec, pts)) sent.push_back(pts);
    }
    return sent;
  }

  // Writes the frames a real-time producer (a 20 ms frame every 20 ms) has written by `t`.
  void produceUntil(double t) {
    while (static_cast<size_t>(t / kFrameSeconds + 1e-9) + leadFrames >= framesWritten) write(1);
  }

  // A real-time producer (a 20 ms frame every 20 ms, like a microphone) and 5 ms engine
  // ticks over [from, to);
  // with `stalled` the engine does not tick at all meanwhile. Returns what was sent.
  std::vector<uint32_t> run(double from, double to, bool stalled = false) {
    std::vector<uint32_t> sent;
    for (double t = from; t < to - 1e-9; t += 0.005) {
      produceUntil(t);
      if (stalled) continue;
      for (uint32_t pts : tick(t)) sent.push_back(pts);
    }
    return sent;
  }
};

}  // namespace

TEST("a send clock more than two slots behind skips the missed ones and moves pts past them") {
  SenderRig rig(true);
  // Two blocks ahead, as after a hiccup: the ring never runs empty, so only the send
  // clock paces the packets (an emptied ring re-phases it to the producer).
  rig.leadFrames = 6;
  const auto before = rig.run(0, 0.6);
  CHECK(before.size() >= 9);
  const size_t aheadBefore = rig.ring->available();
  rig.run(0.6, 1.6, true);  // the thread stalls for a second; the producer keeps writing
  const auto after = rig.tick(1.6);
  // One packet now instead of 17 back to back, its pts where the clock is.
  CHECK(after.size() == 1);
  const uint64_t skipped = rig.sender.slotsSkipped();
  CHECK(skipped >= 15 && skipped <= 17);
  if (after.size() == 1 && !before.empty()) CHECK(after[0] - before.back() == 60 * (skipped + 1));
  // The live producer's audio of the skipped slots went with them: the ring is about as
  // far ahead as before the stall, not a second more.
  CHECK(rig.ring->available() <= aheadBefore + kBlock);
  // And then the clock runs as before: a packet every 60 ms, consecutive pts.
  const auto resumed = rig.run(1.605, 2.2);
  CHECK(resumed.size() >= 9 && resumed.size() <= 10);
  for (size_t i = 1; i < resumed.size(); i++) CHECK(resumed[i] - resumed[i - 1] == 60);
  CHECK(rig.sender.slotsSkipped() == skipped);
}

TEST("a buffered producer's queued audio survives a skipped gap") {
  SenderRig rig(false);
  rig.write(60);  // 1.2 s written ahead
  CHECK(rig.run(0, 0.02).size() == 1);
  const size_t queued = rig.ring->available();
  const auto after = rig.tick(1.0);  // a one-second stall
  CHECK(after.size() == 1);
  CHECK(rig.sender.slotsSkipped() >= 15);
  // Only the one block sent was taken: the rest plays after the gap.
  CHECK(rig.ring->available() == queued - kBlock);
}

TEST("a stall of under two slots is caught up back to back, nothing skipped") {
  SenderRig rig(true);
  rig.leadFrames = 6;
  const auto before = rig.run(0, 0.6);
  rig.run(0.6, 0.7, true);
  const auto after = rig.tick(0.7);
  CHECK(after.size() == 2);
  if (after.size() == 2 && !before.empty()) {
    CHECK(after[0] - before.back() == 60);
    CHECK(after[1] - after[0] == 60);
  }
  CHECK(rig.sender.slotsSkipped() == 0);
}

TEST("encodes drop to complexity 5 while the engine thread is behind, and return to 10") {
  SenderRig rig(true);
  rig.sender.setExtraEcLevel(2);
  const auto normal = rig.run(0, 0.3);
  CHECK(!normal.empty());
  CHECK(rig.sender.complexity() == 10);
  CHECK(rig.sender.secondaryComplexity() == 10);
  CHECK(rig.sender.reducedComplexityFrames() == 0);
  rig.behind = 0.010;  // a late timer or a busy moment: not overload
  rig.run(0.3, 0.6);
  CHECK(rig.sender.complexity() == 10);
  CHECK(rig.sender.reducedComplexityFrames() == 0);
  rig.behind = 0.020;
  const auto overloaded = rig.run(0.6, 0.9);
  CHECK(!overloaded.empty());
  CHECK(rig.sender.complexity() == 5);
  CHECK(rig.sender.secondaryComplexity() == 5);
  CHECK(rig.sender.reducedComplexityFrames() == overloaded.size());
  rig.behind = 0;
  rig.run(0.9, 1.2);
  CHECK(rig.sender.complexity() == 10);
  CHECK(rig.sender.secondaryComplexity() == 10);
  CHECK(rig.sender.reducedComplexityFrames() == overloaded.size());
}

TEST("extra EC switched on while the thread is behind starts at the reduced complexity") {
  SenderRig rig(true);
  rig.behind = 0.020;
  rig.run(0, 0.2);
  rig.sender.setExtraEcLevel(2);
  rig.run(0.2, 0.4);
  CHECK(rig.sender.secondaryComplexity() == 5);
}

TEST("live calls whose blocks complete together encode in different ticks, and stay there") {
  // Producers that write between the engine's ticks, at every phase against its grid.
  for (double phase = 0; phase < 0.02; phase += 0.0005) {
    SendSlots slots(0, 0.005);
    SenderRig first(true, &slots);
    SenderRig second(true, &slots);
    // Both producers write their frames at the same moments, so both clocks would fall on
    // one grid point; one of them takes the next one instead.
    std::vector<double> firstSends, secondSends;
    for (int step = 0; step < 6000; step++) {  // 3 s: past the 1.5 s the clock trim waits
      const double t = step * 0.0005;
      const double producedBy = t - phase;
      if (producedBy >= 0) {
        first.produceUntil(producedBy);
        second.produceUntil(producedBy);
      }
      if (step % 10 != 0) continue;  // the engine ticks every 5 ms
      // Sends from 0.5 s on (the producers started, their clocks set) to the end.
      if (!first.tick(t).empty() && t >= 0.5) firstSends.push_back(t);
      if (!second.tick(t).empty() && t >= 0.5) secondSends.push_back(t);
    }
    CHECK(firstSends.size() >= 40 && secondSends.size() >= 40);
    if (firstSends.empty() || secondSends.empty()) continue;
    // 5 ms apart, whichever is first...
    const double apart = std::fmod(secondSends[0] - firstSends[0] + 0.06, 0.06);
    CHECK(std::fabs(apart - 0.005) < 1e-6 || std::fabs(apart - 0.055) < 1e-6);
    // ...and neither clock moved since: the 5 ms are not slack for the trim to take back.
    for (const auto* sends : {&firstSends, &secondSends}) {
      for (size_t i = 1; i < sends->size(); i++) CHECK(std::fabs((*sends)[i] - (*sends)[i - 1] - 0.06) < 1e-6);
    }
    // Each holds one grid point, and gives it back when its call stops.
    int booked = 0;
    for (int point = 0; point < SendSlots::kGridPoints; point++) booked += slots.booked(point);
    CHECK(booked == 2);
    first.sender.releaseClock();
    second.sender.releaseClock();
    for (int point = 0; point < SendSlots::kGridPoints; point++) CHECK(slots.booked(point) == 0);
  }
}
