#include "events/dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "events/clock.h"

namespace rapport::events {
namespace {
std::string LockPath(const std::string& dir) { return dir + "/rapport.lock"; }
}  // namespace

std::string DirLock::DescribeHolder(const std::string& dir) {
  std::ifstream in(LockPath(dir));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Status DirLock::Acquire(const std::string& dir, const std::string& program,
                        std::unique_ptr<DirLock>* lock) {
  std::string path = LockPath(dir);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      std::string holder = DescribeHolder(dir);
      return Status::Unavailable("data directory " + dir + " is in use by " +
                                 (holder.empty() ? std::string("another process") : holder) +
                                 ": stop that process, or talk to it with --connect");
    }
    return Status::IOError("cannot lock " + path + ": " + std::strerror(err));
  }
  std::string who = "pid " + std::to_string(::getpid()) + " (" + program + ", since " +
                    FormatIso8601(SystemClock()->NowMicros() / kMicrosPerSecond *
                                  kMicrosPerSecond) +
                    ")\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, who.data(), who.size(), 0) < 0) {
    // The lock is held even if the note could not be written; carry on.
  }
  lock->reset(new DirLock(fd));
  return Status::Ok();
}

DirLock::~DirLock() {
  if (fd_ >= 0) {
    if (::ftruncate(fd_, 0) != 0) {
      // Nothing to do: the lock goes with the descriptor either way.
    }
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

}  // namespace rapport::events
