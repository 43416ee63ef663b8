import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@tgvoip/source'] },
  ssr: { resolve: { conditions: ['@tgvoip/source'] } },
  // Real calls over loopback UDP: files run one after another so timing-sensitive audio
  // checks do not compete for the CPU with each other.
  test: { include: ['**/*.test.ts'], exclude: ['node_modules/**'], testTimeout: 30_000, fileParallelism: false },
})
