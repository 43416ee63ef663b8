/**
 * Test set-up only: installs a Debian package the tests run (dante-server, coturn) when a
 * fresh machine lacks it. Needs root. Throws when apt-get fails.
 */
import { execFileSync } from 'node:child_process'

export function installDebianPackage(name: string): void {
  const install = (): void => {
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', name], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
  }
  try {
    install()
  } catch {
    // A fresh machine's package lists may not know the package yet.
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' })
    install()
  }
}
