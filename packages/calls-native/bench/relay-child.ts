/**
 * Runs a LocalRelay in its own process, so the benchmark's CPU figures contain only
 * the calls. Reports its port to the parent over IPC and exits when the parent does.
 *
 * The relay stands in for Telegram's, which runs on another machine. Here it shares the
 * CPUs with the engine threads, and at the normal policy a datagram that wakes it
 * preempts the engine thread on that CPU: 1,500 times a second at 58 calls on two
 * threads. SCHED_BATCH (Linux; no privilege needed) keeps its CPU share but lets it wait
 * for the running thread to yield, as a remote relay's work would never interrupt it.
 */
import { execFileSync } from 'node:child_process'
import { LocalRelay } from '../src/testing/index.js'

function runAsBatch(): void {
  try {
    execFileSync('chrt', ['--all-tasks', '--batch', '--pid', '0', String(process.pid)], { stdio: 'ignore' })
  } catch {
    console.warn('bench relay: could not switch to SCHED_BATCH (needs Linux and chrt); it may preempt the engine threads')
  }
}

runAsBatch()
const relay = await LocalRelay.create()
process.send?.({ port: relay.port })
process.on('disconnect', () => {
  void relay.close().then(() => process.exit(0))
})
