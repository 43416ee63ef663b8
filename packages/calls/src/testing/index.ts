export { FakeTelegram } from './fake-telegram.js'
export type { FakeRequest, FakeUser } from './fake-telegram.js'
export { FakeTelegramClient } from './fake-client.js'
export type {
  FakeDhConfig,
  FakeRecipient,
  FakeRelay,
  FakeRtcServer,
  FakeTelegramOptions,
  LibraryVersionChoice,
  SignalingFaults,
} from './fake-options.js'
export type { FakeCallState, FakeServerCall } from './fake-phone.js'
export type { SignalingStats } from './fake-signaling.js'
