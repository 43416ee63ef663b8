/**
 * A network namespace joined to the host by one veth pair carrying IPv4 and a global
 * (documentation-prefix) IPv6 subnet:
 *
 *   host  --veth 10.N.7.0/24, 2001:db8:N::/64--  namespace
 *
 * libtgvoip only uses the IPv6 address of a dual-stack relay when it finds an IPv6
 * address of its own outside loopback and f000::/4; the host here has only fd00:: and
 * fe80::, so libtgvoip runs in the namespace, where it finds 2001:db8:N::2. Needs root.
 */
import { ip, quietly } from '../../proxy/helpers/netns.js'

export interface DualStackNamespace {
  ns: string
  /** The host's end of the link: where a relay listening on :: is reached from both sides. */
  hostAddress: string
  hostAddress6: string
  destroy(): void
}

export function createDualStackNamespace(): DualStackNamespace {
  const id = `tgd${process.pid % 100000}`
  const octet = 200 + (process.pid % 50)
  const net = `10.${octet}.7`
  const net6 = `2001:db8:${octet}::`
  const link: DualStackNamespace = {
    ns: `${id}n`,
    hostAddress: `${net}.1`,
    hostAddress6: `${net6}1`,
    destroy() {
      quietly(() => ip('netns', 'del', link.ns))
      quietly(() => ip('link', 'del', `${id}h`))
    },
  }
  link.destroy()  // leftovers of a run that was killed
  try {
    ip('netns', 'add', link.ns)
    ip('link', 'add', `${id}h`, 'type', 'veth', 'peer', 'name', `${id}n`)
    ip('link', 'set', `${id}n`, 'netns', link.ns)
    ip('addr', 'add', `${link.hostAddress}/24`, 'dev', `${id}h`)
    ip('addr', 'add', `${link.hostAddress6}/64`, 'dev', `${id}h`, 'nodad')
    ip('link', 'set', `${id}h`, 'up')
    ip('-n', link.ns, 'addr', 'add', `${net}.2/24`, 'dev', `${id}n`)
    ip('-n', link.ns, 'addr', 'add', `${net6}2/64`, 'dev', `${id}n`, 'nodad')
    ip('-n', link.ns, 'link', 'set', `${id}n`, 'up')
    ip('-n', link.ns, 'link', 'set', 'lo', 'up')
  } catch (error) {
    link.destroy()
    throw error
  }
  return link
}
