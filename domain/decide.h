// Decide: the pure heart of the domain. A command, the acting user and what the records look
// like go in; the events to append (with the stream versions they expect) or a typed error
// come out. No I/O, no clock: records are read through a RecordSource, time and new ids are
// given by the caller. CommandService (command_service.h) is the caller that loads from and
// appends to the log; tests call Decide with records held in memory.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "domain/directory.h"
#include "domain/record_state.h"
#include "events/event_log.h"
#include "events/schema/commands_generated.h"

namespace rapport::domain {

// Who is acting. Built by the caller from its session, never from a command's payload.
struct Actor {
  std::string id;                     // user id, or "system"
  fb::Role role = fb::Role::Unspecified;
  bool system = false;                // rapport itself (bootstrap, automation): may do anything

  static Actor System() { return Actor{"system", fb::Role::Admin, true}; }
};

// The reserved actor id of rapport itself.
inline constexpr std::string_view kSystemActor = "system";

// What a decision may read.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // The record's current state, or nullptr if it was never created. Errors are I/O or
  // corruption from the store.
  virtual Result<const RecordState*> Load(std::string_view type, std::string_view id) = 0;
  // A new, unused id for a record of `type` ("C-17"); used when a create names none.
  virtual std::string NewId(std::string_view type) = 0;
  // Users, teams, pipelines, products, custom fields and the workspace.
  virtual const Directory& directory() = 0;
};

struct DecideContext {
  Micros now = 0;          // the decision's "now"
  Micros occurred_at = 0;  // business time of the events it makes (usually == now)
};

// What a command decided: events per stream, each with the version it expects the stream to
// have, and the record the command was mainly about.
struct Decision {
  std::vector<events::StreamWrite> writes;
  std::string record_type;
  std::string record_id;
  // The user gave an expected version: a conflict must be reported, not retried.
  bool explicit_version = false;
};

// Decides `command` for `actor`. Errors: invalid_argument naming the field, not_found,
// already_exists, conflict (an explicit expected version did not match), failed_precondition
// ("deal D-12 is already won: reopen it before moving its stage"), permission_denied.
Result<Decision> Decide(const Actor& actor, const fb::CommandT& command, const DecideContext& ctx,
                        RecordSource* source);

}  // namespace rapport::domain
