#include "binding/controller-binding.h"

#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "controller/call-controller.h"
#include "controller/opus-floor.h"
#include "controller/server-config.h"
#include "engine/engine-threads.h"
#include "engine/js-notifier.h"

namespace tgvoip {

namespace {

class NativeCall : public Napi::ObjectWrap<NativeCall> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeCall",
                       {
                           InstanceMethod<&NativeCall::Configure>("configure"),
                           InstanceMethod<&NativeCall::SetEncryptionKey>("setEncryptionKey"),
                           InstanceMethod<&NativeCall::SetRemoteEndpoints>("setRemoteEndpoints"),
                           InstanceMethod<&NativeCall::SetProxy>("setProxy"),
                           InstanceMethod<&NativeCall::Connect>("connect"),
                           InstanceMethod<&NativeCall::SetMicMute>("setMicMute"),
                           InstanceMethod<&NativeCall::SetLiveInput>("setLiveInput"),
                           InstanceMethod<&NativeCall::SetNetworkType>("setNetworkType"),
                           InstanceMethod<&NativeCall::DebugCtl>("debugCtl"),
                           InstanceMethod<&NativeCall::WritePcm>("writePcm"),
                           InstanceMethod<&NativeCall::ReadPcm>("readPcm"),
                           InstanceMethod<&NativeCall::InputFree>("inputFree"),
                           InstanceMethod<&NativeCall::OutputAvailable>("outputAvailable"),
                           InstanceMethod<&NativeCall::ArmInputSpace>("armInputSpace"),
                           InstanceMethod<&NativeCall::GetStats>("getStats"),
                           InstanceMethod<&NativeCall::GetDebugLog>("getDebugLog"),
                           InstanceMethod<&NativeCall::Destroy>("destroy"),
                           InstanceMethod<&NativeCall::EngineThread>("engineThread"),
                       });
  }

  explicit NativeCall(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<NativeCall>(info), lease_(EngineThreads::instance().acquire()) {
    uint32_t handle = info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 0;
    controller_ = std::make_shared<CallController>(handle, *lease_.loop());
    engineThread_ = lease_.index();
  }

  ~NativeCall() override { shutdown(); }

 private:
  // Runs `fn` on the call's engine thread with the controller kept alive until it ran.
  template <typename Fn>
  void post(Fn fn) {
    if (!controller_) return;
    auto controller = controller_;
    lease_.loop()->post([controller, fn]() mutable { fn(*controller); });
  }

  void shutdown() {
    if (!controller_) return;
    post([](CallController& c) { c.shutdown(); });
    controller_.reset();
    // After the shutdown was posted: a thread left without calls runs it before it ends.
    lease_.release();
  }

  Napi::Value Configure(const Napi::CallbackInfo& info) {
    Napi::Object options = info[0].As<Napi::Object>();
    CallConfig config;
    config.initTimeout = options.Get("initTimeout").As<Napi::Number>().DoubleValue();
    config.recvTimeout = options.Get("recvTimeout").As<Napi::Number>().DoubleValue();
    config.dataSaving = options.Get("dataSaving").As<Napi::Number>().Int32Value();
    post([config](CallController& c) { c.configure(config); });
    return info.Env().Undefined();
  }

  Napi::Value SetEncryptionKey(const Napi::CallbackInfo& info) {
    auto key = info[0].As<Napi::Uint8Array>();
    if (key.ByteLength() != protocol::kKeySize) {
      Napi::TypeError::New(info.Env(), "key must be 256 bytes").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    auto copy = std::make_shared<protocol::CallKey>();
    std::memcpy(copy->data(), key.Data(), copy->size());
    bool isOutgoing = info[1].ToBoolean().Value();
    post([copy, isOutgoing](CallController& c) {
      c.setKey(*copy, isOutgoing);
      protocol::secureWipe(copy->data(), copy->size());
    });
    return info.Env().Undefined();
  }

  Napi::Value SetRemoteEndpoints(const Napi::CallbackInfo& info) {
    Napi::Array list = info[0].As<Napi::Array>();
    std::vector<EndpointInfo> endpoints;
    for (uint32_t i = 0; i < list.Length(); i++) {
      Napi::Object item = list.Get(i).As<Napi::Object>();
      EndpointInfo endpoint;
      bool lossless = false;
      endpoint.id = item.Get("id").As<Napi::BigInt>().Int64Value(&lossless);
      endpoint.ip = item.Get("ip").As<Napi::String>().Utf8Value();
      endpoint.ipv6 = item.Get("ipv6").As<Napi::String>().Utf8Value();
      endpoint.port = static_cast<uint16_t>(item.Get("port").As<Napi::Number>().Uint32Value());
      auto tag = item.Get("peerTag").As<Napi::Uint8Array>();
      if (tag.ByteLength() != endpoint.tag.size()) {
        Napi::TypeError::New(info.Env(), "peerTag must be 16 bytes").ThrowAsJavaScriptException();
        return info.Env().Undefined();
      }
      std::memcpy(endpoint.tag.data(), tag.Data(), endpoint.tag.size());
      endpoints.push_back(std::move(endpoint));
    }
    bool allowP2p = info[1].ToBoolean().Value();
    bool tcp = info[2].ToBoolean().Value();
    // info[3], the connection max layer, is not used by the engine (the JS call log records it).
    post([endpoints, allowP2p, tcp](CallController& c) mutable {
      c.setEndpoints(std::move(endpoints), allowP2p, tcp);
    });
    return info.Env().Undefined();
  }

  // { host, port, username, password }: the host is an IP address (checked in TS).
  Napi::Value SetProxy(const Napi::CallbackInfo& info) {
    Napi::Object options = info[0].As<Napi::Object>();
    ProxyConfig proxy;
    std::string host = options.Get("host").As<Napi::String>().Utf8Value();
    auto port = static_cast<uint16_t>(options.Get("port").As<Napi::Number>().Uint32Value());
    if (!SocketAddress::parse(host, port, proxy.address)) {
      Napi::TypeError::New(info.Env(), "proxy host must be an IP address").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    proxy.username = options.Get("username").As<Napi::String>().Utf8Value();
    proxy.password = options.Get("password").As<Napi::String>().Utf8Value();
    post([proxy](CallController& c) { c.setProxy(proxy); });
    return info.Env().Undefined();
  }

  Napi::Value Connect(const Napi::CallbackInfo& info) {
    post([](CallController& c) { c.connect(); });
    return info.Env().Undefined();
  }

  Napi::Value SetMicMute(const Napi::CallbackInfo& info) {
    bool muted = info[0].ToBoolean().Value();
    post([muted](CallController& c) { c.setMicMute(muted); });
    return info.Env().Undefined();
  }

  Napi::Value SetLiveInput(const Napi::CallbackInfo& info) {
    bool live = info[0].ToBoolean().Value();
    post([live](CallController& c) { c.setLiveInput(live); });
    return info.Env().Undefined();
  }

  Napi::Value SetNetworkType(const Napi::CallbackInfo& info) {
    int32_t type = info[0].As<Napi::Number>().Int32Value();
    post([type](CallController& c) { c.setNetworkType(type); });
    return info.Env().Undefined();
  }

  Napi::Value DebugCtl(const Napi::CallbackInfo& info) {
    int32_t request = info[0].As<Napi::Number>().Int32Value();
    int32_t param = info[1].As<Napi::Number>().Int32Value();
    post([request, param](CallController& c) { c.debugCtl(request, param); });
    return info.Env().Undefined();
  }

  Napi::Value WritePcm(const Napi::CallbackInfo& info) {
    if (!controller_) return Napi::Number::New(info.Env(), 0);
    auto pcm = info[0].As<Napi::Int16Array>();
    size_t written = controller_->input()->write(pcm.Data(), pcm.ElementLength());
    return Napi::Number::New(info.Env(), static_cast<double>(written));
  }

  Napi::Value ReadPcm(const Napi::CallbackInfo& info) {
    if (!controller_) return Napi::Number::New(info.Env(), 0);
    auto pcm = info[0].As<Napi::Int16Array>();
    auto& ring = controller_->output();
    size_t count = pcm.ElementLength();
    size_t got = ring->read(pcm.Data(), count);
    if (got < count) {
      // Drained: re-arm the notification first, then pick up anything that raced in.
      controller_->clearAudioReady();
      got += ring->read(pcm.Data() + got, count - got);
    }
    return Napi::Number::New(info.Env(), static_cast<double>(got));
  }

  Napi::Value InputFree(const Napi::CallbackInfo& info) {
    double free = controller_ ? static_cast<double>(controller_->input()->freeSpace()) : 0;
    return Napi::Number::New(info.Env(), free);
  }

  Napi::Value OutputAvailable(const Napi::CallbackInfo& info) {
    double available = controller_ ? static_cast<double>(controller_->output()->available()) : 0;
    return Napi::Number::New(info.Env(), available);
  }

  Napi::Value ArmInputSpace(const Napi::CallbackInfo& info) {
    if (controller_) controller_->armInputSpace(info[0].As<Napi::Number>().Uint32Value());
    return info.Env().Undefined();
  }

  Napi::Value GetStats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    if (!controller_) return out;
    CallStats s = controller_->stats();
    auto num = [&](const char* key, double value) { out.Set(key, Napi::Number::New(env, value)); };
    num("state", static_cast<double>(s.state));
    num("error", static_cast<double>(s.error));
    num("bytesSent", static_cast<double>(s.bytesSent));
    num("bytesReceived", static_cast<double>(s.bytesReceived));
    num("packetsSent", static_cast<double>(s.packetsSent));
    num("packetsReceived", static_cast<double>(s.packetsReceived));
    num("packetsDropped", static_cast<double>(s.packetsDropped));
    num("packetsLost", static_cast<double>(s.packetsLost));
    num("framesPrimary", static_cast<double>(s.framesPrimary));
    num("framesExtraFec", static_cast<double>(s.framesExtraFec));
    num("framesInbandFec", static_cast<double>(s.framesInbandFec));
    num("framesConcealed", static_cast<double>(s.framesConcealed));
    num("fecRejected", static_cast<double>(s.fecRejected));
    num("packetsLate", static_cast<double>(s.packetsLate));
    num("framesSent", static_cast<double>(s.framesSent));
    num("sendUnderruns", static_cast<double>(s.sendUnderruns));
    num("staleBlocksDropped", static_cast<double>(s.staleBlocksDropped));
    num("sendSlotsSkipped", static_cast<double>(s.sendSlotsSkipped));
    num("reducedComplexityFrames", static_cast<double>(s.reducedComplexityFrames));
    num("lossRate", s.lossRate);
    num("sendLossRate", s.sendLossRate);
    num("rttMs", s.rttMs);
    num("jitterDelayMs", s.jitterDelayMs);
    num("jitterSpreadMs", s.jitterSpreadMs);
    num("jitterPackets", s.jitterPackets);
    num("bitrate", s.bitrate);
    num("extraEcLevel", s.extraEcLevel);
    num("signalBars", s.signalBars);
    num("peerVersion", s.peerVersion);
    num("peerCapabilities", s.peerCapabilities);
    num("connectSeconds", s.connectSeconds);
    num("establishedAt", s.establishedAt);
    num("udpRelayRttMs", s.udpRelayRttMs);
    num("localPort", s.localPort);
    out.Set("preferredRelayId", Napi::BigInt::New(env, s.preferredRelayId));
    out.Set("currentEndpointId", Napi::BigInt::New(env, s.currentEndpointId));
    out.Set("publicAddress", Napi::String::New(env, s.publicAddress));
    out.Set("needRate", Napi::Boolean::New(env, s.needRate));
    return out;
  }

  Napi::Value GetDebugLog(const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), controller_ ? controller_->debugLogJson() : "{}");
  }

  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    shutdown();
    return info.Env().Undefined();
  }

  Napi::Value EngineThread(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), engineThread_); }

  EngineLease lease_;
  std::shared_ptr<CallController> controller_;
  int engineThread_ = 0;  // kept after destroy(), when the lease is gone
};

Napi::Value SetEventDispatcher(const Napi::CallbackInfo& info) {
  JsNotifier::init(info.Env(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Value SetServerConfig(const Napi::CallbackInfo& info) {
  Napi::Object object = info[0].As<Napi::Object>();
  Napi::Array keys = object.GetPropertyNames();
  ServerConfig::Values values;
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
    Napi::Value value = object.Get(key);
    if (value.IsNumber()) values[key] = value.As<Napi::Number>().DoubleValue();
    if (value.IsBoolean()) values[key] = value.As<Napi::Boolean>().Value() ? 1 : 0;
  }
  ServerConfig::instance().replace(std::move(values));
  return info.Env().Undefined();
}

Napi::Value EngineRef(const Napi::CallbackInfo& info) {
  JsNotifier::retain(info.Env());
  return info.Env().Undefined();
}

Napi::Value EngineUnref(const Napi::CallbackInfo& info) {
  JsNotifier::release(info.Env());
  return info.Env().Undefined();
}

Napi::Value SetEngineThreads(const Napi::CallbackInfo& info) {
  // The TypeScript side checked the range.
  EngineThreads::instance().setCount(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value EngineThreadsInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& threads = EngineThreads::instance();
  Napi::Object out = Napi::Object::New(env);
  out.Set("count", threads.count());
  out.Set("running", threads.running());
  out.Set("max", EngineThreads::kMaxThreads);
  std::vector<int> loads = threads.loads();
  Napi::Array calls = Napi::Array::New(env, loads.size());
  for (size_t i = 0; i < loads.size(); i++) calls.Set(static_cast<uint32_t>(i), loads[i]);
  out.Set("calls", calls);
  out.Set("jsWakeups", static_cast<double>(JsNotifier::wakeups()));
  return out;
}

Napi::Object floorResultObject(Napi::Env env, const OpusFloorResult& result) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("cpuSeconds", result.cpuSeconds);
  out.Set("frames", result.frames);
  out.Set("bytes", static_cast<double>(result.bytes));
  return out;
}

Napi::Value MeasureOpusFloor(const Napi::CallbackInfo& info) {
  auto pcm = info[0].As<Napi::Int16Array>();
  auto result = measureOpusFloor(pcm.Data(), pcm.ElementLength(), info[1].As<Napi::Number>().Int32Value(),
                                 info[2].As<Napi::Number>().Int32Value());
  return floorResultObject(info.Env(), result);
}

// measurePacedOpusFloor(pcm, threads, endsPerThread, seconds, bitrate): blocks the calling
// thread for `seconds`; a benchmark tool, not for a thread serving calls.
Napi::Value MeasurePacedOpusFloor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array) {
    Napi::TypeError::New(env, "measurePacedOpusFloor(pcm: Int16Array, threads, endsPerThread, seconds, bitrate)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  for (size_t i = 1; i < 5; i++) {
    if (!info[i].IsNumber()) {
      Napi::TypeError::New(env, "measurePacedOpusFloor: threads, endsPerThread, seconds and bitrate must be numbers")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  auto pcm = info[0].As<Napi::Int16Array>();
  int threads = info[1].As<Napi::Number>().Int32Value();
  int endsPerThread = info[2].As<Napi::Number>().Int32Value();
  double seconds = info[3].As<Napi::Number>().DoubleValue();
  int bitrate = info[4].As<Napi::Number>().Int32Value();
  if (threads < 1 || threads > EngineThreads::kMaxThreads || endsPerThread < 1 || endsPerThread > 1000 ||
      !(seconds > 0 && seconds <= 60) || bitrate < 6000 || bitrate > 510000 || pcm.ElementLength() < 2880) {
    Napi::RangeError::New(env, "measurePacedOpusFloor: threads 1.." + std::to_string(EngineThreads::kMaxThreads) +
                                   ", endsPerThread 1..1000, seconds (0, 60], bitrate 6000..510000 and at least one "
                                   "2880-sample frame")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  OpusFloorResult result;
  try {
    result = measurePacedOpusFloor(pcm.Data(), pcm.ElementLength(), threads, endsPerThread, seconds, bitrate);
  } catch (const std::exception& e) {
    Napi::Error::New(env, std::string("measurePacedOpusFloor: ") + e.what()).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (result.frames == 0) {
    Napi::Error::New(env, "measurePacedOpusFloor: libopus refused to create a codec").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return floorResultObject(env, result);
}

}  // namespace

void InitControllerBinding(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeCall", NativeCall::Define(env));
  exports.Set("setEventDispatcher", Napi::Function::New(env, SetEventDispatcher));
  exports.Set("setServerConfig", Napi::Function::New(env, SetServerConfig));
  exports.Set("engineRef", Napi::Function::New(env, EngineRef));
  exports.Set("engineUnref", Napi::Function::New(env, EngineUnref));
  exports.Set("setEngineThreads", Napi::Function::New(env, SetEngineThreads));
  exports.Set("engineThreads", Napi::Function::New(env, EngineThreadsInfo));
  exports.Set("measureOpusFloor", Napi::Function::New(env, MeasureOpusFloor));
  exports.Set("measurePacedOpusFloor", Napi::Function::New(env, MeasurePacedOpusFloor));
}

}  // namespace tgvoip
