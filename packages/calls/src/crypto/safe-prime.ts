import { checkPrime } from 'node:crypto'

/**
 * Telegram's standard 2048-bit DH prime (`messages.getDhConfig`), known to be a safe prime
 * valid for g = 3, 4 and 7. Checked once by hand; the runtime check is skipped for it.
 */
export const TELEGRAM_DH_PRIME = BigInt(
  '0xc71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b',
)

// The result of a primality test never changes, and a test costs ~250 ms of OpenSSL time:
// remember it per prime. Few distinct primes ever appear; the bound only stops a hostile
// server that sends a new bad prime every time from growing the cache forever.
const MAX_VERDICTS = 64
const verdicts = new Map<bigint, Promise<boolean>>()

function isProbablePrime(n: bigint): Promise<boolean> {
  // OpenSSL's Miller-Rabin with its default round count for the size (64 rounds at 2048
  // bits) and CSPRNG-chosen bases; runs on the libuv pool so the event loop stays free.
  return new Promise((resolve, reject) => {
    checkPrime(n, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

/** True when `p` and `(p - 1) / 2` are both prime. Cached per prime; Telegram's prime short-circuits. */
export function isSafePrime(p: bigint): Promise<boolean> {
  if (p === TELEGRAM_DH_PRIME) return Promise.resolve(true)
  let verdict = verdicts.get(p)
  if (!verdict) {
    if (verdicts.size >= MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!)
    verdict = (async () => {
      if (p < 5n || p % 2n === 0n) return false
      return (await isProbablePrime(p)) && (await isProbablePrime((p - 1n) / 2n))
    })()
    verdicts.set(p, verdict)
    // A thrown checkPrime (never expected) must not be cached as a verdict.
    verdict.catch(() => verdicts.delete(p))
  }
  return verdict
}
