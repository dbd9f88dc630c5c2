#include "cli/display_names.h"

#include "domain/command_service.h"

namespace rapport::cli {

DisplayNames::DisplayNames(const domain::Directory& d) {
  for (const auto* records : {&d.users(), &d.teams()}) {
    for (const auto& [id, r] : *records) {
      if (!r.Text("name").empty()) names_[id] = r.Text("name");
    }
  }
}

Result<DisplayNames> DisplayNames::Load(events::EventLog* log) {
  auto service = domain::CommandService::Open(log);
  if (!service.ok()) return service.status();
  return DisplayNames((*service)->directory());
}

std::string DisplayNames::Label(std::string_view id) const {
  auto it = names_.find(id);
  return it == names_.end() ? std::string(id) : it->second + " (" + it->first + ")";
}

std::string DisplayNames::Name(std::string_view id) const {
  auto it = names_.find(id);
  return it == names_.end() ? std::string(id) : it->second;
}

bool HoldsUserId(std::string_view field) {
  return field == "owner_id" || field == "assignee_id" || field == "author_id" || field == "manager_id" ||
         field == "user_id";
}

}  // namespace rapport::cli
