import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ScriptResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a TypeScript program the way the README does (`node --conditions=@tgvoip/source --import tsx`). */
export function runScript(script: string, args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@tgvoip/source', '--import', 'tsx', script, ...args],
      { cwd: REPO_ROOT, timeout: options.timeoutMs ?? 40_000, env: { ...(options.env ?? process.env), FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}
