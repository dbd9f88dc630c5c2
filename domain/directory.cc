#include "domain/directory.h"

namespace rapport::domain {

bool Directory::Holds(std::string_view type) {
  return type == kWorkspace || type == kUser || type == kTeam || type == kPipeline ||
         type == kProduct || type == kField || type == kToken;
}

void Directory::Put(const RecordState& r) {
  if (r.type == kWorkspace) {
    workspace_ = r;
  } else if (r.type == kUser) {
    users_[r.id] = r;
  } else if (r.type == kTeam) {
    teams_[r.id] = r;
  } else if (r.type == kPipeline) {
    pipelines_[r.id] = r;
  } else if (r.type == kProduct) {
    products_[r.id] = r;
  } else if (r.type == kField) {
    fields_[r.id] = r;
  } else if (r.type == kToken) {
    tokens_[r.id] = r;
  }
}

const RecordState* Directory::Find(const std::map<std::string, RecordState, std::less<>>& m,
                                   std::string_view id) {
  auto it = m.find(id);
  return it == m.end() || !it->second.created ? nullptr : &it->second;
}

const RecordState* Directory::record(std::string_view type, std::string_view id) const {
  if (type == kWorkspace) return workspace();
  if (type == kUser) return user(id);
  if (type == kTeam) return team(id);
  if (type == kPipeline) return pipeline(id);
  if (type == kProduct) return product(id);
  if (type == kToken) return token(id);
  if (type == kField) return Find(fields_, id);
  return nullptr;
}

const RecordState* Directory::field(std::string_view record_type, std::string_view key) const {
  return Find(fields_, std::string(record_type) + "." + std::string(key));
}

const RecordState* Directory::token_by_hash(std::string_view secret_hash) const {
  for (const auto& [id, t] : tokens_) {
    if (t.created && t.Text("secret_hash") == secret_hash) return &t;
  }
  return nullptr;
}

std::string Directory::home_currency() const { return workspace_.Text("home_currency"); }

bool Directory::Manages(std::string_view manager_id, std::string_view user_id) const {
  if (manager_id == user_id) return true;
  for (const auto& [id, team] : teams_) {
    if (team.Text("manager_id") == manager_id && team.members.count(std::string(user_id))) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> Directory::TeamsOf(std::string_view user_id) const {
  std::vector<std::string> out;
  for (const auto& [id, team] : teams_) {
    if (team.members.count(std::string(user_id))) out.push_back(id);
  }
  return out;
}

const RecordState* Directory::active_user(std::string_view id) const {
  const RecordState* u = user(id);
  return u && u->Int("active") ? u : nullptr;
}

const RecordState* Directory::product_by_code(std::string_view code) const {
  for (const auto& [id, p] : products_) {
    if (p.Text("code") == code) return &p;
  }
  return nullptr;
}

}  // namespace rapport::domain
