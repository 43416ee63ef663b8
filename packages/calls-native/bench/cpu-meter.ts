/**
 * CPU time of the whole process, of its engine threads alone (found by their name), of
 * the relay child, and of the whole machine, so that a window's CPU can be split into
 * the engine's own work, the rest of this process (JS feeding and receiving audio),
 * the relay, and other processes' load that the bench does not control.
 */
import { readdirSync, readFileSync } from 'node:fs'

const CLOCK_TICKS_PER_SECOND = 100

export interface CpuSample {
  processSeconds: number
  engineSeconds: number
  relaySeconds: number
  /** Every CPU's busy time (all processes and the kernel's interrupt work). */
  machineSeconds: number
}

/** CPUs (1 = one CPU fully busy) over a window, split by who used them. */
export interface CpuSplit {
  engineThreads: number
  /** This process without its engine threads: the JS thread, V8's helpers, libuv's pool. */
  restOfProcess: number
  relay: number
  /** Busy time no process of the bench accounts for: other jobs on the machine. */
  foreign: number
}

/** utime + stime of a /proc stat line: fields 14 and 15, after the parenthesised name. */
function statSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

/** Summed over the engine threads alive now (the bench samples while its calls run). */
function engineThreadSeconds(): number {
  let seconds = 0
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'tgvoip-engine') continue
      seconds += statSeconds(`/proc/self/task/${tid}/stat`)
    } catch {
      // the thread ended between listing and reading
    }
  }
  return seconds
}

/** The first line of /proc/stat: every state except idle and iowait is busy. */
function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS_PER_SECOND
}

export function sampleCpu(relayPid?: number): CpuSample {
  const usage = process.cpuUsage()
  return {
    processSeconds: (usage.user + usage.system) / 1e6,
    engineSeconds: engineThreadSeconds(),
    relaySeconds: relayPid === undefined ? 0 : statSeconds(`/proc/${relayPid}/stat`),
    machineSeconds: machineBusySeconds(),
  }
}

export function cpuSplit(start: CpuSample, end: CpuSample, wallSeconds: number): CpuSplit {
  const used = (key: keyof CpuSample): number => (end[key] - start[key]) / wallSeconds
  const engineThreads = used('engineSeconds')
  const process = used('processSeconds')
  const relay = used('relaySeconds')
  return {
    engineThreads,
    restOfProcess: Math.max(0, process - engineThreads),
    relay,
    foreign: Math.max(0, used('machineSeconds') - process - relay),
  }
}
