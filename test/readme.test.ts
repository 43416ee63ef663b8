import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { REPO_ROOT } from './support/run-script.js'

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')

describe('README', () => {
  it('shows examples/quick-start.ts exactly as it is in examples/', () => {
    const block = /```ts\n(\/\/ examples\/quick-start\.ts[\s\S]*?)```/.exec(readme)?.[1]
    expect(block).toBeDefined()
    expect(block).toBe(readFileSync(join(REPO_ROOT, 'examples/quick-start.ts'), 'utf8'))
  })

  it('links only to examples and docs that exist', () => {
    const links = [...readme.matchAll(/\]\(((?:examples|packages|test)\/[^)#]*)\)/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThanOrEqual(8)
    for (const link of links) expect(existsSync(join(REPO_ROOT, link)), link).toBe(true)
  })

  it('keeps the two set-up commands that .ci/run runs', () => {
    expect(readme).toContain('bash scripts/install.sh && pnpm demo')
    expect(readme).toMatch(/^pnpm test/m)
    const ci = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8')
    expect(ci).toMatch(/bash scripts\/install\.sh\npnpm demo\npnpm test/)
  })
})
