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
  uint64_t wakeups = 0;
};

NotifierState& state() {
  static NotifierState* s = new NotifierState();
  return *s;
}

// Open Batch scopes on this thread, and whether an event was queued inside them.
thread_local int batchDepth = 0;
thread_local bool batchQueued = false;

// Plain Node-API calls rather than node-addon-api's throwing ones: a batch can arrive while
// Node is shutting down and can no longer run JS, and a C++ exception here (on the way out
// of a thread-safe-function callback) would abort the process.
void deliverBatch(Napi::Env env, Napi::Function dispatch) {
  std::vector<EngineEvent> batch;
  {
    std::lock_guard<std::mutex> lock(state().mutex);
    batch.swap(state().queue);
    state().callPending = false;
  }
  if (env == nullptr || dispatch.IsEmpty()) return;
  napi_value receiver;
  if (napi_get_undefined(env, &receiver) != napi_ok) return;
  for (const auto& e : batch) {
    napi_value args[4];
    if (napi_create_uint32(env, e.handle, &args[0]) != napi_ok ||
        napi_create_int32(env, static_cast<int32_t>(e.kind), &args[1]) != napi_ok ||
        napi_create_int32(env, e.a, &args[2]) != napi_ok || napi_create_int32(env, e.b, &args[3]) != napi_ok) {
      return;
    }
    napi_status status = napi_call_function(env, receiver, dispatch, 4, args, nullptr);
    if (status == napi_pending_exception) {
      // A listener threw: it becomes an 'uncaughtException', as it would from any other
      // event emitter, and the other calls' events still arrive.
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
    } else if (status != napi_ok) {
      return;  // Node is shutting down and runs no more JS: the events no longer matter
    }
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
  if (batchDepth > 0) {
    batchQueued = true;
    return;
  }
  wakeJsLocked();
}

void JsNotifier::wakeJsLocked() {
  auto& s = state();
  if (s.callPending || !s.open) return;
  s.callPending = true;
  s.wakeups++;
  s.tsfn.NonBlockingCall([](Napi::Env env, Napi::Function dispatch) { deliverBatch(env, dispatch); });
}

uint64_t JsNotifier::wakeups() {
  std::lock_guard<std::mutex> lock(state().mutex);
  return state().wakeups;
}

JsNotifier::Batch::Batch() { batchDepth++; }

JsNotifier::Batch::~Batch() {
  if (--batchDepth > 0 || !batchQueued) return;
  batchQueued = false;
  std::lock_guard<std::mutex> lock(state().mutex);
  wakeJsLocked();
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
