import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll } from 'vitest'

/** A fresh folder for the test file that calls this, removed after its last test: use `dir.path`. */
export function useTempDir(prefix: string): { path: string } {
  const dir = { path: '' }
  beforeAll(async () => {
    dir.path = await mkdtemp(join(tmpdir(), prefix))
  })
  afterAll(async () => {
    await rm(dir.path, { recursive: true, force: true })
  })
  return dir
}
