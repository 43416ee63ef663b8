// Only in the portable prebuild (scripts/prebuild.mjs), which links libstdc++ statically:
// its std::random_device (never used by the addon) references arc4random, which glibc has
// only since 2.36. Defining it here keeps the prebuild loadable on glibc 2.34 and newer.
#ifdef TGVOIP_PORTABLE_PREBUILD

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

extern "C" __attribute__((visibility("hidden"))) uint32_t arc4random() {
  uint32_t value;
  for (;;) {
    ssize_t got = getrandom(&value, sizeof value, 0);
    if (got == static_cast<ssize_t>(sizeof value)) return value;
    if (got < 0 && errno != EINTR) std::abort();  // no entropy source: never return a weak value
  }
}

#endif
