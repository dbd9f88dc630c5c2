// ConnectionManager: the open connections, so the server can count them, tell them the log
// grew, drain them on shutdown, and close what is left. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <set>

namespace rapport::server {

class Connection;

class ConnectionManager {
 public:
  void Add(const std::shared_ptr<Connection>& c);
  void Remove(const std::shared_ptr<Connection>& c);
  size_t size() const;
  // Calls f on each connection open now (outside the manager's lock).
  void ForEach(const std::function<void(const std::shared_ptr<Connection>&)>& f) const;
  void DrainAll() const;
  void StopAll() const;

 private:
  mutable std::mutex mu_;
  std::set<std::shared_ptr<Connection>> connections_;  // GUARDED_BY(mu_)
};

}  // namespace rapport::server
