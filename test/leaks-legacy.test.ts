import { it } from 'vitest'

import { CHURN_CALLS, churnCalls } from './support/call-churn.js'
import { legacyAccounts } from './support/two-accounts.js'

it(`libtgvoip (2.4.4): ${CHURN_CALLS} sequential calls with audio leave no sockets, handles or growing memory behind`, { timeout: 240_000 }, async () => {
  const env = await legacyAccounts()
  await churnCalls('libtgvoip (2.4.4)', env, 40)
  await env.destroy()
})
