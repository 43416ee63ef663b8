#include "engine/js-notifier.h"

namespace tgvoip {

namespace {

using Tsfn = Napi::ThreadSafeFunction;

struct NotifierState {
  std::mutex mutex;
  std::vector<EngineEvent> queue;
  bool callPending = false;
  bool open = false;
  Tsfn tsfn;
  int retainCount = 0;
};

NotifierState& state() {
  static NotifierState* s = new NotifierState();
  return *s;
}

void deliverBatch(Napi::Env env, Napi::Function dispatch) {
  std::vector<EngineEvent> batch;
  {
    std::lock_guard<std::mutex> lock(state().mutex);
    batch.swap(state().queue);
    state().callPending = false;
  }
  if (env == nullptr || dispatch.IsEmpty()) return;
  for (const auto& e : batch) {
    dispatch.Call({Napi::Number::New(env, e.handle), Napi::Number::New(env, static_cast<int32_t>(e.kind)),
                   Napi::Number::New(env, e.a), Napi::Number::New(env, e.b)});
  }
}

}  // namespace

void JsNotifier::init(Napi::Env env, Napi::Function dispatch) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.open) s.tsfn.Release();
  s.tsfn = Tsfn::New(env, dispatch, "tgvoip-engine-events", 0, 1);
  s.tsfn.Unref(env);
  s.retainCount = 0;
  s.open = true;
  env.AddCleanupHook([] {
    auto& st = state();
    std::lock_guard<std::mutex> l(st.mutex);
    if (st.open) st.tsfn.Release();
    st.open = false;
  });
}

void JsNotifier::notify(const EngineEvent& event) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.open) return;
  s.queue.push_back(event);
  if (s.callPending) return;
  s.callPending = true;
  s.tsfn.NonBlockingCall([](Napi::Env env, Napi::Function dispatch) { deliverBatch(env, dispatch); });
}

void JsNotifier::retain(Napi::Env env) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.open && s.retainCount++ == 0) s.tsfn.Ref(env);
}

void JsNotifier::release(Napi::Env env) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.open && s.retainCount > 0 && --s.retainCount == 0) s.tsfn.Unref(env);
}

}  // namespace tgvoip
