// Rules: what an automation rule is and what it does when it fires, decided without I/O.
//
//  - CheckRuleDefinition validates a definition (every field named on error).
//  - ConditionsHold evaluates its conditions against the record the trigger is about and,
//    for event triggers, the triggering event's payload.
//  - PlanAction turns one of its actions into the command automation runs, with the
//    command id derived from (rule, trigger, action) so that running it twice, after a
//    crash or by a second worker, writes it once (CommandService refuses repeated ids).
//  - RuleTemplates are the built-in rules from everyday practice.
//
// The runner that reads the log and runs the planned commands is
// projections/automation_runner.h; docs/automation.md has the semantics.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/decide.h"
#include "domain/directory.h"
#include "domain/record_state.h"
#include "events/schema/commands_generated.h"

namespace rapport::domain {

inline constexpr std::string_view kRule = "rule";
inline constexpr std::string_view kNotification = "notification";
inline constexpr std::string_view kFiring = "firing";
// The actor of every command automation runs.
inline constexpr std::string_view kAutomationActor = "automation";

// The actor of every command automation runs: kAutomationActor, an admin, rapport itself.
const Actor& AutomationActor();

// The definition a rule record holds now (empty for a record that is not a rule).
fb::RuleDefinitionT RuleDefinitionOf(const RecordState& rule);
bool RuleEnabled(const RecordState& rule);

// Time triggers are evaluated by the scheduler; Event triggers by the log follower.
bool IsTimeTrigger(fb::RuleTrigger t);
std::string RuleTriggerName(fb::RuleTrigger t);
std::string RuleActionKindName(fb::RuleActionKind k);

// The record type an event type is about ("DealStageMoved" -> "deal", "FormSubmitted" ->
// "activity"), "" for types automation does not watch.
std::string RecordTypeOfEvent(std::string_view event_type);
// The record type a definition applies to: given, or derived from its trigger.
std::string RuleRecordType(const fb::RuleDefinitionT& d);

// Validates one `field op value` condition; errors name the field as `at` + "field" etc.
Status CheckCondition(const std::string& field, const std::string& op, const std::string& value,
                      const std::string& at);

// Validates `d` (trigger, conditions, actions and their users and teams in `dir`).
// invalid_argument names the field: "actions[2].team_id: team T-9 does not exist".
Status CheckRuleDefinition(const fb::RuleDefinitionT& d, const Directory& dir);

// What a condition may look at.
struct TriggerFacts {
  const RecordState* record = nullptr;        // the record the trigger is about
  const nlohmann::json* event = nullptr;      // the triggering event's payload (event triggers)
  std::string home_currency;
  // Money in another currency than the condition's converts through these (nullptr: it
  // never compares equal).
  const ExchangeRates* rates = nullptr;
  int32_t day = 0;  // the day whose rates apply (the trigger's)
};
// True when every condition holds. A condition on a field the record does not have holds
// only for `empty` and `!=`. Money in two currencies compares in the home currency at the
// day's rates (unequal when a rate is missing).
bool ConditionsHold(const fb::RuleDefinitionT& d, const TriggerFacts& facts);
bool ConditionHolds(const fb::RuleConditionT& c, const TriggerFacts& facts);

// One firing of a rule: which rule, why, and when.
struct Firing {
  std::string rule_id;
  std::string rule_name;
  // Unique per firing of this rule: "p1234" (the triggering event's position) for event
  // triggers, "deal-D-5-idle-1772442000000000" (record and window start, µs) for time triggers.
  std::string trigger_key;
  uint64_t trigger_position = 0;  // the triggering event (0 for time triggers)
  std::string correlation_id;     // of the triggering event, carried on
  Micros at = 0;                  // the moment it fired: base of due dates
};

// Looks up other records (a contract's deal, a task's deal) while planning; nullptr if absent.
using RecordLookup = std::function<const RecordState*(std::string_view type, std::string_view id)>;

// The command action `index` of a rule runs for `firing` on `subject` (the record as it is
// now), or nullopt when the action does not apply to it (AddTag on a task, a tag already
// there, a lifecycle already set). Errors: failed_precondition saying why it cannot run
// ("no owner to assign the task to"). `open_deals` (user -> count) serves least_open_deals.
struct PlanInput {
  const fb::RuleDefinitionT* rule = nullptr;
  size_t index = 0;
  const Firing* firing = nullptr;
  const RecordState* subject = nullptr;
  const nlohmann::json* event = nullptr;  // event triggers: the payload
  const Directory* dir = nullptr;
  RecordLookup lookup;
  std::map<std::string, int64_t> open_deals;
};
Result<std::optional<fb::CommandT>> PlanAction(const PlanInput& in);

// The command id of action `index` of a firing, and of the RecordFiring that closes it.
std::string ActionCommandId(const Firing& f, size_t index);
std::string FiringCommandId(const Firing& f);

// The email a FormSubmitted payload gives: its `email`, else a form field "email".
std::string FormEmail(const nlohmann::json* event);
// A form field of a FormSubmitted payload by key (without regard to case), trimmed.
std::string FormField(const nlohmann::json* event, std::string_view key);
// The causation an automatic command carries: "rule:RUL-1 event:1234" or
// "rule:RUL-1 time:deal-D-5-idle-1772442000000000"; ParseCausation reads it back.
std::string AutomationCausation(const Firing& f);
// Lead scores carry "scoring event:1234" or "scoring time:decay-2026-03-01" (rule_id empty,
// scoring true).
struct AutomationCause {
  std::string rule_id;
  bool scoring = false;
  uint64_t event_position = 0;
  std::string time_key;
};
std::optional<AutomationCause> ParseCausation(std::string_view causation_id);

// The built-in templates: name, what it does, and the definition (parameters filled in:
// `team_id` routes and owns, `amount` is a floor like "25000 EUR", `score` a threshold).
struct RuleTemplateInfo {
  std::string name;
  std::string summary;
};
std::vector<RuleTemplateInfo> RuleTemplates();
struct TemplateParams {
  std::string team_id;
  std::string amount;     // amount floor, "25000 EUR" (defaults per template)
  std::string days;       // override of the template's wait
  std::string score;      // qualified-lead: the score threshold (default 70)
};
Result<fb::RuleDefinitionT> RuleTemplate(std::string_view name, const TemplateParams& p,
                                         const Directory& dir);
// qualified-lead's threshold: `p.score`, 70 when empty; "score: ..." when not 1..1000.
Result<int64_t> ScoreThreshold(const TemplateParams& p);

}  // namespace rapport::domain
