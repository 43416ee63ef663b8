import { z } from 'zod'
import { AudioOptionsError } from './errors.js'

/** Validates user options with a zod schema, turning failures into `AudioOptionsError`. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(input ?? {})
  if (!result.success) {
    throw new AudioOptionsError(`Invalid ${what} options: ${z.prettifyError(result.error)}`)
  }
  return result.data
}

export const durationMsSchema = z.number().finite().nonnegative()
/** Linear gain: 1 leaves audio unchanged, 0 mutes, 2 doubles (with clipping). */
export const volumeSchema = z.number().finite().min(0).max(16)
