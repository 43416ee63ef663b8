/**
 * Loads the libtgvoip reference recordings kept in `test/fixtures/captures` (real calls
 * between two libtgvoip peers through a relay, with their keys; see its README). Missing captures
 * throw: conformance must never pass by skipping.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type Side = 'caller' | 'callee'

export interface ToneSegment {
  kind: 'sine' | 'digital_silence'
  frequency_hz?: number
  start_s: number
  stop_s: number | null
}

export interface CaptureMeta {
  scenario: string
  caller_addr: string
  callee_addr: string
  key_hex: string
  peer_tag_hex: string
  caller_is_outgoing: boolean
  caller_sends: { segments: ToneSegment[] }
  callee_sends: { segments: ToneSegment[] }
  relay_drop_rate: number
}

export interface CaptureRecord {
  t: number
  from: Side | 'relay'
  from_addr: string
  to: Side | 'relay' | null
  to_addr: string
  len: number
  hex: string
  action: 'ping' | 'ping_reply' | 'peer_info_req' | 'peer_info_reply' | 'forwarded' | 'dropped' | 'direct' | 'forwarded_copy'
  reason?: 'no_peer' | 'loss'
  path?: 'relay' | 'direct'
}

export interface Capture {
  name: string
  meta: CaptureMeta
  records: CaptureRecord[]
  key: Uint8Array
  peerTag: Uint8Array
}

export const CAPTURE_NAMES = ['relay-basic', 'relay-loss', 'relay-silence', 'p2p'] as const

export function capturesDir(): string {
  return fileURLToPath(new URL('../fixtures/captures', import.meta.url))
}

export function loadCapture(name: string): Capture {
  const dir = join(capturesDir(), name)
  if (!existsSync(join(dir, 'meta.json')) || !existsSync(join(dir, 'packets.jsonl'))) {
    throw new Error(`conformance: capture ${name} is missing at ${dir}`)
  }
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as CaptureMeta
  const records = readFileSync(join(dir, 'packets.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CaptureRecord)
  return {
    name,
    meta,
    records,
    key: Buffer.from(meta.key_hex, 'hex'),
    peerTag: Buffer.from(meta.peer_tag_hex, 'hex'),
  }
}

/** Whether `side` is the outgoing end of the recorded call (the isOutgoing its key is used with). */
export function isOutgoing(capture: Capture, side: Side): boolean {
  return (side === 'caller') === capture.meta.caller_is_outgoing
}

/** The peer tag a recorded datagram starts with: relayed ones carry it, direct (P2P) ones do not. */
export function datagramPrefix(capture: Capture, record: CaptureRecord): Uint8Array | null {
  return record.action === 'direct' ? null : capture.peerTag
}

/** The datagrams carrying encrypted packets (relay copies of forwarded ones are skipped). */
export function encryptedRecords(capture: Capture): (CaptureRecord & { from: Side })[] {
  return capture.records.filter(
    (record): record is CaptureRecord & { from: Side } =>
      (record.action === 'forwarded' || record.action === 'dropped' || record.action === 'direct') &&
      (record.from === 'caller' || record.from === 'callee'),
  )
}
