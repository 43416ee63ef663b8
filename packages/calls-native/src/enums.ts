/** Enums with the numeric values libtgvoip and pytgvoip expose (spec §9.1, Appendix A). */

export enum NetType {
  UNKNOWN = 0,
  GPRS = 1,
  EDGE = 2,
  NET_3G = 3,
  HSPA = 4,
  LTE = 5,
  WIFI = 6,
  ETHERNET = 7,
  OTHER_HIGH_SPEED = 8,
  OTHER_LOW_SPEED = 9,
  DIALUP = 10,
  OTHER_MOBILE = 11,
}

export enum DataSaving {
  NEVER = 0,
  MOBILE = 1,
  ALWAYS = 2,
}

export enum CallState {
  WAIT_INIT = 1,
  WAIT_INIT_ACK = 2,
  ESTABLISHED = 3,
  FAILED = 4,
  RECONNECTING = 5,
  HANGING_UP = 10,
  ENDED = 11,
  EXCHANGING_KEYS = 12,
  WAITING = 13,
  REQUESTING = 14,
  WAITING_INCOMING = 15,
  RINGING = 16,
  BUSY = 17,
}

export enum CallError {
  UNKNOWN = 0,
  INCOMPATIBLE = 1,
  TIMEOUT = 2,
  AUDIO_IO = 3,
  PROXY = 4,
}
