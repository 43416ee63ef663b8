import { describe, expect, it } from 'vitest'
import {
  AlreadyConnectedError,
  CallError,
  CallState,
  DataSaving,
  InvalidArgumentError,
  InvalidKeyError,
  InvalidPeerTagError,
  MissingAddressError,
  NetType,
  NoEndpointsError,
  NotConfiguredError,
  VoIPController,
  VoIPServerConfig,
} from '../../src/index.js'

const endpoint = { id: 1n, ip: '127.0.0.1', ipv6: '', port: 5000, peerTag: new Uint8Array(16) }

describe('VoIPController arguments', () => {
  it('exposes the seed constants and enum values', () => {
    expect(VoIPController.LIBTGVOIP_VERSION).toBe('2.4.4')
    expect(VoIPController.CONNECTION_MAX_LAYER).toBe(92)
    expect([CallState.WAIT_INIT, CallState.WAIT_INIT_ACK, CallState.ESTABLISHED, CallState.FAILED, CallState.RECONNECTING]).toEqual([1, 2, 3, 4, 5])
    expect([CallError.UNKNOWN, CallError.INCOMPATIBLE, CallError.TIMEOUT, CallError.AUDIO_IO, CallError.PROXY]).toEqual([0, 1, 2, 3, 4])
    expect(NetType.OTHER_MOBILE).toBe(11)
    expect(DataSaving.ALWAYS).toBe(2)
  })

  it('rejects bad keys, tags and endpoint lists with typed errors', () => {
    const controller = new VoIPController()
    try {
      expect(() => controller.setEncryptionKey(new Uint8Array(255), true)).toThrow(InvalidKeyError)
      expect(() => controller.setRemoteEndpoints([], false, false, 92)).toThrow(NoEndpointsError)
      expect(() => controller.setRemoteEndpoints([{ ...endpoint, ip: '' }], false, false, 92)).toThrow(MissingAddressError)
      expect(() => controller.setRemoteEndpoints([{ ...endpoint, ip: '::1' }], false, false, 92)).toThrow(InvalidArgumentError)
      expect(() => controller.setRemoteEndpoints([{ ...endpoint, ipv6: '127.0.0.1' }], false, false, 92)).toThrow(InvalidArgumentError)
      expect(() => controller.setRemoteEndpoints([{ ...endpoint, peerTag: new Uint8Array(15) }], false, false, 92)).toThrow(
        InvalidPeerTagError,
      )
      expect(() => controller.setRemoteEndpoints([{ ...endpoint, port: 70000 }], false, false, 92)).toThrow(InvalidArgumentError)
      expect(() => controller.setConfig({ initTimeout: -1, recvTimeout: 10, dataSavingMode: DataSaving.NEVER, callId: 1n })).toThrow(
        InvalidArgumentError,
      )
      expect(() => controller.setNetworkType(99 as NetType)).toThrow(InvalidArgumentError)
      expect(() => controller.connect()).toThrow(NotConfiguredError)
      expect(controller.state).toBe(CallState.WAIT_INIT)
      expect(controller.callDuration).toBe(0)
      expect(controller.getPreferredRelayId()).toBe(0n)
      controller.setEncryptionKey(new Uint8Array(256), true)
      controller.setRemoteEndpoints([endpoint], false, false, 92)
      controller.connect()
      expect(() => controller.setEncryptionKey(new Uint8Array(256), true)).toThrow(AlreadyConnectedError)
      expect(() => controller.setRemoteEndpoints([endpoint], false, false, 92)).toThrow(AlreadyConnectedError)
    } finally {
      controller.destroy()
    }
  })

  it('validates setProxy() arguments and refuses it after connect()', () => {
    const controller = new VoIPController()
    try {
      expect(() => controller.setProxy('proxy.example', 1080)).toThrow(InvalidArgumentError)
      expect(() => controller.setProxy('127.0.0.1', 0)).toThrow(InvalidArgumentError)
      expect(() => controller.setProxy('127.0.0.1', 1080, 'u'.repeat(256), 'p')).toThrow(InvalidArgumentError)
      expect(() => controller.setProxy('127.0.0.1', 1080, 'u', 'p\0')).toThrow(InvalidArgumentError)
      expect(() => controller.setProxy('127.0.0.1', 1080, '', 'secret')).toThrow(InvalidArgumentError)
      controller.setProxy('::1', 1080)
      controller.setProxy('127.0.0.1', 1080, 'user', 'p'.repeat(255))
      controller.setEncryptionKey(new Uint8Array(256), true)
      controller.setRemoteEndpoints([endpoint], false, false, 92)
      controller.connect()
      expect(() => controller.setProxy('127.0.0.1', 1080)).toThrow(AlreadyConnectedError)
    } finally {
      controller.destroy()
    }
  })

  it('accepts a null peer tag (pytgvoip: "either None or 16 bytes")', () => {
    const controller = new VoIPController()
    controller.setRemoteEndpoints([{ ...endpoint, peerTag: null }], false, false, 92)
    controller.destroy()
  })

  it('VoIPServerConfig accepts JSON or objects and rejects non-objects', () => {
    VoIPServerConfig.setConfig('{"audio_max_bitrate": 18000, "use_tcp": false, "bogus": "x"}')
    expect(VoIPServerConfig.get()).toEqual({ audio_max_bitrate: 18000, use_tcp: false })
    VoIPServerConfig.setBitrateConfig({ initBitrate: 12000, maxBitrate: 18000 })
    expect(VoIPServerConfig.get()).toMatchObject({ audio_init_bitrate: 12000, audio_max_bitrate: 18000, audio_min_bitrate: 8000 })
    expect(() => VoIPServerConfig.setConfig('{nope')).toThrow(InvalidArgumentError)
    expect(() => VoIPServerConfig.setConfig('[1]')).toThrow(InvalidArgumentError)
    expect(() => VoIPServerConfig.setBitrateConfig({ initBitrate: 30000, maxBitrate: 20000 })).toThrow(InvalidArgumentError)
    // A new server config (as the calls plugin applies at every call) keeps the bot's bitrates.
    VoIPServerConfig.setConfig({ audio_max_bitrate: 30000, use_tcp: true })
    expect(VoIPServerConfig.get()).toEqual({
      audio_init_bitrate: 12000,
      audio_max_bitrate: 18000,
      audio_min_bitrate: 8000,
      audio_bitrate_step_decr: 1000,
      audio_bitrate_step_incr: 1000,
      use_tcp: true,
    })
    VoIPServerConfig.resetBitrateConfig()
    expect(VoIPServerConfig.get()).toEqual({ audio_max_bitrate: 30000, use_tcp: true })
    VoIPServerConfig.setConfig({})
  })
})
