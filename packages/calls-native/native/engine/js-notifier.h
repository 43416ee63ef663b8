// The single thread-safe function through which the engine thread tells JS that
// something happened (state change, signal bars, audio ready, input space). Events are
// queued and delivered in batches, so a burst costs one hop to the JS thread.
#pragma once

#include <napi.h>

#include <cstdint>
#include <mutex>
#include <vector>

namespace tgvoip {

enum class EventKind : int32_t {
  kStateChanged = 1,   // a = CallState, b = CallError
  kSignalBars = 2,     // a = bars
  kAudioReady = 3,     // decoded PCM is waiting in the output ring
  kInputSpace = 4,     // the input ring has room again
  kProxyError = 5,     // a = ProxyFailure
};

struct EngineEvent {
  uint32_t handle;
  EventKind kind;
  int32_t a;
  int32_t b;
};

class JsNotifier {
 public:
  // JS thread: `dispatch(handle, kind, a, b)` is called for every event.
  static void init(Napi::Env env, Napi::Function dispatch);
  // Any thread.
  static void notify(const EngineEvent& event);
  // How often the JS thread has been woken for a batch of events (process lifetime).
  static uint64_t wakeups();
  // JS thread: keep the event loop alive only while calls exist.
  static void retain(Napi::Env env);
  static void release(Napi::Env env);

  // While one exists on a thread, that thread's events are queued without waking JS; the
  // outermost one's end wakes it once for all of them. An engine tick emits one event per
  // call with audio due, and waking JS for each (it drains the queue faster than the tick
  // fills it) cost thousands of thread switches a second at 50 calls.
  class Batch {
   public:
    Batch();
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
  };

 private:
  // Callers hold the state's mutex.
  static void wakeJsLocked();
};

}  // namespace tgvoip
