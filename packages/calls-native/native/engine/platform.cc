#include "engine/platform.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tgvoip {

void nameCurrentThread(const char* name) {
#if defined(__APPLE__)
  pthread_setname_np(name);
#else
  pthread_setname_np(pthread_self(), name);
#endif
}

int openSocket(int family, int type) {
  // SOCK_NONBLOCK and SOCK_CLOEXEC are not everywhere; fcntl() is.
  int fd = socket(family, type, 0);
  if (fd < 0) return -1;
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
    close(fd);
    return -1;
  }
#if defined(SO_NOSIGPIPE)
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
#endif
  return fd;
}

ssize_t sendWithoutSignal(int fd, const void* data, size_t size) {
#if defined(MSG_NOSIGNAL)
  return send(fd, data, size, MSG_NOSIGNAL);
#else
  return send(fd, data, size, 0);  // SO_NOSIGPIPE, set by openSocket()
#endif
}

}  // namespace tgvoip
