#!/usr/bin/env node
// Finds the C headers of the Node.js that runs this script, so node-gyp builds against them
// (and against Node's own OpenSSL headers) instead of downloading headers, which fails
// offline. A configured nodedir is only trusted when its headers are this Node's version:
// a machine whose npm config names a distribution's older Node would otherwise produce
// addons that fail to load.
//   node scripts/node-headers.mjs   prints the folder to pass as --nodedir (or nothing)
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

function headersVersion(nodedir) {
  try {
    const text = readFileSync(join(nodedir, 'include', 'node', 'node_version.h'), 'utf8')
    const part = (name) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text)?.[1]
    return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`
  } catch {
    return undefined
  }
}

/** The folder whose include/node holds this Node's headers, or undefined. */
export function findNodeHeaders(env = process.env) {
  const execDir = dirname(realpathSync(process.execPath))
  const candidates = [
    env.npm_config_nodedir,
    // Official tarballs and distribution packages: <prefix>/bin/node, <prefix>/include/node.
    resolve(execDir, '..'),
    // Node from the npm registry (`npm install -g node@24`): the binary is hard-linked into
    // the `node` package, and the headers stay in its `node-<platform>-<arch>` dependency.
    resolve(execDir, '..', 'node_modules', `node-${process.platform}-${process.arch}`),
    process.config.variables.node_prefix,
  ]
  return candidates.find(
    (dir) => dir && existsSync(join(dir, 'include', 'node', 'node_api.h')) && headersVersion(dir) === process.versions.node,
  )
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = findNodeHeaders()
  if (dir) console.log(dir)
}
