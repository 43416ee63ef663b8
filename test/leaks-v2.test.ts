import { it } from 'vitest'

import { CHURN_CALLS, churnCalls } from './support/call-churn.js'
import { twoAccounts } from './support/two-accounts.js'

// werift churns through much more JS memory per call than the libtgvoip engine, and V8 keeps
// the heap it grew: RSS settles only after ~80 calls.
it(`tgcalls v2 (13.0.0): ${CHURN_CALLS} sequential calls with audio leave no sockets, handles or growing memory behind`, { timeout: 240_000 }, async () => {
  const env = await twoAccounts()
  await churnCalls('tgcalls v2 (13.0.0)', env, 80)
  await env.destroy()
})
