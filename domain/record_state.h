// RecordState: what the domain knows about one record, rebuilt by replaying its stream.
//
// Every record keeps its current field values by name (the same names field-level changes
// use: "title", "owner_id", "custom.segment"), plus a few typed parts that rules need
// (pipeline stages, team members, deal lines, exchange rates). Apply() is the one place that
// says how each event changes a record; replaying a stream from scratch and applying events
// one by one as they are appended give the same state.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/money.h"
#include "domain/value.h"
#include "events/event.h"
#include "events/schema/payloads_generated.h"

namespace rapport::domain {

// Record types: the stream types of the domain.
inline constexpr std::string_view kWorkspace = "workspace";
inline constexpr std::string_view kUser = "user";
inline constexpr std::string_view kTeam = "team";
inline constexpr std::string_view kCompany = "company";
inline constexpr std::string_view kContact = "contact";
inline constexpr std::string_view kField = "field";
inline constexpr std::string_view kProduct = "product";
inline constexpr std::string_view kPipeline = "pipeline";
inline constexpr std::string_view kDeal = "deal";
inline constexpr std::string_view kContract = "contract";
inline constexpr std::string_view kActivity = "activity";
inline constexpr std::string_view kTask = "task";
inline constexpr std::string_view kTicket = "ticket";
inline constexpr std::string_view kToken = "token";
// Automation: "rule" and "notification" (domain/rules.h).

// The single workspace record's id.
inline constexpr std::string_view kWorkspaceId = "main";

struct StageState {
  std::string id;
  std::string name;
  int probability = 0;
  friend bool operator==(const StageState&, const StageState&) = default;
};

struct RecordState {
  std::string type;
  std::string id;
  uint64_t version = 0;    // events applied: the stream's version
  bool created = false;
  bool deleted = false;
  std::string merged_into;  // the survivor, once merged into another record
  Micros created_at_us = 0;  // occurred_at of the creating event
  uint64_t created_position = 0;  // log position of the creating event
  Micros updated_at_us = 0;  // occurred_at of the latest event
  std::string created_by;    // actor of the creating event

  std::map<std::string, Value> fields;

  std::vector<StageState> stages;  // pipeline: open stages in order
  std::set<std::string> members;   // team: member user ids
  std::vector<fb::DealLineT> lines;  // deal: product lines
  ExchangeRates rates;             // workspace: dated exchange rates
  // rule: its RuleDefinition, packed (RuleDefinitionOf reads it); scoring: its ScoringModel
  // (ScoringModelOf).
  std::string packed_definition;
  // contact: what its last LeadScored was computed from (RecordScore refuses to go back) and
  // its reasons as "criterion:source_position;..." (an unchanged score writes nothing).
  uint64_t score_basis = 0;
  Micros score_computed_at = 0;
  std::string score_reasons;

  // True for a record that exists and may be written to.
  bool live() const { return created && !deleted && merged_into.empty(); }

  // The field's value, or a null value when it has none.
  const Value& Get(std::string_view field) const;
  // Text of a text/choice/ref field ("" when absent).
  const std::string& Text(std::string_view field) const;
  // int_value of a number/money/date/bool/instant field (0 when absent).
  int64_t Int(std::string_view field) const;
  const std::vector<std::string>& List(std::string_view field) const;

  // Sets a field; a null or empty value removes it.
  void Set(const std::string& field, Value v);

  const StageState* Stage(std::string_view stage_id) const;

  // "deal D-12" for messages.
  std::string Name() const { return type + " " + id; }

  // Stable serialisation of everything above, for comparing replays in tests.
  std::string Fingerprint() const;
};

// Applies `e`, an event of this record's stream, to `state`. The event's version must be
// state->version + 1; the first event must create the record. corruption otherwise (a log
// the domain cannot make sense of). Unknown event types advance the version and change
// nothing else.
Status Apply(const events::EventView& e, RecordState* state);

}  // namespace rapport::domain
