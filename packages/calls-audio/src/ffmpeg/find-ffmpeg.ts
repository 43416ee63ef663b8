import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { FfmpegNotFoundError } from '../core/errors.js'

const EXECUTABLE_NAMES = process.platform === 'win32' ? ['ffmpeg.exe', 'ffmpeg'] : ['ffmpeg']

/**
 * Resolves the ffmpeg binary: `explicitPath` if given (it must exist and be executable),
 * otherwise the first `ffmpeg` in PATH. Throws `FfmpegNotFoundError` (which names the
 * package to install) instead of letting a spawn fail with a bare ENOENT later.
 */
export async function findFfmpeg(explicitPath?: string): Promise<string> {
  if (explicitPath !== undefined) {
    if (await isExecutableFile(explicitPath)) return explicitPath
    throw new FfmpegNotFoundError(explicitPath, [])
  }
  const directories = (process.env.PATH ?? '').split(delimiter).filter((entry) => entry.length > 0)
  for (const directory of directories) {
    for (const name of EXECUTABLE_NAMES) {
      const candidate = join(directory, name)
      if (await isExecutableFile(candidate)) return candidate
    }
  }
  throw new FfmpegNotFoundError(undefined, directories)
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
