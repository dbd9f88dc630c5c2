// Lead scoring: what a scoring model is and what score it gives a lead, decided without I/O.
//
// A model (the record scoring/lead, set by admins with SetScoringModel) is a list of
// criteria: points for attributes of the contact or its company, and points for each time
// the lead does something (submits a form, meets us, writes to us, replies within N days,
// calls us). Behaviour points decay: they halve every half_life_days, and behaviour older
// than max_age_days counts nothing. A score is the points summed, rounded to the nearest
// whole number, and kept within 0..cap.
//
// ComputeScore is pure: the model, the contact, its company, what it did, and the instant to
// age behaviour to. Automation (projections/lead_scorer.h) gathers those from the log and
// records the result with RecordScore, which writes a LeadScored event with the reasons
// when the score or its reasons changed. docs/automation.md has the semantics.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/directory.h"
#include "domain/record_state.h"
#include "events/event.h"
#include "events/schema/commands_generated.h"
#include "events/schema/payloads_generated.h"

namespace rapport::domain {

inline constexpr std::string_view kScoring = "scoring";
// The model's record id: one lead score per workspace.
inline constexpr std::string_view kLeadModel = "lead";

// The model a scoring record holds (empty for a record that is not one).
fb::ScoringModelT ScoringModelOf(const RecordState& model);

// Effective values of the model's optional settings.
int32_t ScoreCap(const fb::ScoringModelT& m);            // 0 -> 100
int32_t ScoreMaxAgeDays(const fb::ScoringModelT& m);     // 0 -> 365
int32_t ReplyWindowDays(const fb::ScoringCriterionT& c);  // 0 -> 3
int32_t MaxCount(const fb::ScoringCriterionT& c);         // 0 -> 10

std::string ScoreBehaviourName(fb::ScoreBehaviour b);
// "meeting", "Meeting", "inbound_email", "InboundEmail", ... -> the behaviour.
std::optional<fb::ScoreBehaviour> ParseScoreBehaviour(std::string_view name);

// Validates a model; invalid_argument names the field ("criteria[2].points: ...").
Status CheckScoringModel(const fb::ScoringModelT& m);

// One thing the lead did. An InboundEmail that came `reply_after` after the last email we
// sent them also counts for EmailReply criteria whose window it is within.
struct BehaviourFact {
  fb::ScoreBehaviour kind = fb::ScoreBehaviour::Unspecified;  // not EmailReply (see above)
  uint64_t position = 0;  // the event that logged it
  Micros occurred = 0;
  Micros reply_after = -1;  // InboundEmail: time since our last email to them (-1: none before)
};

// The share of its points a behaviour keeps after `age`: 0.5^(age / half_life_days), 1 when
// the model does not decay (half_life_days 0) or the age is not positive.
double DecayFactor(int32_t half_life_days, Micros age);

struct ScoreInput {
  const fb::ScoringModelT* model = nullptr;
  const RecordState* contact = nullptr;
  const RecordState* company = nullptr;  // the contact's company (criteria on "company.<field>")
  std::vector<BehaviourFact> behaviours;  // any order; those after `at` do not count yet
  Micros at = 0;                          // the instant behaviour is aged to
  // Money attributes in another currency compare through these (see TriggerFacts).
  std::string home_currency;
  const ExchangeRates* rates = nullptr;
};

struct LeadScore {
  int32_t score = 0;
  // Attributes first, then behaviour newest first, each in the model's order.
  std::vector<std::unique_ptr<fb::ScoreContributionT>> reasons;
};
LeadScore ComputeScore(const ScoreInput& in);

// The key RecordScore compares reasons by: criterion, source, base points and label of each
// (points that only decayed make no change; a model edit that renames or reprices does).
std::string ReasonsKey(const std::vector<std::unique_ptr<fb::ScoreContributionT>>& reasons);
std::string ReasonsKey(const flatbuffers::Vector<flatbuffers::Offset<fb::ScoreContribution>>* reasons);

// True when `contact` holds a score computed from a later point than (basis, at): a later
// log position, or the same one aged to a later instant. RecordScore writes nothing then.
bool ScoredLater(const RecordState& contact, uint64_t basis, Micros at);

// Whether an event on a contact's stream can change its score under `model` (an update of
// fields no criterion names cannot).
bool ConcernsModel(const events::EventView& e, const fb::ScoringModelT& model);

// The band a score falls in for the conversion report: five equal bands of the cap,
// "0-19", "20-39", ..., "80-100" for a cap of 100.
struct ScoreBand {
  int32_t low = 0, high = 0;
  std::string Label() const { return std::to_string(low) + "-" + std::to_string(high); }
};
std::vector<ScoreBand> ScoreBands(int32_t cap);
size_t BandOf(int32_t score, int32_t cap);

// A starting model from everyday B2B practice (what `rapport score model template` prints).
fb::ScoringModelT StarterScoringModel();

}  // namespace rapport::domain
