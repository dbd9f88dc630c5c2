// Helpers shared by the domain tests on top of domain_harness.h: commands that build the
// usual records, reading the field-level changes an event carries, and a check that a
// refused command left every record exactly as it was.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "domain/enums.h"
#include "domain/value.h"
#include "domain_harness.h"

namespace rapport::domain::testing {

// Every record the harness holds (and the log position), for before/after comparisons.
inline std::string Snapshot(Harness& h) {
  std::string s = "position " + std::to_string(h.position()) + "\n";
  for (const auto& [key, r] : h.source().records()) {
    if (r.created) s += r.Fingerprint();
  }
  return s;
}

// REQUIRE_REFUSED, and the refusal appended nothing and changed no record.
#define REQUIRE_REFUSED_UNCHANGED(h, status_expr, expected_code, expected_text)   \
  do {                                                                          \
    const std::string before_state_ = ::rapport::domain::testing::Snapshot(h);  \
    const uint64_t before_position_ = (h).position();                           \
    REQUIRE_REFUSED(status_expr, expected_code, expected_text);                 \
    CHECK((h).position() == before_position_);                                  \
    CHECK(::rapport::domain::testing::Snapshot(h) == before_state_);            \
  } while (0)

struct Change {
  Value old_value;
  Value new_value;
};

// The field changes an event carries (any payload with a `changes` list), by field name.
template <typename T>
std::map<std::string, Change> ChangesIn(const events::EventView& e) {
  const T* p = e.payload_as<T>();
  REQUIRE(p != nullptr);
  std::map<std::string, Change> out;
  if (p->changes() != nullptr) {
    for (const auto* c : *p->changes()) {
      Change ch;
      if (c->old_value()) c->old_value()->UnPackTo(&ch.old_value);
      if (c->new_value()) c->new_value()->UnPackTo(&ch.new_value);
      out[c->field()->str()] = ch;
    }
  }
  return out;
}

// "Marie", "1200.50 EUR", "2017-06-30", "a, b", "" for null.
inline std::string Shown(const Value& v) { return FormatValue(v); }

inline int32_t Day(const std::string& iso) {
  auto d = ParseDate(iso, "date");
  REQUIRE(d.ok());
  return *d;
}

// The day the harness decides on (kNow).
inline int32_t Today() { return static_cast<int32_t>(kNow / kMicrosPerDay); }

// UpdateRecord setting fields from text (as people type them) and clearing others.
inline fb::UpdateRecordT Update(const std::string& type, const std::string& id,
                                std::vector<std::pair<std::string, std::string>> set,
                                std::vector<std::string> unset = {}) {
  fb::UpdateRecordT u;
  u.record_type = type;
  u.record_id = id;
  for (auto& [field, text] : set) u.set.push_back(Field(field, TextValue(text)));
  u.unset = std::move(unset);
  return u;
}

inline std::string MakeContact(Harness& h, const Actor& a, const std::string& first,
                               const std::string& email = "", const std::string& owner = "") {
  fb::CreateContactT c;
  c.first_name = first;
  if (!email.empty()) c.emails = {email};
  c.owner_id = owner;
  h.MustRun(a, Cmd(std::move(c)));
  return h.last_id;
}

inline std::string MakeCompany(Harness& h, const Actor& a, const std::string& name,
                               const std::string& owner = "") {
  fb::CreateCompanyT c;
  c.name = name;
  c.owner_id = owner;
  h.MustRun(a, Cmd(std::move(c)));
  return h.last_id;
}

// A deal in pl-sales, stage s1, with `amount` EUR cents.
inline std::string MakeDeal(Harness& h, const Actor& a, int64_t amount = 100000,
                            const std::string& owner = "") {
  fb::OpenDealT d;
  d.name = "Deal";
  d.pipeline_id = "pl-sales";
  d.amount = Money(amount);
  d.owner_id = owner;
  h.MustRun(a, Cmd(std::move(d)));
  return h.last_id;
}

inline std::string MakeTask(Harness& h, const Actor& a, const std::string& assignee = "") {
  fb::CreateTaskT t;
  t.title = "Call back";
  t.due_us = kNow + kMicrosPerDay;
  t.assignee_id = assignee;
  h.MustRun(a, Cmd(std::move(t)));
  return h.last_id;
}

inline std::string MakeTicket(Harness& h, const Actor& a, const std::string& contact_id,
                              const std::string& assignee = "") {
  fb::OpenTicketT t;
  t.subject = "Robot arm stuck";
  t.contact_id = contact_id;
  t.assignee_id = assignee;
  h.MustRun(a, Cmd(std::move(t)));
  return h.last_id;
}

inline std::string MakeNote(Harness& h, const Actor& a, const std::string& contact_id,
                            const std::string& author = "") {
  fb::LogNoteT n;
  n.body = "Spoke about the renewal";
  n.author_id = author;
  n.links = ContactLinks({contact_id});
  h.MustRun(a, Cmd(std::move(n)));
  return h.last_id;
}

// A second team: manager "u-mia" manages "t-south" whose member is "u-bob".
inline void AddSouthTeam(Harness& h) {
  h.AddUser("u-mia", fb::Role::Manager);
  fb::CreateTeamT t;
  t.team_id = "t-south";
  t.name = "South";
  t.manager_id = "u-mia";
  t.member_ids = {"u-bob"};
  h.MustRun(h.admin(), Cmd(std::move(t)));
}

}  // namespace rapport::domain::testing
