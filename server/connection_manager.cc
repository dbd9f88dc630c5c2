#include "server/connection_manager.h"

#include <vector>

#include "server/connection.h"

namespace rapport::server {

void ConnectionManager::Add(const std::shared_ptr<Connection>& c) {
  std::lock_guard<std::mutex> l(mu_);
  connections_.insert(c);
}

void ConnectionManager::Remove(const std::shared_ptr<Connection>& c) {
  std::lock_guard<std::mutex> l(mu_);
  connections_.erase(c);
}

size_t ConnectionManager::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return connections_.size();
}

void ConnectionManager::ForEach(const std::function<void(const std::shared_ptr<Connection>&)>& f) const {
  std::vector<std::shared_ptr<Connection>> all;
  {
    std::lock_guard<std::mutex> l(mu_);
    all.assign(connections_.begin(), connections_.end());
  }
  for (const auto& c : all) f(c);
}

void ConnectionManager::DrainAll() const {
  ForEach([](const std::shared_ptr<Connection>& c) { c->Drain(); });
}

void ConnectionManager::StopAll() const {
  ForEach([](const std::shared_ptr<Connection>& c) { c->Stop(); });
}

}  // namespace rapport::server
