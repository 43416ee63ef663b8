import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { FfmpegNotFoundError } from '../core/errors.js'

const EXECUTABLE_NAMES = process.platform === 'win32' ? ['ffmpeg.exe', 'ffmpeg'] : ['ffmpeg']

/**
 * Resolves the ffmpeg binary: `explicitPath` if given (it must exist and be executable),
 * otherwise the first `ffmpeg` in PATH. Throws `FfmpegNotFoundError` (which names the
 * package to install) instead of letting a spawn fail with a bare ENOENT later.
 */
export async function findFfmpeg(explicitPath?: string): Promise<string> {
  return findFfmpegSync(explicitPath)
}

/**
 * `findFfmpeg` without a promise, for checks that must finish before a call goes on (a
 * few `stat`s of PATH entries).
 */
export function findFfmpegSync(explicitPath?: string): string {
  if (explicitPath !== undefined) {
    if (isExecutableFile(explicitPath)) return explicitPath
    throw new FfmpegNotFoundError(explicitPath, [])
  }
  const directories = (process.env.PATH ?? '').split(delimiter).filter((entry) => entry.length > 0)
  for (const directory of directories) {
    for (const name of EXECUTABLE_NAMES) {
      const candidate = join(directory, name)
      if (isExecutableFile(candidate)) return candidate
    }
  }
  throw new FfmpegNotFoundError(undefined, directories)
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}
