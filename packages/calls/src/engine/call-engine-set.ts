/**
 * Several engines behind one `CallEngine`: the calls advertise every engine's library
 * versions, in the order the engines are given (so the first engine's protocol is preferred),
 * and each call's session comes from the engine that owns the version the server chose
 * (`phoneCall.protocol.libraryVersions[0]`).
 */
import { CallOptionsError } from '../errors.js'
import type { CallEngine, CallEngineSessionOptions, MediaSession } from './call-engine.js'

/** The server chose a library version that none of the engines speaks. */
export class UnsupportedLibraryVersionError extends Error {
  override name = 'UnsupportedLibraryVersionError'
  constructor(readonly libraryVersion: string, offered: readonly string[]) {
    super(`No engine speaks library version "${libraryVersion}" (offered: ${offered.join(', ')})`)
  }
}

export class CallEngineSet implements CallEngine {
  readonly name: string
  readonly minLayer: number
  readonly maxLayer: number
  readonly libraryVersions: readonly string[]
  private readonly owners = new Map<string, CallEngine>()

  constructor(readonly engines: readonly CallEngine[]) {
    if (engines.length === 0) throw new CallOptionsError('An engine list needs at least one engine')
    for (const engine of engines) {
      for (const version of engine.libraryVersions) {
        const owner = this.owners.get(version)
        if (owner) throw new CallOptionsError(`Engines ${owner.name} and ${engine.name} both claim library version ${version}`)
        this.owners.set(version, engine)
      }
    }
    this.name = engines.map((engine) => engine.name).join('+')
    this.minLayer = Math.min(...engines.map((engine) => engine.minLayer))
    this.maxLayer = Math.max(...engines.map((engine) => engine.maxLayer))
    this.libraryVersions = [...this.owners.keys()]
  }

  /** The engine that carries calls of `libraryVersion`, if any. */
  engineFor(libraryVersion: string): CallEngine | undefined {
    return this.owners.get(libraryVersion)
  }

  load(): void {
    for (const engine of this.engines) engine.load()
  }

  createSession(options: CallEngineSessionOptions): MediaSession {
    const engine = this.owners.get(options.libraryVersion)
    if (!engine) throw new UnsupportedLibraryVersionError(options.libraryVersion, this.libraryVersions)
    return engine.createSession(options)
  }
}
