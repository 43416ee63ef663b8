/** Multiplies a frame by a linear gain in place, with clipping. Gain 1 is a no-op. */
export function applyGain(frame: Int16Array, gain: number): Int16Array {
  if (gain === 1) return frame
  for (let i = 0; i < frame.length; i++) {
    const value = Math.round(frame[i]! * gain)
    frame[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value
  }
  return frame
}
