// DirLock: an exclusive, advisory lock on a data directory (flock on DIR/rapport.lock).
//
// The lock file records who holds it (pid, program, since when) so that a second opener gets
// an error naming the holder. The kernel releases the lock when the holder exits, however it
// exits, so a crash never leaves a stale lock behind. Two DirLocks on the same directory
// conflict even within one process.
#pragma once

#include <memory>
#include <string>

#include "events/status.h"

namespace rapport::events {

class DirLock {
 public:
  // Takes the lock on `dir` (which must exist). On success *lock holds it until destroyed.
  // Errors: unavailable naming the holder when it is held; io_error otherwise.
  static Status Acquire(const std::string& dir, const std::string& program,
                        std::unique_ptr<DirLock>* lock);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

  // What the lock file of `dir` says about its holder ("" if none/unreadable).
  static std::string DescribeHolder(const std::string& dir);

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace rapport::events
