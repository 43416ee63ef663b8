#!/usr/bin/env node
// Builds the addon from source with no network access: node-gyp is pointed at the running
// Node's own headers (which include its OpenSSL headers) instead of downloading them.
//   node scripts/build-native.mjs          install: keep a binary that loads, else build
//   node scripts/build-native.mjs rebuild  always rebuild
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(packageDir, 'package.json'))
const env = { ...process.env }
const nodeRoot = dirname(dirname(process.execPath))
if (!env.npm_config_nodedir && existsSync(join(nodeRoot, 'include', 'node', 'node_api.h'))) {
  env.npm_config_nodedir = nodeRoot
}
const rebuild = process.argv[2] === 'rebuild'
const args = rebuild
  ? [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild']
  : [require.resolve('node-gyp-build/bin.js')]
const result = spawnSync(process.execPath, args, { cwd: packageDir, env, stdio: 'inherit' })
process.exit(result.status ?? 1)
