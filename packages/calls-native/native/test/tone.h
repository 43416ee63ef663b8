#pragma once
// Test helpers for audio: sine generation and the dominant frequency of PCM (Goertzel scan).

#include <cmath>
#include <cstdint>
#include <vector>

namespace tgvoip::test {

inline std::vector<int16_t> sine(double hz, size_t samples, size_t startSample = 0) {
  std::vector<int16_t> out(samples);
  for (size_t i = 0; i < samples; i++) {
    out[i] = static_cast<int16_t>(
        std::lround(0.5 * 32767 * std::sin(2 * M_PI * hz * double(startSample + i) / 48000)));
  }
  return out;
}

inline double goertzelPower(const int16_t* pcm, size_t n, double hz) {
  const double coefficient = 2 * std::cos(2 * M_PI * hz / 48000);
  double s1 = 0, s2 = 0;
  for (size_t i = 0; i < n; i++) {
    const double s0 = pcm[i] + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/** Coarse 5 Hz scan of [low, high], then a 0.1 Hz refinement around the peak. */
inline double dominantFrequency(const std::vector<int16_t>& pcm, double low, double high) {
  double best = low, bestPower = -1;
  for (double hz = low; hz <= high; hz += 5) {
    const double power = goertzelPower(pcm.data(), pcm.size(), hz);
    if (power > bestPower) bestPower = power, best = hz;
  }
  const double center = best;
  for (double hz = center - 5; hz <= center + 5; hz += 0.1) {
    const double power = goertzelPower(pcm.data(), pcm.size(), hz);
    if (power > bestPower) bestPower = power, best = hz;
  }
  return best;
}

}  // namespace tgvoip::test
