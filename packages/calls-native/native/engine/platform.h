// The few system calls that differ between POSIX systems (Linux, macOS, the BSDs), kept
// in one place so the rest of the engine is portable as written. (The BSDs' sin6_len is
// left zero on purpose: their kernels set it from the address-length argument.)
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace tgvoip {

// Names the calling thread (benchmarks find the engine's CPU time by it).
void nameCurrentThread(const char* name);
// A non-blocking, close-on-exec socket that never raises SIGPIPE; -1 on failure.
int openSocket(int family, int type);
// send() on a socket from openSocket(), without SIGPIPE on a closed connection.
ssize_t sendWithoutSignal(int fd, const void* data, size_t size);

}  // namespace tgvoip
