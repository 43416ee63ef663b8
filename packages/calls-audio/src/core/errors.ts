/** Base class of every error this package throws, so callers can catch them all at once. */
export class AudioError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** Options passed to a source, sink or player failed validation. */
export class AudioOptionsError extends AudioError {}

/** ffmpeg is needed (FileSource/FileSink) but could not be found or run. */
export class FfmpegNotFoundError extends AudioError {
  constructor(
    /** The explicit path that was tried, or undefined when PATH was searched. */
    readonly path: string | undefined,
    /** Directories of PATH that were searched (empty when an explicit path was given). */
    readonly searched: readonly string[],
  ) {
    const where = path !== undefined ? `at ${path}` : `in PATH (${searched.length > 0 ? searched.join(':') : 'PATH is empty'})`
    super(
      `ffmpeg was not found ${where}. Install the "ffmpeg" package ` +
        '(Debian/Ubuntu: `apt-get install ffmpeg`, Fedora: `dnf install ffmpeg`, ' +
        'macOS: `brew install ffmpeg`, Windows: `winget install ffmpeg`) or pass `ffmpegPath`.',
    )
  }
}

/** An input could not be decoded (ffmpeg failed on it, or the data is not audio). */
export class AudioDecodeError extends AudioError {
  constructor(
    message: string,
    /** The last lines ffmpeg wrote to stderr, when ffmpeg was involved. */
    readonly details?: string,
    options?: ErrorOptions,
  ) {
    super(details ? `${message}: ${details}` : message, options)
  }
}

/** An output could not be encoded or written (ffmpeg failed, disk error). */
export class AudioEncodeError extends AudioError {
  constructor(
    message: string,
    readonly details?: string,
    options?: ErrorOptions,
  ) {
    super(details ? `${message}: ${details}` : message, options)
  }
}

/** A WAV file is malformed or uses an encoding this parser does not support. */
export class WavFormatError extends AudioError {}

/** A source was iterated a second time; sources are single-use streams. */
export class SourceAlreadyIteratedError extends AudioError {
  constructor() {
    super('This audio source has already been iterated; create a new source to play it again')
  }
}

/** A sink was written to after `close()`. */
export class SinkClosedError extends AudioError {
  constructor() {
    super('This audio sink is closed')
  }
}
