// LeadScorer: keeps every lead's score current with the scoring model (domain/scoring.h).
// The automation runner drives it; it appends through CommandService as "automation", so a
// score is a LeadScored event with its reasons, and a threshold can trigger rules (an Event
// rule on LeadScored with conditions on event.score and event.previous_score).
//
//  - OnEvent rescores the contacts an event concerns: the contact's own events, and the
//    emails, calls, meetings and forms linked to it (and their deletion). The score is
//    computed as of that event: behaviour up to its position, aged to its recorded_at.
//    A ScoringModelSet rescores every contact. Imported history scores nothing (run
//    `rapport score recompute` after an import).
//  - DecayPass re-ages every scored contact to the start of the current day (UTC), once a
//    day: decay is written as it happens, so the score of any past instant is the one the
//    log holds (as-of needs no arithmetic).
//  - Recompute scores every contact now.
//
// Contact events rescore only when they change something the model reads (an update of a
// field no criterion names does not). Scores carry the causation "scoring event:<position>",
// so rules and scores that keep triggering each other stop like rule chains do.
//
// Exactly once: command ids are "auto-score-<contact>-p<position>" (events),
// "-d<day>" (decay) and "-r<position>" (recompute); RecordScore writes nothing when neither
// the score nor its reasons change, or when the contact was scored from a later point.
// Company attributes ("company.industry") are read when the contact is scored: a change to
// the company shows in its contacts' scores at their next event or the next decay pass.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "domain/command_service.h"
#include "domain/scoring.h"
#include "projections/engine.h"

namespace rapport::projections {

// Errors that mean the store is in trouble (stop and keep the checkpoint), as opposed to a
// command the domain refused (reported, and the run goes on).
bool IsStoreError(const Status& s);

struct ScoringCounts {
  uint64_t contacts_scored = 0;  // scores computed
  uint64_t scores_written = 0;   // LeadScored events appended
  std::vector<std::string> problems;
};

class LeadScorer {
 public:
  // All three must outlive the scorer.
  LeadScorer(events::EventLog* log, domain::CommandService* service, ProjectionEngine* engine);

  // The model as of `position` (where the runner starts).
  Status Load(uint64_t position);
  bool has_model() const { return model_.created; }

  // Scores OnEvent computes are recorded by Flush (or once 256 are waiting), several at a
  // time: the runner flushes before it moves its checkpoint past the events they are for. A
  // contact scored twice before a flush gets the later score only.
  Status OnEvent(const events::EventView& e, Micros now, ScoringCounts* counts);
  Status Flush(ScoringCounts* counts);
  // `handled`: the last position OnEvent has seen (the runner's checkpoint). Behaviour after it
  // is left to OnEvent, which scores it as of its own time.
  Status DecayPass(Micros now, uint64_t handled, ScoringCounts* counts);
  Status Recompute(Micros now, ScoringCounts* counts);

 private:
  // Rescore all contacts in the model's view.
  // `cause` is for people ("event 12 MeetingLogged"), `causation` for the runner ("scoring
  // event:12", domain::ParseCausation), `key` ends the command ids ("p12").
  Status ScoreAll(const fb::ScoringModelT& model, Micros at, uint64_t basis, const std::string& cause,
                  const std::string& key, const std::string& causation, Micros now, ScoringCounts* counts);
  Status ScoreContact(const fb::ScoringModelT& model, const std::string& contact_id, Micros at, uint64_t basis,
                      const std::string& cause, const std::string& command_id, const std::string& causation,
                      Micros now, ScoringCounts* counts);
  // The contact's score with `model` at `at`, from the log up to `basis`.
  Result<domain::LeadScore> Compute(const domain::RecordState& contact, const fb::ScoringModelT& model, Micros at,
                                    uint64_t basis);
  Result<std::vector<domain::BehaviourFact>> Behaviours(const std::string& contact_id, Micros at, uint64_t basis,
                                                        const fb::ScoringModelT& model);

  const domain::Directory& CurrentDirectory();

  events::EventLog* log_;
  domain::CommandService* service_;
  ProjectionEngine* engine_;
  std::unique_ptr<domain::Directory> directory_;
  uint64_t directory_generation_ = 0;
  struct Pending {
    fb::CommandT command;
    Micros now = 0;
  };
  std::map<std::string, Pending> pending_;  // contact -> its score, to record
  domain::RecordState model_;   // scoring/lead as of the last event handled
  fb::ScoringModelT model_def_;  // its model, unpacked
  int64_t last_decay_day_ = -1;
};

}  // namespace rapport::projections
