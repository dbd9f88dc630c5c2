#include "projections/automation_runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>

#include "domain/text.h"
#include "events/event_json.h"
#include "projections/queries.h"

namespace rapport::projections {
namespace {

using domain::AutomationActor;
using domain::RecordState;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Rule firings in a row (each caused by the one before) after which rules stop firing, and
// firings one event may lead to in all.
constexpr int kMaxChain = 8;
constexpr int kMaxFiringsPerChain = 100;
// Problems a report keeps word for word (the rest are counted).
constexpr size_t kMaxProblems = 100;

void AddProblem(AutomationReport* r, std::string p) {
  ++r->problem_count;
  if (r->problems.size() < kMaxProblems) r->problems.push_back(std::move(p));
}

std::string Problem(const domain::Firing& f, const RecordState& subject, size_t index,
                    fb::RuleActionKind kind, const Status& s) {
  return "rule " + f.rule_id + " on " + subject.Name() + " (action " + std::to_string(index) + ", " +
         domain::RuleActionKindName(kind) + "): " + std::string(StatusCodeName(s.code())) + ": " + s.message();
}

// Whether a rule looks at the triggering event's payload (conditions on event fields, or a
// contact made from a form): rendering it is the dearest part of testing a rule.
bool NeedsPayload(const fb::RuleDefinitionT& d) {
  for (const auto& c : d.conditions) {
    if (c->field.rfind("event.", 0) == 0) return true;
  }
  for (const auto& a : d.actions) {
    if (a->kind == fb::RuleActionKind::CreateContact) return true;
  }
  return false;
}

bool ActsOnContact(fb::RuleActionKind k) {
  return k == fb::RuleActionKind::AssignOwner || k == fb::RuleActionKind::SetLifecycle ||
         k == fb::RuleActionKind::AddTag || k == fb::RuleActionKind::RemoveTag;
}

std::string FirstLinkedContact(const nlohmann::json* event) {
  if (event == nullptr || !event->is_object()) return "";
  auto links = event->find("links");
  if (links == event->end() || !links->is_object()) return "";
  auto ids = links->find("contact_ids");
  if (ids == links->end() || !ids->is_array() || ids->empty() || !(*ids)[0].is_string()) return "";
  return (*ids)[0].get<std::string>();
}

}  // namespace

AutomationReport& AutomationReport::operator+=(const AutomationReport& o) {
  if (from_position == 0) from_position = o.from_position;
  to_position = std::max(to_position, o.to_position);
  events_scanned += o.events_scanned;
  matched += o.matched;
  firings += o.firings;
  firings_repeated += o.firings_repeated;
  actions_run += o.actions_run;
  actions_repeated += o.actions_repeated;
  actions_skipped += o.actions_skipped;
  contacts_scored += o.contacts_scored;
  scores_written += o.scores_written;
  for (const auto& p : o.problems) {
    if (problems.size() < kMaxProblems) problems.push_back(p);
  }
  problem_count += o.problem_count;
  return *this;
}

AutomationRunner::AutomationRunner(events::EventLog* log, domain::CommandService* service,
                                   ProjectionEngine* engine, AutomationOptions options)
    : log_(log), service_(service), engine_(engine), options_(std::move(options)) {
  if (options_.batch == 0) options_.batch = 1024;
  if (engine_ != nullptr) scorer_ = std::make_unique<LeadScorer>(log_, service_, engine_);
}

namespace {

void AddScoring(const ScoringCounts& c, AutomationReport* r) {
  r->contacts_scored += c.contacts_scored;
  r->scores_written += c.scores_written;
  for (const auto& p : c.problems) AddProblem(r, p);
}

}  // namespace

Status AutomationRunner::LoadCheckpoint() {
  checkpoint_ = 0;
  if (options_.checkpoint_path.empty()) return Status::Ok();
  std::ifstream in(options_.checkpoint_path);
  if (!in) return Status::Ok();  // never ran: start at the beginning
  std::string text;
  std::getline(in, text);
  if (text.empty()) return Status::Ok();  // cut short by a crash: start over (firings are recorded)
  char* end = nullptr;
  unsigned long long p = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || end == text.c_str() || *end != '\0') {
    return Status::Corruption("automation checkpoint " + options_.checkpoint_path + " holds \"" + text +
                              "\", not a position: delete it (the runner then starts from the beginning, "
                              "and actions already run are recognised)");
  }
  checkpoint_ = std::min<uint64_t>(p, log_->LastPosition());
  saved_checkpoint_ = checkpoint_;
  return Status::Ok();
}

Status AutomationRunner::SaveCheckpoint(uint64_t position, bool force) {
  checkpoint_ = position;
  if (options_.checkpoint_path.empty() || position == saved_checkpoint_) return Status::Ok();
  auto t = std::chrono::steady_clock::now();
  if (!force && t - last_save_ < options_.checkpoint_interval) return Status::Ok();
  last_save_ = t;
  saved_checkpoint_ = position;
  std::string tmp = options_.checkpoint_path + ".tmp";
  std::string text = std::to_string(position) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("cannot write " + tmp + ": " + std::strerror(errno));
  // No fsync: a checkpoint only saves reading; one lost or cut short by a crash is read as an
  // earlier position, and the firings since are found recorded (RuleFired).
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), options_.checkpoint_path.c_str()) != 0) {
    return Status::IOError("cannot replace " + options_.checkpoint_path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<uint64_t> AutomationRunner::Checkpoint() {
  if (!loaded_) RAPPORT_RETURN_IF_ERROR(LoadCheckpoint());
  return checkpoint_;
}

Result<std::map<std::string, RecordState>> AutomationRunner::ReadRules(uint64_t position) const {
  std::map<std::string, RecordState> rules;
  std::string after;
  while (true) {
    std::vector<std::string> ids;
    RAPPORT_RETURN_IF_ERROR(log_->ListStreams(domain::kRule, after, 512, &ids));
    if (ids.empty()) break;
    for (const std::string& id : ids) {
      std::vector<events::Event> evs;
      RAPPORT_RETURN_IF_ERROR(log_->ReadStream({std::string(domain::kRule), id}, 1,
                                               events::EventLog::Direction::kForward, SIZE_MAX, &evs));
      RecordState r;
      for (const auto& e : evs) {
        if (e.view().position() > position) break;
        RAPPORT_RETURN_IF_ERROR(domain::Apply(e.view(), &r));
      }
      if (r.created) rules[id] = std::move(r);
    }
    after = ids.back();
  }
  return rules;
}

void AutomationRunner::IndexRules() {
  event_rules_.clear();
  for (const auto& [id, r] : rules_) {
    if (!domain::RuleEnabled(r)) continue;
    auto d = std::make_shared<const fb::RuleDefinitionT>(domain::RuleDefinitionOf(r));
    if (d->trigger != fb::RuleTrigger::Event) continue;
    std::string type = d->event_type;
    bool needs_payload = NeedsPayload(*d);
    event_rules_.emplace(std::move(type), EventRule{id, std::move(d), needs_payload});
  }
}

Result<RecordState> AutomationRunner::RecordAt(const events::StreamName& stream, uint64_t version) const {
  std::vector<events::Event> evs;
  RAPPORT_RETURN_IF_ERROR(log_->ReadStream(stream, 1, events::EventLog::Direction::kForward, version, &evs));
  RecordState r;
  for (const auto& e : evs) RAPPORT_RETURN_IF_ERROR(domain::Apply(e.view(), &r));
  return r;
}

std::map<std::string, int64_t> AutomationRunner::OpenDealsByOwner(Micros now) const {
  std::map<std::string, int64_t> out;
  if (engine_ == nullptr) return out;
  Status caught_up = engine_->CatchUp();  // deals opened a moment ago count too
  (void)caught_up;  // on failure the counts are those of the last applied position
  engine_->Read(AsOf::Now(now), [&](const ReadModel& m, const AsOf& at) {
    m.deals.ForEach(at, [&](const DealView& d, size_t) {
      if (d.status == DealStatus::kOpen) ++out[std::string(m.strings.Str(d.owner))];
    });
    return 0;
  });
  return out;
}

Status AutomationRunner::EnsureLoaded() {
  if (loaded_) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(LoadCheckpoint());
  auto rules = ReadRules(checkpoint_);
  if (!rules.ok()) return rules.status();
  rules_ = std::move(*rules);
  IndexRules();
  if (scorer_) RAPPORT_RETURN_IF_ERROR(scorer_->Load(checkpoint_));
  loaded_ = true;
  return Status::Ok();
}

Result<AutomationReport> AutomationRunner::RunEvents(Micros now) {
  RAPPORT_RETURN_IF_ERROR(EnsureLoaded());
  AutomationReport report;
  report.from_position = checkpoint_;
  uint64_t done = checkpoint_;
  while (done < log_->LastPosition()) {
    std::vector<events::Event> batch;
    RAPPORT_RETURN_IF_ERROR(log_->ReadForward(done + 1, options_.batch, &batch));
    if (batch.empty()) break;
    for (const auto& e : batch) {
      Status s = HandleEvent(e.view(), now, &report);
      if (s.ok() && scorer_) {
        ScoringCounts counts;
        s = scorer_->OnEvent(e.view(), now, &counts);
        AddScoring(counts, &report);
      }
      if (!s.ok()) {
        // Everything before this event is handled (its scores recorded); it is tried again
        // next time.
        Status flushed = FlushScores(&report);
        if (!flushed.ok()) return flushed;
        Status saved = SaveCheckpoint(done, true);
        report.to_position = done;
        return saved.ok() ? s : saved;
      }
      done = e.view().position();
      ++report.events_scanned;
    }
    // The batch's scores, before the checkpoint moves past their events.
    Status flushed = FlushScores(&report);
    if (!flushed.ok()) return flushed;
    RAPPORT_RETURN_IF_ERROR(SaveCheckpoint(done, false));
    if (options_.progress) options_.progress(done, log_->LastPosition());
    if (options_.should_stop && options_.should_stop()) break;
  }
  RAPPORT_RETURN_IF_ERROR(SaveCheckpoint(done, options_.checkpoint_interval.count() == 0));
  report.to_position = done;
  firings_per_root_.clear();  // chains are followed within one run
  return report;
}

Result<AutomationReport> AutomationRunner::RecomputeScores(Micros now) {
  if (!scorer_) return Status::FailedPrecondition("scoring needs the projections (no engine given)");
  AutomationReport report;
  ScoringCounts counts;
  Status s = scorer_->Recompute(now, &counts);
  AddScoring(counts, &report);
  // Recompute read the model at the log's end; events after the checkpoint see it as of each.
  if (loaded_) {
    Status reloaded = scorer_->Load(checkpoint_);
    if (s.ok()) s = reloaded;
  }
  if (!s.ok()) return s;
  return report;
}

Status AutomationRunner::Flush() { return SaveCheckpoint(checkpoint_, true); }

Status AutomationRunner::FlushScores(AutomationReport* report) {
  if (!scorer_) return Status::Ok();
  ScoringCounts counts;
  Status flushed = scorer_->Flush(&counts);
  AddScoring(counts, report);
  if (!flushed.ok()) report->to_position = checkpoint_;
  return flushed;
}

const domain::Directory& AutomationRunner::CurrentDirectory() {
  uint64_t g = service_->directory_generation();
  if (!directory_ || g != directory_generation_) {
    directory_generation_ = g;  // read before the copy: a change meanwhile is seen next time
    directory_ = std::make_unique<domain::Directory>(service_->directory());
  }
  return *directory_;
}

Status AutomationRunner::HandleEvent(const events::EventView& e, Micros now, AutomationReport* report) {
  if (e.stream_type() == domain::kRule) {
    RecordState& r = rules_[std::string(e.stream_id())];
    RAPPORT_RETURN_IF_ERROR(domain::Apply(e, &r));
    IndexRules();
    return Status::Ok();
  }
  if (!e.known_type()) return Status::Ok();
  auto range = event_rules_.equal_range(e.type_name());
  if (range.first == range.second) return Status::Ok();
  bool imported = StartsWith(e.command_id(), "import-");
  // Only automation's own events name a rule as their cause (a client's causation id is its
  // own business and proves nothing).
  auto cause = e.actor() == domain::kAutomationActor ? domain::ParseCausation(e.causation_id())
                                                     : std::optional<domain::AutomationCause>();
  // How many rule firings led to this event, and the event that started the chain: rules
  // that keep triggering each other stop, deep or wide.
  int depth = 0;
  uint64_t root = e.position();
  for (auto c = cause; c && c->event_position != 0 && c->event_position < root && depth < kMaxChain; ++depth) {
    root = c->event_position;
    auto earlier = log_->Get(c->event_position);
    if (!earlier.ok()) break;  // not there: treat it as the start
    c = earlier->view().actor() == domain::kAutomationActor ? domain::ParseCausation(earlier->view().causation_id())
                                                            : std::optional<domain::AutomationCause>();
  }
  std::optional<RecordState> then;
  std::optional<nlohmann::json> payload;
  const std::string home_currency = CurrentDirectory().home_currency();
  // The index changes only on rule events (above), never while rules fire: walk it in place.
  for (auto it = range.first; it != range.second; ++it) {
    const EventRule& rule = it->second;
    const std::string& id = rule.id;
    const fb::RuleDefinitionT& def = *rule.def;
    if (imported && !def.include_imports) continue;
    if (cause && cause->rule_id == id) continue;  // never on what it did itself
    if (depth >= kMaxChain) {
      AddProblem(report, "rule " + id + " not fired on event " + std::to_string(e.position()) + ": it is " +
                             std::to_string(kMaxChain) + " rule firings deep (rules triggering each other?)");
      continue;
    }
    if (root != e.position() && ++firings_per_root_[root] > kMaxFiringsPerChain) {
      AddProblem(report, "rule " + id + " not fired on event " + std::to_string(e.position()) + ": event " +
                             std::to_string(root) + " has led to " + std::to_string(kMaxFiringsPerChain) +
                             " rule firings already (rules triggering each other?)");
      continue;
    }
    if (!then) {
      if (e.stream_version() == 1) {  // a creation: the record is this event alone
        RecordState r;
        RAPPORT_RETURN_IF_ERROR(domain::Apply(e, &r));
        then = std::move(r);
      } else {
        auto r = RecordAt(e.stream(), e.stream_version());
        if (!r.ok()) return r.status();
        then = std::move(*r);
      }
    }
    if (!payload && rule.needs_payload) payload = nlohmann::json(events::PayloadToJson(e));
    domain::TriggerFacts facts;
    facts.record = &*then;
    facts.event = payload ? &*payload : nullptr;
    facts.home_currency = home_currency;
    facts.rates = &CurrentDirectory().rates();  // (an action may have replaced the copy)
    facts.day = static_cast<int32_t>(e.occurred_at_us() / kMicrosPerDay);
    if (!domain::ConditionsHold(def, facts)) continue;
    domain::Firing f;
    f.rule_id = id;
    f.rule_name = def.name;
    f.trigger_key = "p" + std::to_string(e.position());
    f.trigger_position = e.position();
    f.correlation_id = std::string(e.correlation_id().empty() ? e.command_id() : e.correlation_id());
    f.at = e.recorded_at_us();
    // Actions work on the record as it is now (it may have changed since the event).
    RecordState subject = *then;
    auto current = service_->Get(e.stream_type(), e.stream_id());
    if (current.ok()) {
      subject = std::move(*current);
    } else if (current.status().code() != StatusCode::kNotFound) {
      return current.status();
    }
    RAPPORT_RETURN_IF_ERROR(Fire(def, f, std::move(subject), payload ? &*payload : nullptr, now, report));
  }
  return Status::Ok();
}

Status AutomationRunner::Fire(const fb::RuleDefinitionT& def, const domain::Firing& firing, RecordState subject,
                              const nlohmann::json* event, Micros now, AutomationReport* report) {
  ++report->matched;
  const std::string done_id = domain::FiringCommandId(firing);
  auto done = log_->LookupCommand(done_id);
  if (!done.ok()) return done.status();
  if (done->has_value()) {  // this firing ran to its end before (a restart, another runner)
    ++report->firings_repeated;
    return Status::Ok();
  }
  AutomationReport mine;  // this firing's own counts, recorded with it
  Status s = RunActions(def, firing, std::move(subject), event, now, &mine);
  if (!s.ok()) return s;  // the store failed: the firing stays open and is retried
  fb::RecordFiringT r;
  r.rule_id = firing.rule_id;
  r.trigger_key = firing.trigger_key;
  r.trigger_position = firing.trigger_position;
  r.record_type = mine_subject_type_;
  r.record_id = mine_subject_id_;
  r.actions_run = static_cast<int32_t>(mine.actions_run);
  r.actions_repeated = static_cast<int32_t>(mine.actions_repeated);
  r.actions_skipped = static_cast<int32_t>(mine.actions_skipped);
  r.problems = mine.problems;
  if (r.problems.size() > 32) r.problems.resize(32);
  fb::CommandT c;
  c.command_id = done_id;
  c.causation_id = domain::AutomationCausation(firing);
  c.correlation_id = firing.correlation_id;
  c.occurred_at_us = firing.at;
  c.body.Set(std::move(r));
  auto recorded = service_->Execute(AutomationActor(), c, now);
  if (!recorded.ok()) {
    if (IsStoreError(recorded.status())) return recorded.status();
    AddProblem(&mine, "rule " + firing.rule_id + ": the firing could not be recorded: " + recorded.status().ToString());
  }
  if (mine.actions_run > 0) ++mine.firings;
  mine.matched = 0;  // counted above
  *report += mine;
  return Status::Ok();
}

Status AutomationRunner::RunActions(const fb::RuleDefinitionT& def, const domain::Firing& firing, RecordState subject,
                                    const nlohmann::json* event, Micros now, AutomationReport* report) {
  mine_subject_type_ = subject.type;
  mine_subject_id_ = subject.id;
  bool existing_contact = false;  // CreateContact found the person already known
  domain::Directory dir = CurrentDirectory();
  std::deque<RecordState> held;  // records the planner looked up, kept while it runs
  domain::RecordLookup lookup = [&](std::string_view type, std::string_view id) -> const RecordState* {
    auto r = service_->Get(type, id);
    if (!r.ok()) return nullptr;
    held.push_back(std::move(*r));
    return &held.back();
  };
  auto reload = [&](std::string_view type, std::string_view id) -> Result<RecordState> {
    return service_->Get(type, id);
  };
  for (size_t i = 0; i < def.actions.size(); ++i) {
    fb::RuleActionKind kind = def.actions[i]->kind;
    RecordState target = subject;
    if (kind == fb::RuleActionKind::CreateContact) {
      // A form linked to a contact, or from a known address, needs no new contact.
      std::string known = FirstLinkedContact(event);
      if (known.empty() && engine_ != nullptr && event != nullptr) {
        std::string email = domain::NormalizeEmail(domain::FormEmail(event));
        if (!email.empty()) {
          RAPPORT_RETURN_IF_ERROR(engine_->CatchUp());  // contacts created a moment ago too
          known = engine_->Read(AsOf::Now(now), [&](const ReadModel& m, const AsOf& at) {
            for (const auto& hit : m.search.Search(email, domain::kContact, at, 8)) {
              if (hit.matched == email) return hit.record.substr(hit.record.find('/') + 1);
            }
            return std::string();
          });
        }
      }
      if (!known.empty()) {
        auto c = reload(domain::kContact, known);
        if (!c.ok()) {
          if (IsStoreError(c.status())) return c.status();
          AddProblem(report, Problem(firing, subject, i, kind, c.status()));
          return Status::Ok();
        }
        subject = std::move(*c);
        mine_subject_type_ = subject.type;
        mine_subject_id_ = subject.id;
        existing_contact = true;
        ++report->actions_skipped;
        continue;
      }
    } else if (kind == fb::RuleActionKind::AssignOwner && existing_contact && !target.Text("owner_id").empty()) {
      ++report->actions_skipped;  // a known person keeps the owner they have
      continue;
    } else if (ActsOnContact(kind) && target.type == domain::kActivity) {
      const auto& contacts = target.List("contact_ids");
      if (contacts.empty()) {
        ++report->actions_skipped;
        continue;
      }
      auto c = reload(domain::kContact, contacts.front());
      if (!c.ok()) {
        if (IsStoreError(c.status())) return c.status();
        AddProblem(report, Problem(firing, subject, i, kind, c.status()));
        return Status::Ok();
      }
      target = std::move(*c);
    }
    domain::PlanInput in;
    in.rule = &def;
    in.index = i;
    in.firing = &firing;
    in.subject = &target;
    in.event = event;
    in.dir = &dir;
    in.lookup = lookup;
    if (kind == fb::RuleActionKind::AssignOwner && def.actions[i]->routing == "least_open_deals") {
      in.open_deals = OpenDealsByOwner(now);
    }
    auto plan = domain::PlanAction(in);
    if (!plan.ok()) {
      AddProblem(report, Problem(firing, target, i, kind, plan.status()));
      return Status::Ok();  // the rest of the chain may depend on this action
    }
    if (!plan->has_value()) {
      ++report->actions_skipped;
      continue;
    }
    auto result = service_->Execute(AutomationActor(), **plan, now);
    if (!result.ok()) {
      if (IsStoreError(result.status())) return result.status();
      AddProblem(report, Problem(firing, target, i, kind, result.status()));
      return Status::Ok();
    }
    if (result->duplicate) {
      ++report->actions_repeated;
    } else if (result->first_position != 0) {
      ++report->actions_run;
    } else {
      ++report->actions_skipped;
    }
    if (kind == fb::RuleActionKind::CreateContact) {
      auto c = reload(domain::kContact, result->record_id);
      if (!c.ok()) return c.status();
      subject = std::move(*c);
      mine_subject_type_ = subject.type;
      mine_subject_id_ = subject.id;
    } else if (target.type == subject.type && target.id == subject.id) {
      auto s = reload(subject.type, subject.id);
      if (s.ok()) subject = std::move(*s);
    }
    if (kind == fb::RuleActionKind::AssignOwner) dir = CurrentDirectory();
  }
  return Status::Ok();
}

Result<AutomationReport> AutomationRunner::RunTimers(Micros now) {
  if (engine_ == nullptr) return Status::FailedPrecondition("time rules need the projections (no engine given)");
  AutomationReport report;
  // Time rules as they are now.
  auto rules = ReadRules(log_->LastPosition());
  if (!rules.ok()) return rules.status();
  const std::map<std::string, RecordState>& current = *rules;
  RAPPORT_RETURN_IF_ERROR(engine_->CatchUp());
  {
    RAPPORT_RETURN_IF_ERROR(EnsureLoaded());
    ScoringCounts counts;
    Status decayed = scorer_->DecayPass(now, checkpoint_, &counts);
    AddScoring(counts, &report);
    RAPPORT_RETURN_IF_ERROR(decayed);
  }
  struct Due {
    std::string type, id, key;
  };
  for (const auto& [rule_id, rule] : current) {
    if (!domain::RuleEnabled(rule)) continue;
    fb::RuleDefinitionT def = domain::RuleDefinitionOf(rule);
    if (!domain::IsTimeTrigger(def.trigger)) continue;
    const Micros wait = def.wait_minutes * 60 * kMicrosPerSecond;
    std::vector<Due> due;
    std::vector<std::string> leads;  // LeadUncontacted: contacts whose window opened
    std::map<std::string, Micros> lead_since;
    engine_->Read(AsOf::Now(now), [&](const ReadModel& m, const AsOf& at) {
      auto str = [&](Sym s) { return std::string(m.strings.Str(s)); };
      switch (def.trigger) {
        case fb::RuleTrigger::DealIdle:
          m.deals.ForEach(at, [&](const DealView& d, size_t index) {
            if (d.status != DealStatus::kOpen) return;
            Micros last = std::max(m.deals.LastActivity(index, at), d.opened_at);
            if (now - last >= wait) due.push_back({"deal", str(d.id), "deal-" + str(d.id) + "-idle-" + std::to_string(last)});
          });
          break;
        case fb::RuleTrigger::CloseDateNear:
          m.deals.ForEach(at, [&](const DealView& d, size_t) {
            if (d.status != DealStatus::kOpen || d.expected_close == kNoDate) return;
            // In 128 bits: an int32 day in microseconds can leave int64 (an out-of-range date
            // in a log written before commands were checked for them).
            if (static_cast<__int128>(d.expected_close) * kMicrosPerDay - now <= wait) {
              due.push_back({"deal", str(d.id), "deal-" + str(d.id) + "-close-" + std::to_string(d.expected_close)});
            }
          });
          break;
        case fb::RuleTrigger::RenewalNear:
          for (const auto& c : m.work.Contracts(at)) {
            if (!c.active || c.renewal_date == kNoDate) continue;
            if (static_cast<__int128>(c.renewal_date) * kMicrosPerDay - now <= wait) {  // as above
              due.push_back({"contract", str(c.id), "contract-" + str(c.id) + "-renewal-" + std::to_string(c.renewal_date)});
            }
          }
          break;
        case fb::RuleTrigger::TaskOverdue:
          for (const auto& t : m.work.Tasks(at)) {
            if (t.status != 0 || t.due <= 0) continue;
            if (now - t.due >= wait) due.push_back({"task", str(t.id), "task-" + str(t.id) + "-due-" + std::to_string(t.due)});
          }
          break;
        case fb::RuleTrigger::TicketWaiting:
          for (const auto& t : m.work.Tickets(at)) {
            if (t.status != 0) continue;
            if (now - t.status_since >= wait) {
              due.push_back({"ticket", str(t.id), "ticket-" + str(t.id) + "-waiting-" + std::to_string(t.status_since)});
            }
          }
          break;
        case fb::RuleTrigger::LeadUncontacted:
          for (const auto& c : m.engagement.Contacts(at)) {
            if (c.lifecycle != static_cast<uint8_t>(fb::Lifecycle::Lead)) continue;
            Micros opened = c.created_at + wait;
            if (opened > now || now - opened > options_.lead_lookback) continue;
            leads.push_back(str(c.id));
            lead_since[str(c.id)] = c.created_at;
          }
          break;
        default:
          break;
      }
      return 0;
    });
    if (def.trigger == fb::RuleTrigger::LeadUncontacted) {
      // Contacted means an email, call or meeting logged about them after they arrived.
      for (const std::string& id : leads) {
        Micros since = lead_since[id];
        auto contacted = engine_->Read(AsOf::Now(now), [&](const ReadModel& m, const AsOf& at) -> Result<bool> {
          auto page = BuildTimeline(m, *log_, at, "contact/" + id, 200, nullptr);
          if (!page.ok()) return page.status();
          for (const auto& row : page->rows) {
            if (row.occurred < since) continue;
            if (row.type == "EmailLogged" || row.type == "CallLogged" || row.type == "MeetingLogged") return true;
          }
          return false;
        });
        if (!contacted.ok()) return contacted.status();
        if (!*contacted) due.push_back({"contact", id, "contact-" + id + "-lead-" + std::to_string(since)});
      }
    }
    for (const Due& d : due) {
      auto record = service_->Get(d.type, d.id);
      if (!record.ok()) {
        if (IsStoreError(record.status())) return record.status();
        continue;  // gone since the projection saw it
      }
      const domain::Directory& dir = CurrentDirectory();
      domain::TriggerFacts facts;
      facts.record = &*record;
      facts.home_currency = dir.home_currency();
      facts.rates = &dir.rates();
      facts.day = static_cast<int32_t>(now / kMicrosPerDay);
      if (!domain::ConditionsHold(def, facts)) continue;
      domain::Firing f;
      f.rule_id = rule_id;
      f.rule_name = def.name;
      f.trigger_key = d.key;
      f.at = now;
      RAPPORT_RETURN_IF_ERROR(Fire(def, f, std::move(*record), nullptr, now, &report));
    }
  }
  return report;
}

}  // namespace rapport::projections
