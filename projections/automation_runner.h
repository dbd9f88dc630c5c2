// AutomationRunner: the process manager that makes rules act. It reads the log, decides with
// domain/rules.h which rules fire, and runs their actions through CommandService like any
// user, as the actor "automation".
//
//  - RunEvents(now) fires Event rules for every event after its checkpoint, with the rules
//    as they were at that event's position (a rule applies from its definition on; a change
//    from the change on), then moves the checkpoint (a small file, replaced atomically).
//    Events its own actions append are read in the same run, so rules chain; a rule never
//    fires on an event its own action caused. Imported history (command ids "import-...")
//    fires nothing unless the rule says include_imports.
//  - RunTimers(now) fires time rules (DealIdle, CloseDateNear, RenewalNear, TaskOverdue,
//    TicketWaiting, LeadUncontacted) for every record whose window has opened by `now`,
//    using the projections' view at `now`.
//  - Both keep lead scores current (projections/lead_scorer.h): RunEvents rescores the
//    contacts each event concerns, RunTimers writes the day's decay once a day.
//
// Exactly once: every action's command id is derived from (rule, trigger, action index), where
// the trigger is the event's position or the record's window ("deal D-5 idle since t"), and a
// firing ends with a RuleFired event whose command id is derived from (rule, trigger) too. A
// command id the log already holds is not written again, and a firing whose RuleFired exists
// is not run again (not even its actions that wrote nothing or were refused), so a crash
// between two actions, a lost checkpoint, a second runner, or a missed window found after
// downtime (a window is one trigger however many ticks it spans) cannot fire an action twice.
// Rules that trigger each other stop after 8 firings in a row (reported as a problem).
//
// Replays, rebuilds and as-of queries never run this: only RunEvents/RunTimers act.
// Thread safety: one call at a time (rapportd runs one runner in one thread).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "domain/command_service.h"
#include "domain/rules.h"
#include "projections/engine.h"
#include "projections/lead_scorer.h"

namespace rapport::projections {

struct AutomationOptions {
  // Where the runner keeps the last position it has handled; "" keeps it in memory only
  // (tests). Without a checkpoint a runner starts at the beginning of the log, which is safe
  // (actions already run are recognised) but slower.
  std::string checkpoint_path;
  // Events read per batch.
  // Default: 1024
  size_t batch = 1024;
  // A lead's window is chased for this long after it opened; older ones are left alone so
  // that enabling a rule does not flood people with ancient leads.
  // Default: 30 days
  Micros lead_lookback = 30 * kMicrosPerDay;
  // Called after each batch with (position handled, last position).
  std::function<void(uint64_t, uint64_t)> progress;
  // The checkpoint file is rewritten at most this often (and by Flush()); 0: after every
  // batch and at the end of every RunEvents. It is never fsynced: losing it only costs
  // reading again. Default: 0 (rapportd: 1 s)
  std::chrono::milliseconds checkpoint_interval{0};
  // Asked between batches: true ends RunEvents early, at the last batch handled (rapportd's
  // shutdown during a long backlog). Default: never
  std::function<bool()> should_stop;
};

struct AutomationReport {
  uint64_t from_position = 0;     // the checkpoint the run started from
  uint64_t to_position = 0;       // the checkpoint it ended at
  uint64_t events_scanned = 0;
  uint64_t matched = 0;           // triggers whose conditions held (again on later ticks too)
  uint64_t firings = 0;           // matched triggers that ran at least one action now
  uint64_t firings_repeated = 0;  // matched triggers already handled to the end before
  uint64_t actions_run = 0;       // actions that wrote events now
  uint64_t actions_repeated = 0;  // actions found already done (restart, second runner)
  uint64_t actions_skipped = 0;   // actions with nothing to do (tag already there, ...)
  uint64_t contacts_scored = 0;   // lead scores computed (projections/lead_scorer.h)
  uint64_t scores_written = 0;    // of which changed (a LeadScored event)
  // Actions refused by the domain, one line each: "rule RUL-2 on deal D-4 (action 1,
  // CreateTask): failed_precondition: ...". The rest of that firing's chain is skipped.
  std::vector<std::string> problems;  // the first 100
  uint64_t problem_count = 0;         // all of them

  AutomationReport& operator+=(const AutomationReport& o);
};

class AutomationRunner {
 public:
  // All three must outlive the runner. `engine` serves the time triggers and the
  // least_open_deals routing; it may be null when neither is used (RunTimers then fails).
  AutomationRunner(events::EventLog* log, domain::CommandService* service, ProjectionEngine* engine,
                   AutomationOptions options = {});

  Result<AutomationReport> RunEvents(Micros now);
  Result<AutomationReport> RunTimers(Micros now);
  // Scores every contact with the current scoring model at `now` (after an import, whose
  // history scores nothing by itself). failed_precondition without a model.
  Result<AutomationReport> RecomputeScores(Micros now);

  // The last position RunEvents has handled.
  Result<uint64_t> Checkpoint();
  // Writes the checkpoint now (rapportd at shutdown).
  Status Flush();

 private:
  Status LoadCheckpoint();
  // Reads the checkpoint, the rules and the scoring model as of it (once).
  Status EnsureLoaded();
  Status SaveCheckpoint(uint64_t position, bool force);
  // Records the scores the scorer holds (projections/lead_scorer.h) and counts them in
  // `report`; on failure the report ends at the checkpoint, which has not moved past them.
  Status FlushScores(AutomationReport* report);
  // The service's directory, copied again only when it changed.
  const domain::Directory& CurrentDirectory();
  // The rule records as of `position` (all rule streams replayed up to it).
  Result<std::map<std::string, domain::RecordState>> ReadRules(uint64_t position) const;
  void IndexRules();
  Status HandleEvent(const events::EventView& e, Micros now, AutomationReport* report);
  // Runs the actions of `rule` for one firing on `subject`, unless that firing was recorded
  // done before, and then records it done (RecordFiring).
  Status Fire(const fb::RuleDefinitionT& def, const domain::Firing& firing,
              domain::RecordState subject, const nlohmann::json* event, Micros now,
              AutomationReport* report);
  Status RunActions(const fb::RuleDefinitionT& def, const domain::Firing& firing, domain::RecordState subject,
                    const nlohmann::json* event, Micros now, AutomationReport* report);
  // The record as it was at `version` of its stream.
  Result<domain::RecordState> RecordAt(const events::StreamName& stream, uint64_t version) const;
  std::map<std::string, int64_t> OpenDealsByOwner(Micros now) const;

  events::EventLog* log_;
  domain::CommandService* service_;
  ProjectionEngine* engine_;
  AutomationOptions options_;
  bool loaded_ = false;
  uint64_t checkpoint_ = 0;
  std::map<std::string, domain::RecordState> rules_;              // rule id -> record
  // An enabled event rule, its definition unpacked once per rule change (not per event).
  struct EventRule {
    std::string id;
    std::shared_ptr<const fb::RuleDefinitionT> def;
    bool needs_payload = false;  // looks at the triggering event's payload
  };
  std::multimap<std::string, EventRule> event_rules_;  // event type -> enabled event rules
  std::string mine_subject_type_, mine_subject_id_;               // what the current firing acts on
  uint64_t saved_checkpoint_ = 0;
  std::chrono::steady_clock::time_point last_save_{};
  std::unique_ptr<domain::Directory> directory_;
  uint64_t directory_generation_ = 0;
  std::map<uint64_t, int> firings_per_root_;  // the event a chain started at -> firings
  std::unique_ptr<LeadScorer> scorer_;  // null without an engine
};

}  // namespace rapport::projections
