/**
 * A network where the test process can reach a SOCKS5 proxy but not the relay behind it:
 *
 *   host (the engine)  --veth 10.N.1.0/24--  proxy namespace (danted)  --veth 10.N.2.0/24, fd7a:N::/64--  relay namespace
 *
 * The host gets `unreachable` routes for the relay subnets, so nothing meant for the
 * relay leaves through the host's default routes: the proxy is the only way there.
 * Needs root and iproute2. Names carry the pid, so parallel runs do not collide.
 */
import { execFileSync } from 'node:child_process'
import { connect } from 'node:net'

export interface ProxyTopology {
  proxyNs: string
  relayNs: string
  /** The proxy's address as the host sees it. */
  proxyAddress: string
  /** The proxy's address towards the relay (dante's `external`). */
  proxyExternal: string
  relayAddress: string
  /** The same two ends over IPv6. */
  proxyExternal6: string
  relayAddress6: string
  destroy(): void
}

export const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

export const quietly = (fn: () => void): void => {
  try {
    fn()
  } catch {
    // already gone
  }
}

export function canCreateNamespaces(): boolean {
  if (process.getuid?.() !== 0) return false
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function createProxyTopology(): ProxyTopology {
  const id = `tgv${process.pid % 100000}`
  const octet = 200 + (process.pid % 50)
  const hostNet = `10.${octet}.1`
  const relayNet = `10.${octet}.2`
  const relayNet6 = `fd7a:${octet}::`
  const topology: ProxyTopology = {
    proxyNs: `${id}p`,
    relayNs: `${id}r`,
    proxyAddress: `${hostNet}.2`,
    proxyExternal: `${relayNet}.1`,
    relayAddress: `${relayNet}.2`,
    proxyExternal6: `${relayNet6}1`,
    relayAddress6: `${relayNet6}2`,
    destroy() {
      quietly(() => ip('netns', 'del', topology.proxyNs))
      quietly(() => ip('netns', 'del', topology.relayNs))
      quietly(() => ip('route', 'del', 'unreachable', `${relayNet}.0/24`))
      quietly(() => ip('-6', 'route', 'del', 'unreachable', `${relayNet6}/64`))
      quietly(() => ip('link', 'del', `${id}h`))
    },
  }
  topology.destroy()  // leftovers of a run that was killed
  try {
    const { proxyNs, relayNs } = topology
    ip('netns', 'add', proxyNs)
    ip('netns', 'add', relayNs)
    ip('link', 'add', `${id}h`, 'type', 'veth', 'peer', 'name', `${id}hp`)
    ip('link', 'set', `${id}hp`, 'netns', proxyNs)
    ip('link', 'add', `${id}pr`, 'type', 'veth', 'peer', 'name', `${id}rp`)
    ip('link', 'set', `${id}pr`, 'netns', proxyNs)
    ip('link', 'set', `${id}rp`, 'netns', relayNs)
    ip('addr', 'add', `${hostNet}.1/24`, 'dev', `${id}h`)
    ip('link', 'set', `${id}h`, 'up')
    ip('-n', proxyNs, 'addr', 'add', `${topology.proxyAddress}/24`, 'dev', `${id}hp`)
    ip('-n', proxyNs, 'addr', 'add', `${topology.proxyExternal}/24`, 'dev', `${id}pr`)
    ip('-n', relayNs, 'addr', 'add', `${topology.relayAddress}/24`, 'dev', `${id}rp`)
    ip('-n', proxyNs, 'addr', 'add', `${topology.proxyExternal6}/64`, 'dev', `${id}pr`, 'nodad')
    ip('-n', relayNs, 'addr', 'add', `${topology.relayAddress6}/64`, 'dev', `${id}rp`, 'nodad')
    for (const [ns, dev] of [[proxyNs, `${id}hp`], [proxyNs, `${id}pr`], [proxyNs, 'lo'], [relayNs, `${id}rp`], [relayNs, 'lo']] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up')
    }
    ip('route', 'add', 'unreachable', `${relayNet}.0/24`)
    ip('-6', 'route', 'add', 'unreachable', `${relayNet6}/64`)
  } catch (error) {
    topology.destroy()
    throw error
  }
  return topology
}

/** The error a direct TCP connection to host:port ends with (undefined if it connects). */
export function directConnectError(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    socket.once('connect', () => {
      socket.destroy()
      resolve(undefined)
    })
    socket.once('error', resolve)
  })
}
