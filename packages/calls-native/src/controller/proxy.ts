/** The SOCKS5 proxy of a call (pytgvoip's set_proxy), and its validation. */
import { isIP } from 'node:net'
import { InvalidArgumentError } from '../errors.js'

export interface ProxyOptions {
  /** The proxy's IP address (IPv4 or IPv6); resolve host names first, e.g. with dns.lookup(). */
  host: string
  port: number
  /** RFC 1929 username/password authentication when given (at most 255 bytes each). */
  username?: string
  password?: string
}

/** What the native call takes: every field present, empty strings for "no authentication". */
export interface NativeProxy {
  host: string
  port: number
  username: string
  password: string
}

const MAX_CREDENTIAL_BYTES = 255

function credential(value: unknown, name: string): string {
  if (value === undefined || value === null) return ''
  if (typeof value !== 'string' || value.includes('\0')) throw new InvalidArgumentError(`proxy ${name} must be a string without NUL`)
  if (Buffer.byteLength(value) > MAX_CREDENTIAL_BYTES) {
    throw new InvalidArgumentError(`proxy ${name} must be at most ${MAX_CREDENTIAL_BYTES} bytes (RFC 1929)`)
  }
  return value
}

export function validateProxy(proxy: ProxyOptions): NativeProxy {
  if (typeof proxy !== 'object' || proxy === null) throw new InvalidArgumentError('proxy must be an object')
  if (typeof proxy.host !== 'string' || isIP(proxy.host) === 0) {
    throw new InvalidArgumentError(`proxy host must be an IP address, got ${String(proxy.host)} (resolve host names first)`)
  }
  if (!Number.isInteger(proxy.port) || proxy.port <= 0 || proxy.port > 65535) {
    throw new InvalidArgumentError(`proxy port must be 1..65535, got ${proxy.port}`)
  }
  const username = credential(proxy.username, 'username')
  const password = credential(proxy.password, 'password')
  if (password && !username) throw new InvalidArgumentError('a proxy password needs a username')
  return { host: proxy.host, port: proxy.port, username, password }
}

/** host:port for messages and logs (never the credentials). */
export function describeProxy(proxy: NativeProxy): string {
  return proxy.host.includes(':') ? `[${proxy.host}]:${proxy.port}` : `${proxy.host}:${proxy.port}`
}
