#include "cli/automation_command.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>

#include "cli/record_command.h"
#include "cli/session.h"
#include "cli/table.h"
#include "cli/view_context.h"
#include "domain/enums.h"
#include "domain/rules.h"
#include "domain/scoring.h"
#include "domain/text.h"
#include "projections/automation_runner.h"

namespace rapport::cli {
namespace {

using Json = projections::Json;

// Splits "task title='Call {name}' due=1h" into words, honouring single and double quotes.
Result<std::vector<std::string>> Words(const std::string& text, const std::string& flag) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) return Status::InvalidArgument(flag + ": a quote is not closed in \"" + text + "\"");
  if (in_word) out.push_back(cur);
  return out;
}

std::string Kebab(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out += '-';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::string Duration(int64_t minutes) {
  if (minutes == 0) return "";
  if (minutes % (24 * 60) == 0) return std::to_string(minutes / (24 * 60)) + "d";
  if (minutes % 60 == 0) return std::to_string(minutes / 60) + "h";
  return std::to_string(minutes) + "m";
}

const char* const kDoExample =
    "e.g. --do \"task title='Call {name}' due=1h to=owner\", \"notify to=manager text='...'\", "
    "\"assign team=T-1 by=round_robin\", \"lifecycle stage=lead\", \"tag add=vip\", \"untag tag=vip\", "
    "\"renewal\", \"contact\"";

}  // namespace

Result<int64_t> ParseMinutes(const std::string& text, const std::string& flag) {
  std::string t = domain::Trim(text);
  if (t.empty()) return Status::InvalidArgument(flag + ": give a duration such as 30m, 4h or 14d");
  int64_t unit = 1;
  char last = t.back();
  if (last == 'm' || last == 'h' || last == 'd' || last == 'w') {
    unit = last == 'm' ? 1 : last == 'h' ? 60 : last == 'd' ? 24 * 60 : 7 * 24 * 60;
    t.pop_back();
  }
  char* end = nullptr;
  long long n = std::strtoll(t.c_str(), &end, 10);
  if (t.empty() || end == t.c_str() || *end != '\0' || n < 0 || n > 10LL * 366 * 24 * 60) {
    return Status::InvalidArgument(flag + ": \"" + text + "\" is not a duration such as 30m, 4h, 14d or 2w");
  }
  return static_cast<int64_t>(n) * unit;
}

Result<std::pair<fb::RuleTrigger, std::string>> ParseTrigger(const std::string& text) {
  for (fb::RuleTrigger t : fb::EnumValuesRuleTrigger()) {
    if (!domain::IsTimeTrigger(t)) continue;
    std::string name = domain::RuleTriggerName(t);
    if (text == name || text == Kebab(name)) return std::make_pair(t, std::string());
  }
  bool known = false;
  for (fb::Payload p : fb::EnumValuesPayload()) known |= p != fb::Payload::NONE && text == fb::EnumNamePayload(p);
  if (!known || domain::RecordTypeOfEvent(text).empty()) {
    return Status::InvalidArgument(
        "--trigger: \"" + text +
        "\" is neither an event type about a record (e.g. DealStageMoved, FormSubmitted, TicketOpened) nor one of "
        "deal-idle, close-date-near, renewal-near, task-overdue, ticket-waiting, lead-uncontacted");
  }
  return std::make_pair(fb::RuleTrigger::Event, text);
}

Result<std::unique_ptr<fb::RuleConditionT>> ParseCondition(const std::string& text) {
  auto words = Words(text, "--if");
  if (!words.ok()) return words.status();
  if (words->size() < 2) {
    return Status::InvalidArgument("--if: \"" + text + "\" is not FIELD OP [VALUE], e.g. --if \"amount >= 10000 EUR\"");
  }
  auto c = std::make_unique<fb::RuleConditionT>();
  c->field = (*words)[0];
  c->op = (*words)[1];
  for (size_t i = 2; i < words->size(); ++i) c->value += (i > 2 ? " " : "") + (*words)[i];
  return c;
}

Result<std::unique_ptr<fb::RuleActionT>> ParseAction(const std::string& text) {
  auto words = Words(text, "--do");
  if (!words.ok()) return words.status();
  if (words->empty()) return Status::InvalidArgument(std::string("--do: say what to do, ") + kDoExample);
  auto a = std::make_unique<fb::RuleActionT>();
  const std::string& kind = (*words)[0];
  static const std::map<std::string, fb::RuleActionKind> kinds = {
      {"task", fb::RuleActionKind::CreateTask},        {"notify", fb::RuleActionKind::Notify},
      {"assign", fb::RuleActionKind::AssignOwner},     {"lifecycle", fb::RuleActionKind::SetLifecycle},
      {"tag", fb::RuleActionKind::AddTag},             {"untag", fb::RuleActionKind::RemoveTag},
      {"renewal", fb::RuleActionKind::OpenRenewalDeal}, {"contact", fb::RuleActionKind::CreateContact}};
  auto k = kinds.find(kind);
  if (k == kinds.end()) {
    return Status::InvalidArgument("--do: \"" + kind + "\" is not an action; " + kDoExample);
  }
  a->kind = k->second;
  if (a->kind == fb::RuleActionKind::AssignOwner) a->routing = "round_robin";
  for (size_t i = 1; i < words->size(); ++i) {
    const std::string& w = (*words)[i];
    size_t eq = w.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--do: \"" + w + "\" in \"" + text + "\" is not KEY=VALUE; " + kDoExample);
    }
    std::string key = w.substr(0, eq), value = w.substr(eq + 1);
    if (key == "title" || key == "text") {
      a->text = value;
    } else if (key == "due") {
      auto m = ParseMinutes(value, "--do due");
      if (!m.ok()) return m.status();
      a->due_minutes = *m;
    } else if (key == "to") {
      a->assignee = value;
    } else if (key == "priority") {
      auto p = domain::ParsePriority(value);
      if (!p) return Status::InvalidArgument("--do priority: one of " + domain::PriorityNames());
      a->priority = *p;
    } else if (key == "team") {
      a->team_id = value;
    } else if (key == "by") {
      a->routing = value;
    } else if (key == "stage") {
      auto l = domain::ParseLifecycle(value);
      if (!l) return Status::InvalidArgument("--do stage: one of " + domain::LifecycleNames());
      a->lifecycle = *l;
    } else if (key == "add" || key == "tag") {
      a->tag = value;
    } else {
      return Status::InvalidArgument("--do: unknown key \"" + key +
                                     "\" (title, due, to, priority, team, by, stage, tag); " + kDoExample);
    }
  }
  return a;
}

namespace {

struct RuleArgs {
  std::string id, name, description, trigger, wait, reason, template_name, team, amount, days, score;
  std::vector<std::string> conditions, actions;
  bool disabled = false, imports = false, no_imports = false;
  TimeTravel tt;
};

// Fills `d` from the flags given (a change keeps what is not given).
Status ApplyFlags(CLI::App* cmd, const RuleArgs& a, fb::RuleDefinitionT* d) {
  if (cmd->count("--name")) d->name = a.name;
  if (cmd->count("--description")) d->description = a.description;
  if (cmd->count("--trigger")) {
    auto t = ParseTrigger(a.trigger);
    if (!t.ok()) return t.status();
    d->trigger = t->first;
    d->event_type = t->second;
    d->record_type.clear();
    if (d->trigger == fb::RuleTrigger::Event) d->wait_minutes = 0;
  }
  if (cmd->count("--wait")) {
    auto m = ParseMinutes(a.wait, "--wait");
    if (!m.ok()) return m.status();
    d->wait_minutes = *m;
  }
  if (cmd->count("--if")) {
    d->conditions.clear();
    for (const auto& c : a.conditions) {
      auto p = ParseCondition(c);
      if (!p.ok()) return p.status();
      d->conditions.push_back(std::move(*p));
    }
  }
  if (cmd->count("--do")) {
    d->actions.clear();
    for (const auto& c : a.actions) {
      auto p = ParseAction(c);
      if (!p.ok()) return p.status();
      d->actions.push_back(std::move(*p));
    }
  }
  if (a.imports) d->include_imports = true;
  if (a.no_imports) d->include_imports = false;
  return Status::Ok();
}

std::string ConditionText(const Json& c) {
  std::string s = c.value("field", "") + " " + c.value("op", "");
  if (!c.value("value", "").empty()) s += " " + c.value("value", "");
  return s;
}

std::string ActionText(const Json& a, const DisplayNames& names) {
  std::string kind = a.value("kind", "");
  std::string s = kind;
  if (a.contains("text")) s += " \"" + a["text"].get<std::string>() + "\"";
  if (a.contains("assignee")) s += " to " + names.Label(a["assignee"].get<std::string>());
  if (kind == "CreateTask" && a.value("due_minutes", 0) > 0) s += " due +" + Duration(a.value("due_minutes", 0));
  if (a.contains("routing")) s += " by " + a["routing"].get<std::string>();
  if (a.contains("team_id")) s += " in " + names.Label(a["team_id"].get<std::string>());
  if (a.contains("lifecycle")) s += " " + a["lifecycle"].get<std::string>();
  if (a.contains("tag")) s += " " + a["tag"].get<std::string>();
  if (a.contains("priority")) s += ", " + a["priority"].get<std::string>() + " priority";
  return s;
}

std::string TriggerText(const Json& r) {
  std::string t = r.value("trigger", "");
  if (t == "Event") return "on " + r.value("event_type", "");
  return Kebab(t) + " " + Duration(r.value("wait_minutes", 0));
}

void PrintRule(const Json& r, const DisplayNames& names) {
  std::cout << r.value("rule_id", "") << "  " << r.value("name", "") << "  ("
            << (r.value("enabled", false) ? "enabled" : "disabled") << ")\n";
  if (!r.value("description", "").empty()) std::cout << "  " << r.value("description", "") << "\n";
  std::cout << "  when:    " << TriggerText(r) << " (" << r.value("record_type", "") << ")"
            << (r.value("include_imports", false) ? ", imports included" : "") << "\n";
  for (const auto& c : r["conditions"]) std::cout << "  if:      " << ConditionText(c) << "\n";
  size_t i = 0;
  for (const auto& a : r["actions"]) std::cout << "  do " << ++i << ":    " << ActionText(a, names) << "\n";
  std::cout << "  defined: " << r.value("defined_at", "") << " by " << names.Label(r.value("defined_by", ""));
  if (!r.value("template", "").empty()) std::cout << " from template " << r.value("template", "");
  std::cout << "; version " << r.value("version", 0) << ", last changed " << r.value("changed_at", "") << "\n";
  if (r.contains("disabled_reason")) std::cout << "  disabled because: " << r.value("disabled_reason", "") << "\n";
}

int ExecuteRule(const GlobalOptions& g, fb::CommandT cmd, const std::string& verb, const std::string& command) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  auto r = session->Execute(std::move(cmd));
  if (!r.ok()) return ReportError(g, r.status().WithContext(command));
  if (g.json) {
    std::cout << Json{{"rule_id", r->record_id}, {"version", r->version}, {"changed", r->first_position != 0}}.dump()
              << std::endl;
  } else if (r->first_position == 0) {
    std::cout << "rule " << r->record_id << ": nothing changed\n";
  } else {
    std::cout << "rule " << r->record_id << " " << verb << " (version " << r->version << ")\n";
  }
  return kExitOk;
}

int RunAdd(CLI::App* cmd, const GlobalOptions& g, const RuleArgs& a) {
  fb::RuleDefinitionT d;
  Status s = ApplyFlags(cmd, a, &d);
  if (!s.ok()) return ReportError(g, s);
  fb::DefineRuleT c;
  c.rule_id = a.id;
  c.definition = std::make_unique<fb::RuleDefinitionT>(std::move(d));
  c.disabled = a.disabled;
  fb::CommandT command;
  command.body.Set(std::move(c));
  return ExecuteRule(g, std::move(command), "defined", "rule add");
}

int RunChange(CLI::App* cmd, const GlobalOptions& g, const RuleArgs& a) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  auto current = session->Get(domain::kRule, a.id);
  if (!current.ok()) return ReportError(g, current.status().WithContext("rule change"));
  fb::RuleDefinitionT d = domain::RuleDefinitionOf(*current);
  s = ApplyFlags(cmd, a, &d);
  if (!s.ok()) return ReportError(g, s);
  fb::ChangeRuleT c;
  c.rule_id = a.id;
  c.definition = std::make_unique<fb::RuleDefinitionT>(std::move(d));
  fb::CommandT command;
  command.body.Set(std::move(c));
  session.reset();
  return ExecuteRule(g, std::move(command), "changed", "rule change");
}

int RunList(const GlobalOptions& g, const RuleArgs& a, bool one) {
  projections::Query q;
  q.kind = "rules";
  Status s = SetView(a.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  DisplayNames names;
  auto answer = QueryView(g, q, g.json ? nullptr : &names);
  if (!answer.ok()) return ReportError(g, answer.status());
  if (one) {
    for (const auto& r : (*answer)["rules"]) {
      if (r.value("rule_id", "") != a.id) continue;
      if (g.json) {
        PrintJson(r);
      } else {
        PrintRule(r, names);
      }
      return kExitOk;
    }
    return ReportError(g, Status::NotFound("rule " + a.id + " does not exist" +
                                           (q.view.is_now() ? "" : " in that view") + ": see `rapport rule list`"));
  }
  if (g.json) {
    PrintJson(*answer);
    return kExitOk;
  }
  projections::AsOf at;
  s = ReadAnswer(*answer, "view", &at);
  if (!s.ok()) return ReportError(g, s);
  if (!ViewHeading(at).empty()) std::cout << "Rules " << ViewHeading(at) << "\n\n";
  Table t({{"ID"}, {"NAME", Table::Align::kLeft, 40}, {"STATE"}, {"WHEN"}, {"IF", Table::Align::kLeft, 36},
           {"DO", Table::Align::kLeft, 48}});
  for (const auto& r : (*answer)["rules"]) {
    std::string conditions, actions;
    for (const auto& c : r["conditions"]) conditions += (conditions.empty() ? "" : "; ") + ConditionText(c);
    for (const auto& x : r["actions"]) actions += (actions.empty() ? "" : "; ") + ActionText(x, names);
    t.AddRow({r.value("rule_id", ""), r.value("name", ""), r.value("enabled", false) ? "enabled" : "disabled",
              TriggerText(r), conditions, actions});
  }
  if (t.rows() == 0) {
    std::cout << "No rules" << (at.is_now() ? "" : " then")
              << ". Add one with `rapport rule add` or install a template: `rapport rule templates`.\n";
  } else {
    t.Print(std::cout);
  }
  return kExitOk;
}

int RunToggle(const GlobalOptions& g, const RuleArgs& a, bool enable) {
  fb::CommandT command;
  if (enable) {
    fb::EnableRuleT e;
    e.rule_id = a.id;
    command.body.Set(std::move(e));
  } else {
    fb::DisableRuleT d;
    d.rule_id = a.id;
    d.reason = a.reason;
    command.body.Set(std::move(d));
  }
  return ExecuteRule(g, std::move(command), enable ? "enabled" : "disabled", enable ? "rule enable" : "rule disable");
}

int RunTemplates(const GlobalOptions& g) {
  if (g.json) {
    Json arr = Json::array();
    for (const auto& t : domain::RuleTemplates()) arr.push_back({{"name", t.name}, {"summary", t.summary}});
    PrintJson(Json{{"templates", arr}});
    return kExitOk;
  }
  Table t({{"TEMPLATE"}, {"WHAT IT DOES", Table::Align::kLeft, 100}});
  for (const auto& x : domain::RuleTemplates()) t.AddRow({x.name, x.summary});
  t.Print(std::cout);
  std::cout << "\nInstall one with `rapport rule install NAME [--team T-1] [--amount '25000 EUR'] [--days N] [--score N]`.\n";
  return kExitOk;
}

int RunInstall(const GlobalOptions& g, const RuleArgs& a) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  domain::TemplateParams p;
  p.team_id = a.team;
  p.amount = a.amount;
  p.days = a.days;
  p.score = a.score;
  auto d = domain::RuleTemplate(a.template_name, p, session->directory());
  if (!d.ok()) {
    Status e = d.status();
    for (auto [arg, flag] : {std::pair{"team_id:", "--team:"}, {"amount:", "--amount:"}, {"days:", "--days:"}, {"score:", "--score:"}}) {
      if (e.message().rfind(arg, 0) == 0) e = Status(e.code(), flag + e.message().substr(std::string(arg).size()));
    }
    return ReportError(g, e);
  }
  if (a.template_name == "qualified-lead") {
    // A threshold above the model's cap could never be crossed.
    auto model = session->Get(domain::kScoring, domain::kLeadModel);
    int64_t threshold = *domain::ScoreThreshold(p);  // valid: the template was built with it
    if (model.ok()) {
      int32_t cap = domain::ScoreCap(domain::ScoringModelOf(*model));
      if (threshold > cap) {
        return ReportError(g, Status::InvalidArgument("--score: " + std::to_string(threshold) +
                                                      " is above the scoring model's cap of " + std::to_string(cap) +
                                                      ": the rule could never fire"));
      }
    } else if (model.status().code() == StatusCode::kNotFound) {
      std::cerr << "rapport: note: there is no scoring model yet: the rule acts once one is set "
                   "(`rapport score model set`)\n";
    }
  }
  fb::DefineRuleT c;
  c.rule_id = a.id;
  c.definition = std::make_unique<fb::RuleDefinitionT>(std::move(*d));
  c.disabled = a.disabled;
  c.template_ = a.template_name;
  fb::CommandT command;
  command.body.Set(std::move(c));
  session.reset();
  return ExecuteRule(g, std::move(command), "installed from template " + a.template_name, "rule install");
}

struct RunArgs {
  std::string until, only;
  std::string record;
  size_t limit = 50;
  TimeTravel tt;
};

Json ReportJson(const projections::AutomationReport& r) {
  return Json{{"from_position", r.from_position}, {"to_position", r.to_position},
              {"events_scanned", r.events_scanned}, {"matched", r.matched},
              {"firings", r.firings},                {"firings_repeated", r.firings_repeated},
              {"actions_run", r.actions_run},
              {"actions_repeated", r.actions_repeated}, {"actions_skipped", r.actions_skipped},
              {"contacts_scored", r.contacts_scored}, {"scores_written", r.scores_written},
              {"problems", r.problems}, {"problem_count", r.problem_count}};
}

int RunAutomation(const GlobalOptions& g, const RunArgs& a) {
  if (g.remote()) {
    return ReportError(g, Status::FailedPrecondition(
                              "automation run works on a data directory: rapportd runs automation itself "
                              "(see `rapportd --help`, --automation-interval), so there is nothing to run remotely"));
  }
  if (a.only != "" && a.only != "events" && a.only != "timers") {
    return ReportError(g, Status::InvalidArgument("--only: events or timers"));
  }
  Micros now = SystemClock()->NowMicros();
  if (!a.until.empty()) {
    auto t = ParseIso8601(a.until);
    if (!t.ok()) return ReportError(g, Status::InvalidArgument("--until: " + t.status().message()));
    now = *t;
  }
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  events::EventLog* log = EmbeddedLog(session.get());
  bool tty = StderrIsTerminal() && !g.json;
  projections::EngineOptions eo;
  if (tty) {
    eo.progress = [](uint64_t done, uint64_t total) {
      if (total < 200000) return;
      std::cerr << "\rreading the log: " << done << " / " << total << " events" << std::flush;
    };
  }
  auto engine = projections::ProjectionEngine::Open(log, eo);
  if (!engine.ok()) return ReportError(g, engine.status());
  s = (*engine)->CatchUp();
  if (tty) std::cerr << "\r\033[K" << std::flush;
  if (!s.ok()) return ReportError(g, s);
  projections::AutomationOptions ao;
  ao.checkpoint_path = log->dir() + "/automation.checkpoint";
  if (tty) {
    ao.progress = [](uint64_t done, uint64_t last) {
      std::cerr << "\rautomation: event " << done << " / " << last << std::flush;
    };
  }
  projections::AutomationRunner runner(log, EmbeddedService(session.get()), engine->get(), ao);
  projections::AutomationReport total;
  auto from = runner.Checkpoint();
  if (!from.ok()) return ReportError(g, from.status());
  const Micros real_now = SystemClock()->NowMicros();  // event rules act now, whatever --until says
  if (a.only != "timers") {
    auto r = runner.RunEvents(real_now);
    if (tty) std::cerr << "\r\033[K" << std::flush;
    if (!r.ok()) return ReportError(g, r.status().WithContext("automation run"));
    total += *r;
  }
  if (a.only != "events") {
    auto r = runner.RunTimers(now);
    if (!r.ok()) return ReportError(g, r.status().WithContext("automation run (time rules)"));
    total += *r;
    // What the time rules appended may trigger event rules.
    if (a.only != "timers") {
      auto more = runner.RunEvents(real_now);
      if (!more.ok()) return ReportError(g, more.status().WithContext("automation run"));
      total += *more;
    }
  }
  total.from_position = *from;
  total.to_position = std::max(total.to_position, *from);
  Status closed = (*engine)->Close();
  if (!closed.ok()) std::cerr << "rapport: warning: " << closed.ToString() << "\n";
  if (g.json) {
    Json j = ReportJson(total);
    j["now"] = FormatIso8601(now);
    PrintJson(j);
  } else {
    std::cout << "Automation at " << FormatIso8601(now) << ": ";
    if (total.events_scanned == 0) {
      std::cout << "no new events (the log ends at " << total.to_position << ")\n";
    } else {
      std::cout << "read events " << total.from_position + 1 << "–" << total.to_position << " ("
                << total.events_scanned << ")\n";
    }
    std::cout << "  " << total.firings << " rule firing(s), " << total.actions_run << " action(s) run, "
              << total.actions_skipped << " with nothing to do; " << total.firings_repeated
              << " firing(s) found done before, " << total.actions_repeated << " action(s) found done before\n";
    if (total.contacts_scored > 0) {
      std::cout << "  " << total.contacts_scored << " lead score(s) computed, " << total.scores_written << " changed\n";
    }
    if (total.problem_count > 0) {
      std::cout << "  " << total.problem_count << " problem(s) (a refused action skips the rest of its rule's actions)"
                << (total.problem_count > total.problems.size() ? "; the first " + std::to_string(total.problems.size()) : "")
                << ":\n";
      for (const auto& p : total.problems) std::cout << "    " << p << "\n";
    }
  }
  return total.problems.empty() ? kExitOk : kExitConflict;
}

int RunExplain(const GlobalOptions& g, const RunArgs& a) {
  projections::Query q;
  q.kind = "automation";
  q.record = RecordName(a.record, "contact");
  q.limit = a.limit;
  Status s = SetView(a.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const Json& answer, const DisplayNames& names) {
    const Json& actions = answer["actions"];
    if (actions.empty()) {
      std::cout << "No automatic actions on " << q.record << ".\n";
      return Status::Ok();
    }
    std::cout << "Automatic actions on " << q.record << ", newest first\n\n";
    for (const auto& x : actions) {
      std::cout << x.value("recorded", "") << "  " << x.value("summary", "") << "\n";
      if (x.value("scoring", false)) {
        std::cout << "    by lead scoring (`rapport score show` lists the reasons), command " << x.value("command_id", "")
                  << "\n";
        continue;
      }
      std::cout << "    by rule " << x.value("rule_id", "?");
      if (x.contains("rule_name")) std::cout << " (" << x.value("rule_name", "") << ")";
      std::cout << ", command " << x.value("command_id", "") << "\n";
      if (x.contains("trigger")) {
        const Json& t = x["trigger"];
        if (t.contains("window")) {
          std::cout << "    because time passed: " << t.value("window", "") << "\n";
        } else {
          std::cout << "    because of event " << t.value("position", 0) << " (" << t.value("recorded", "")
                    << ", " << names.Label(t.value("actor", "")) << "): " << t.value("summary", "") << "\n";
        }
      }
    }
    return Status::Ok();
  });
}

}  // namespace

void SetupRuleCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static RuleArgs args;
  CLI::App* rule = app->add_subcommand("rule", "Automation rules: what happens by itself, and why (admin)");
  rule->require_subcommand(1);
  auto definition_flags = [&](CLI::App* c, bool required) {
    c->add_option("--name", args.name, "What the rule is for")->required(required);
    c->add_option("--description", args.description, "Longer explanation");
    c->add_option("--trigger", args.trigger,
                  "An event type (DealStageMoved, FormSubmitted, TicketOpened, ...) or a time trigger: deal-idle, "
                  "close-date-near, renewal-near, task-overdue, ticket-waiting, lead-uncontacted")
        ->required(required);
    c->add_option("--wait", args.wait, "Time triggers: the N of \"N days idle\" (30m, 4h, 14d, 2w)");
    c->add_option("--if", args.conditions, "A condition, FIELD OP [VALUE] (repeatable; all must hold), e.g. "
                                           "\"amount >= 10000 EUR\", \"event.fields.country = DE\"");
    c->add_option("--do", args.actions, std::string("An action (repeatable, run in order); ") + kDoExample)
        ->required(required);
    c->add_flag("--imports", args.imports, "Also fire for imported history");
    c->add_flag("--no-imports", args.no_imports, "Do not fire for imported history (the default)");
  };
  CLI::App* add = rule->add_subcommand("add", "Define a rule");
  add->add_option("--id", args.id, "Rule id (default: the next RUL-n)");
  definition_flags(add, true);
  add->add_flag("--disabled", args.disabled, "Define it disabled");
  add->callback([g, exit_code, add] { *exit_code = RunAdd(add, *g, args); });

  CLI::App* change = rule->add_subcommand("change", "Change a rule: the flags given replace those parts");
  change->add_option("id", args.id, "Rule id (RUL-n)")->required();
  definition_flags(change, false);
  change->callback([g, exit_code, change] { *exit_code = RunChange(change, *g, args); });

  CLI::App* enable = rule->add_subcommand("enable", "Enable a rule");
  enable->add_option("id", args.id, "Rule id")->required();
  enable->callback([g, exit_code] { *exit_code = RunToggle(*g, args, true); });
  CLI::App* disable = rule->add_subcommand("disable", "Disable a rule (its history stays)");
  disable->add_option("id", args.id, "Rule id")->required();
  disable->add_option("--reason", args.reason, "Why");
  disable->callback([g, exit_code] { *exit_code = RunToggle(*g, args, false); });

  CLI::App* list = rule->add_subcommand("list", "The rules, now or as of an instant");
  AddTimeTravel(list, &args.tt);
  list->callback([g, exit_code] { *exit_code = RunList(*g, args, false); });
  CLI::App* show = rule->add_subcommand("show", "One rule in full, now or as of an instant");
  show->add_option("id", args.id, "Rule id")->required();
  AddTimeTravel(show, &args.tt);
  show->callback([g, exit_code] { *exit_code = RunList(*g, args, true); });

  CLI::App* templates = rule->add_subcommand("templates", "The built-in rule templates");
  templates->callback([g, exit_code] { *exit_code = RunTemplates(*g); });
  CLI::App* install = rule->add_subcommand("install", "Install a built-in template as a rule");
  install->add_option("template", args.template_name, "Template name (see `rapport rule templates`)")->required();
  install->add_option("--id", args.id, "Rule id (default: the next RUL-n)");
  install->add_option("--team", args.team, "The team it routes within or escalates to");
  install->add_option("--amount", args.amount, "Amount floor, e.g. \"25000 EUR\" (idle-deal)");
  install->add_option("--days", args.days, "Days (idle-deal: idle for; renewal-ahead: before renewal)");
  install->add_option("--score", args.score, "Score threshold (qualified-lead; default 70)");
  install->add_flag("--disabled", args.disabled, "Install it disabled");
  install->callback([g, exit_code] { *exit_code = RunInstall(*g, args); });
}

void SetupAutomationCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static RunArgs args;
  CLI::App* automation = app->add_subcommand("automation", "Run automation rules, and see what they did and why");
  automation->require_subcommand(1);
  CLI::App* run = automation->add_subcommand(
      "run", "Fire rules for events since the last run and for time windows that opened by --until (embedded)");
  run->add_option("--until", args.until, "The instant time rules are evaluated at (ISO 8601; default: now)");
  run->add_option("--only", args.only, "events or timers (default: both)");
  run->callback([g, exit_code] { *exit_code = RunAutomation(*g, args); });
  CLI::App* explain = automation->add_subcommand("explain", "Every automatic action on a record and why");
  explain->add_option("record", args.record, "contact/C-1, D-3, ...")->required();
  explain->add_option("--limit", args.limit, "At most this many actions (default 50)");
  AddTimeTravel(explain, &args.tt);
  explain->callback([g, exit_code] { *exit_code = RunExplain(*g, args); });
}

}  // namespace rapport::cli
