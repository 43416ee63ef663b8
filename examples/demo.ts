/**
 * Offline demo: Alice calls Bob through an in-process fake Telegram (no network, no account),
 * Bob answers, both sides run the full DH exchange with every check, and each prints the four
 * key emojis it derived. They must match, as they would on two phones.
 *
 *   pnpm demo
 *
 * This is the signaling half only: no media engine is plugged in, so the call is
 * "established" as soon as both sides agree on the key.
 */
import { callsPlugin, CallState } from '@tgvoip/calls'
import type { Call } from '@tgvoip/calls'
import { FakeTelegram } from '@tgvoip/calls/testing'

const started = performance.now()
const stamp = (): string => `+${((performance.now() - started) / 1000).toFixed(3)}s`.padStart(8)
const log = (who: string, text: string): void => console.log(`[${stamp()}] ${who.padEnd(5)} ${text}`)

function traceStates(who: string, call: Call): void {
  log(who, `state ${call.state}`)
  call.on('stateChange', (from: CallState, to: CallState) => log(who, `state ${from} -> ${to}`))
}

// Fail loudly instead of hanging if something goes wrong.
const watchdog = setTimeout(() => {
  console.error('demo: timed out after 10 s')
  process.exit(1)
}, 10_000)

const telegram = new FakeTelegram()
const alice = await telegram.createClient({ firstName: 'Alice', username: 'alice' })
const bob = await telegram.createClient({ firstName: 'Bob', username: 'bob' })
alice.use(callsPlugin())
bob.use(callsPlugin())

bob.calls.on('incomingCall', (call) => {
  log('bob', `incoming call from ${call.peer?.displayName ?? call.peerId}`)
  traceStates('bob', call)
  // Let it ring briefly, like a person would.
  setTimeout(() => void call.accept().catch((err: unknown) => log('bob', `accept failed: ${String(err)}`)), 300)
})
alice.calls.on('outgoingCall', (call) => traceStates('alice', call))

log('alice', 'calling @bob')
const aliceCall = await alice.calls.call('bob')
const bobCall = bob.calls.activeCalls[0]!
await bobCall.entersState(CallState.Established, 2000)

console.log()
console.log(`  Alice sees: ${aliceCall.emojis.join(' ')}`)
console.log(`  Bob sees:   ${bobCall.emojis.join(' ')}`)
console.log(`  key fingerprint: ${aliceCall.keyFingerprint} (alice) / ${bobCall.keyFingerprint} (bob)`)
console.log()

const match = aliceCall.emojis.length === 4 && aliceCall.emojis.join() === bobCall.emojis.join() && aliceCall.keyFingerprint === bobCall.keyFingerprint

log('alice', 'hanging up')
await aliceCall.hangup()
log('bob', `call ended: ${await bobCall.ended}`)
await telegram.destroy()
clearTimeout(watchdog)

if (!match) {
  console.error('demo: the two sides derived different keys')
  process.exit(1)
}
console.log(`\nBoth sides verified the same key in ${stamp().trim()} (DH checks, fingerprint, emojis).`)
