// The engine builds for Linux, macOS and the BSDs because every system call that differs
// between them lives in native/engine/platform.cc. Nothing here can run on macOS, so this
// guards that rule where the addon is built: in the sources, and in what the compiled
// objects call.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const packageDir = fileURLToPath(new URL('../../', import.meta.url))
const nativeDir = join(packageDir, 'native')
const objectsDir = join(packageDir, 'build', 'Release', 'obj.target', 'tgvoip_native')

/** Where system-specific code may live. */
const allowed = new Set([
  'native/engine/platform.cc', // the one file for calls that differ between systems
  'native/platform/glibc-compat.cc', // compiled only into the Linux prebuild, to load on older glibc
])

/** libc functions that macOS lacks, or has with another signature. */
const linuxOnlyFunctions = [
  'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2',
  'timerfd_create', 'timerfd_settime', 'timerfd_gettime', 'eventfd', 'eventfd_read', 'eventfd_write',
  'signalfd', 'inotify_init', 'inotify_init1', 'inotify_add_watch', 'recvmmsg', 'sendmmsg',
  'accept4', 'pipe2', 'dup3', 'ppoll', 'prctl', 'syscall', 'gettid', 'getrandom', 'memfd_create',
  'splice', 'sendfile', 'mremap', 'fallocate', 'clock_nanosleep', 'sched_setattr', 'sched_getattr',
  'sched_setaffinity', 'sched_getaffinity', 'sched_getcpu', 'pthread_setaffinity_np',
  'pthread_getaffinity_np', 'pthread_setname_np', 'pthread_tryjoin_np', 'pthread_timedjoin_np',
]
/** Flags and options that only Linux defines. */
const linuxOnlyConstants = [
  'SOCK_NONBLOCK', 'SOCK_CLOEXEC', 'MSG_NOSIGNAL', 'MSG_CONFIRM', 'TCP_USER_TIMEOUT', 'IP_MTU_DISCOVER',
  'IPV6_MTU_DISCOVER', 'SO_BINDTODEVICE', 'SO_BUSY_POLL', 'SO_PRIORITY', 'SO_TIMESTAMPNS', 'UDP_SEGMENT', 'UDP_GRO',
]
const linuxOnlyHeader = /^\s*#\s*include\s*<((?:sys\/(?:epoll|timerfd|eventfd|signalfd|inotify|prctl|sendfile|syscall|sysinfo|random)\.h)|(?:linux|asm)\/[^>]+)>/gm
const linuxOnlyName = new RegExp(`\\b(${[...linuxOnlyConstants, ...linuxOnlyFunctions.map((name) => `${name}(?=\\s*\\()`)].join('|')})\\b`, 'g')

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter(keep)
}

/** The code of a C++ file without its comments, which may name anything. */
function codeOf(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
}

/** What each source outside the allowed files uses that only Linux has. */
function linuxOnlyUsesInSources(): string[] {
  const sources = filesUnder(nativeDir, (path) => /\.(cc|h)$/.test(path) && !path.startsWith(join(nativeDir, 'test')))
  const uses: string[] = []
  for (const path of sources) {
    const name = relative(packageDir, path)
    if (allowed.has(name)) continue
    const code = codeOf(path)
    for (const match of code.matchAll(linuxOnlyHeader)) uses.push(`${name}: #include <${match[1]}>`)
    for (const match of code.matchAll(linuxOnlyName)) uses.push(`${name}: ${match[1]}`)
  }
  return uses
}

/** Undefined symbols of every compiled object, by object path relative to the package. */
function undefinedSymbolsByObject(): Map<string, Set<string>> {
  const objects = filesUnder(objectsDir, (path) => path.endsWith('.o'))
  const listing = execFileSync('nm', ['-u', '-A', ...objects], { encoding: 'utf8', maxBuffer: 64 << 20 })
  const byObject = new Map<string, Set<string>>(objects.map((path) => [relative(objectsDir, path), new Set()]))
  for (const line of listing.split('\n')) {
    // "<path>:                 U <symbol>"
    const match = /^(.+?):\s+U\s+(\S+)$/.exec(line)
    if (match) byObject.get(relative(objectsDir, match[1]!))?.add(match[2]!)
  }
  return byObject
}

describe('portability: system-specific calls stay in native/engine/platform.cc', () => {
  it('no other source includes a Linux-only header or names a Linux-only call or flag', () => {
    expect(linuxOnlyUsesInSources()).toEqual([])
  })

  it('the scan finds what it looks for: platform.cc itself names Linux-only calls and flags', () => {
    const found = [...codeOf(join(nativeDir, 'engine', 'platform.cc')).matchAll(linuxOnlyName)].map((match) => match[1])
    expect(found).toEqual(expect.arrayContaining(['pthread_setname_np', 'MSG_NOSIGNAL']))
  })

  it('no compiled object but platform.cc calls a libc function that only Linux has', () => {
    expect(existsSync(objectsDir), `build the addon from source first: ${objectsDir} is missing`).toBe(true)
    const byObject = undefinedSymbolsByObject()
    // The objects list must be the addon's, and nm must have read them.
    expect(byObject.size).toBeGreaterThan(20)
    expect(byObject.get(join('native', 'engine', 'platform.o'))?.has('pthread_setname_np')).toBe(true)

    const offenders: string[] = []
    for (const [object, symbols] of byObject) {
      if (allowed.has(object.replace(/\.o$/, '.cc'))) continue
      for (const name of linuxOnlyFunctions) if (symbols.has(name)) offenders.push(`${object}: ${name}`)
    }
    expect(offenders).toEqual([])
  })
})
