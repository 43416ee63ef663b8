import { loadAddon } from './native-addon.js'

/**
 * Loads the compiled engine now instead of at the first call, and throws the loader's
 * error if it cannot be loaded (no build for this platform, a missing libopus). Cheap
 * once loaded. The calls plugin calls it when a `CallManager` is created, so that a
 * missing build is reported before any peer is rung.
 */
export function loadNativeAddon(): void {
  loadAddon()
}
