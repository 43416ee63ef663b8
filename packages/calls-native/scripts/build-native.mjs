#!/usr/bin/env node
// Installs the addon (the package's `install` script), or rebuilds it from source.
//   node scripts/build-native.mjs          install: keep an addon that loads (the prebuilt
//                                          one in a published package), else build
//   node scripts/build-native.mjs rebuild  always build from source
// A source build needs no network: node-gyp is pointed at the running Node's own headers
// (which include its OpenSSL headers) instead of downloading them.
import { spawnSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findNodeHeaders } from './node-headers.mjs'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(packageDir, 'package.json'))

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** The addon node-gyp-build would load, if one exists and loads here. */
function loadableAddon() {
  let path
  try {
    path = require('node-gyp-build').path(packageDir)
  } catch {
    return undefined // nothing built or prebuilt for this platform
  }
  try {
    require(path)
    return path
  } catch (error) {
    console.error(`tgvoip: the addon ${path} does not load on this machine:\n  ${error.message}`)
    console.error('tgvoip: building it from source instead')
    return undefined
  }
}

/** How to run node-gyp: ours in the workspace, else the one npm or pnpm bundles. */
function nodeGypCommand() {
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')]
  } catch {
    // npm names its bundled node-gyp in npm_config_node_gyp; npm and pnpm both put a
    // node-gyp shim on the PATH of install scripts.
    const bundled = process.env.npm_config_node_gyp
    if (bundled) return bundled.endsWith('.js') ? [process.execPath, bundled] : [bundled]
    return onPath('node-gyp') ? ['node-gyp'] : undefined
  }
}

function missingForSourceBuild() {
  const missing = []
  const compiler = process.env.CXX ?? 'g++'
  if (!onPath(compiler) && !onPath('c++')) missing.push(`a C++17 compiler (${compiler})`)
  if (!onPath('make')) missing.push('make')
  if (!onPath('python3')) missing.push('python3 (for node-gyp)')
  // The same search binding.gyp runs: pkg-config, or Homebrew on macOS.
  if (spawnSync(process.execPath, [join(packageDir, 'scripts', 'opus-flags.mjs'), 'cflags'], { stdio: 'ignore' }).status !== 0) {
    missing.push(process.platform === 'darwin' ? 'libopus (Homebrew opus)' : 'pkg-config and the libopus headers')
  }
  if (!nodeGypCommand()) missing.push('node-gyp (npm i -g node-gyp)')
  return missing
}

function buildFromSource() {
  const missing = missingForSourceBuild()
  if (missing.length > 0) {
    console.error(`tgvoip: cannot build @tgvoip/calls-native from source: missing ${missing.join(', ')}.`)
    console.error('  Debian/Ubuntu: sudo apt-get install -y g++ make python3 pkg-config libopus-dev')
    console.error('  Fedora:        sudo dnf install -y gcc-c++ make python3 pkgconf-pkg-config opus-devel')
    console.error('  macOS:         xcode-select --install && brew install opus')
    return 1
  }
  const [command, ...args] = nodeGypCommand()
  const nodedir = findNodeHeaders()
  // node-gyp lets an inherited npm_config_nodedir override --nodedir, so set that instead.
  const env = nodedir ? { ...process.env, npm_config_nodedir: nodedir } : process.env
  const result = spawnSync(command, [...args, 'rebuild'], { cwd: packageDir, env, stdio: 'inherit' })
  return result.status ?? 1
}

const rebuild = process.argv[2] === 'rebuild'
process.exit(!rebuild && loadableAddon() ? 0 : buildFromSource())
