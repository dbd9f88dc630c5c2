// `rapport rule ...` (define, change, enable, disable, list, show, templates, install) and
// `rapport automation run|explain`: automation rules and what they did (docs/automation.md,
// docs/cli.md "Automation").
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "events/schema/commands_generated.h"
#include "events/status.h"

namespace rapport::cli {

void SetupRuleCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);
void SetupAutomationCommand(CLI::App* app, const GlobalOptions* global, int* exit_code);

// The flag syntax of `rapport rule add`, exposed for tests:
//   --if "amount >= 10000 EUR"        a condition: FIELD OP [VALUE]
//   --do "task title='Call {name}' due=1h to=owner priority=high"
//   --do "notify to=manager text='{name} is idle'"   --do "assign team=T-1 by=round_robin"
//   --do "lifecycle stage=marketing_qualified"  --do "tag add=vip"  --do "untag tag=vip"
//   --do "renewal"  --do "contact"
// invalid_argument names the flag and shows an example.
Result<std::unique_ptr<fb::RuleConditionT>> ParseCondition(const std::string& text);
Result<std::unique_ptr<fb::RuleActionT>> ParseAction(const std::string& text);
// "14d", "4h", "30m", "90" (minutes) -> minutes.
Result<int64_t> ParseMinutes(const std::string& text, const std::string& flag);
// An event type ("DealStageMoved") or a time trigger ("deal-idle", "DealIdle").
Result<std::pair<fb::RuleTrigger, std::string>> ParseTrigger(const std::string& text);

}  // namespace rapport::cli
