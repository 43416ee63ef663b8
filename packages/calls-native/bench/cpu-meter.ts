/** CPU time of the whole process and of the engine threads alone (found by their name). */
import { readdirSync, readFileSync } from 'node:fs'

const CLOCK_TICKS_PER_SECOND = 100

export interface CpuSample {
  processSeconds: number
  engineSeconds: number
}

/** Summed over the engine threads alive now (the bench samples while its calls run). */
function engineThreadSeconds(): number {
  let seconds = 0
  for (const tid of readdirSync('/proc/self/task')) {
    let comm: string
    try {
      comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim()
    } catch {
      continue
    }
    if (comm !== 'tgvoip-engine') continue
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    // Fields after the parenthesised name: utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    seconds += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
  }
  return seconds
}

export function sampleCpu(): CpuSample {
  const usage = process.cpuUsage()
  return { processSeconds: (usage.user + usage.system) / 1e6, engineSeconds: engineThreadSeconds() }
}
