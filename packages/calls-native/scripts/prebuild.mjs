#!/usr/bin/env node
// Makes the prebuilt addon that ships in the npm tarball (run by `prepack`):
// prebuilds/linux-x64/node.napi.glibc.node, loadable by node-gyp-build on any Node >= 22
// (Node-API 8) without a compiler or libopus on the machine.
//
// libopus is linked statically. Debian's libopus.a is not position-independent, so libopus
// is built here with -fPIC from the source tree that the @discordjs/opus package carries on
// the npm registry (deps/opus, libopus 1.3.1, BSD-licensed). libstdc++ is linked statically
// too, so the binary needs only glibc (>= 2.34) and libgcc_s; the script prints the glibc
// baseline it measured.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findNodeHeaders } from './node-headers.mjs'

const OPUS_SOURCE_PACKAGE = '@discordjs/opus@0.10.0'
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = join(packageDir, '.prebuild-cache')
const opusSourceDir = join(cacheDir, 'opus-src')
const opusPrefix = join(cacheDir, 'opus-pic')
const target = join(packageDir, 'prebuilds', `${process.platform}-${process.arch}`, 'node.napi.glibc.node')

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  if (result.status !== 0) {
    throw new Error(`prebuild: ${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`)
  }
}

function buildStaticOpus() {
  if (existsSync(join(opusPrefix, 'lib', 'libopus.a'))) return
  const sourceDir = opusSourceDir
  rmSync(sourceDir, { recursive: true, force: true })
  mkdirSync(sourceDir, { recursive: true })
  console.log(`prebuild: fetching libopus sources (${OPUS_SOURCE_PACKAGE}, deps/opus) from the npm registry`)
  const tarball = execFileSync('npm', ['pack', OPUS_SOURCE_PACKAGE, '--silent', '--pack-destination', cacheDir], {
    encoding: 'utf8',
  }).trim().split('\n').pop()
  run('tar', ['xzf', join(cacheDir, tarball), '-C', sourceDir, '--strip-components=3', 'package/deps/opus'])
  const configureArgs = ['configure', '--with-pic', '--disable-shared', '--enable-static', '--disable-doc',
    '--disable-extra-programs', `--prefix=${opusPrefix}`]
  run('sh', configureArgs, { cwd: sourceDir, stdio: ['ignore', 'ignore', 'inherit'] })
  run('make', [`-j${availableParallelism()}`, 'install'], {
    cwd: sourceDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
}

/** The newest GLIBC_x.y symbol version the binary needs: its glibc baseline. */
function glibcBaseline(file) {
  const symbols = execFileSync('objdump', ['-T', file], { encoding: 'utf8' })
  const versions = [...symbols.matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])])
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const newest = versions.at(-1)
  return newest ? `${newest[0]}.${newest[1]}` : 'none'
}

function checkSelfContained(file) {
  const needed = [...execFileSync('readelf', ['-d', file], { encoding: 'utf8' }).matchAll(/\(NEEDED\).*\[(.+)\]/g)]
    .map((m) => m[1])
  const foreign = needed.filter((lib) => !/^(libc|libm|libgcc_s|libpthread|libdl|ld-linux[-\w]*)\.so/.test(lib))
  if (foreign.length > 0) throw new Error(`prebuild: ${file} still needs ${foreign.join(', ')}`)
  return needed
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`prebuild: prebuilt addons are made on linux-x64 only (this is ${process.platform}-${process.arch});` +
    ' pack the release there')
  process.exit(1)
}

buildStaticOpus()
const nodedir = findNodeHeaders()
const require = createRequire(join(packageDir, 'package.json'))
// node-gyp lets an inherited npm_config_nodedir override --nodedir, so set that instead.
run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild'], {
  cwd: packageDir,
  env: { ...process.env, TGVOIP_OPUS_STATIC: opusPrefix, ...(nodedir ? { npm_config_nodedir: nodedir } : {}) },
})

rmSync(join(packageDir, 'prebuilds'), { recursive: true, force: true })
mkdirSync(dirname(target), { recursive: true })
copyFileSync(join(packageDir, 'build', 'Release', 'tgvoip_native.node'), target)
run('strip', ['--strip-unneeded', target])
const needed = checkSelfContained(target)
// libopus's BSD licence asks binary redistributions to carry its notice.
writeFileSync(
  join(packageDir, 'THIRD_PARTY_LICENSES'),
  `The prebuilt addon in prebuilds/ contains libopus 1.3.1, under this licence:\n\n${readFileSync(join(opusSourceDir, 'COPYING'), 'utf8')}`,
)
// The prebuild must load on its own, the way an installed package finds it.
run(process.execPath, ['-e', `require(${JSON.stringify(target)})`])
console.log(`prebuild: ${target}`)
console.log(`prebuild: needs ${needed.join(', ')}; glibc >= ${glibcBaseline(target)}; ${readdirSync(dirname(target)).length} file(s)`)
