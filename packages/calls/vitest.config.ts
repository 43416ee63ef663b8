import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@tgvoip/source'] },
  ssr: { resolve: { conditions: ['@tgvoip/source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 20_000 },
})
