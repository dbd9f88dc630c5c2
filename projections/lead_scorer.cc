#include "projections/lead_scorer.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "domain/rules.h"
#include "events/schema/payloads_generated.h"
#include "projections/read_model.h"

namespace rapport::projections {
namespace {

using domain::AutomationActor;
using domain::RecordState;


// Timeline entries read per contact: the newest ones, which hold the behaviour that counts.
constexpr size_t kEntriesRead = 300;
// Scores computed before they are recorded together (Flush), and the threads recording them.
constexpr size_t kFlushAt = 256;
constexpr size_t kFlushThreads = 8;
// Contacts one activity may name that are scored for it.
constexpr size_t kMaxLinkedContacts = 20;

std::vector<std::string> LinkedContacts(const fb::Links* links) {
  std::vector<std::string> out;
  if (links == nullptr || links->contact_ids() == nullptr) return out;
  for (const auto* id : *links->contact_ids()) {
    if (out.size() >= kMaxLinkedContacts) break;
    if (id != nullptr && id->size() > 0) out.push_back(id->str());
  }
  return out;
}

// The contacts an event concerns, for scoring.
std::vector<std::string> ContactsOf(const events::EventView& e) {
  switch (e.type()) {
    case fb::Payload::EmailLogged: return LinkedContacts(e.payload_as<fb::EmailLogged>()->links());
    case fb::Payload::CallLogged: return LinkedContacts(e.payload_as<fb::CallLogged>()->links());
    case fb::Payload::MeetingLogged: return LinkedContacts(e.payload_as<fb::MeetingLogged>()->links());
    case fb::Payload::FormSubmitted: return LinkedContacts(e.payload_as<fb::FormSubmitted>()->links());
    case fb::Payload::ActivityDeleted: return LinkedContacts(e.payload_as<fb::ActivityDeleted>()->links());
    case fb::Payload::ActivityUpdated: return {};  // direction and time do not change
    case fb::Payload::LeadScored:
    case fb::Payload::ContactDeleted:
    case fb::Payload::ContactMergedInto:
      return {};
    default:
      if (e.stream_type() == domain::kContact) return {std::string(e.stream_id())};
      return {};
  }
}

std::string DayText(int64_t day) { return FormatIsoDate(day * kMicrosPerDay); }

}  // namespace

LeadScorer::LeadScorer(events::EventLog* log, domain::CommandService* service, ProjectionEngine* engine)
    : log_(log), service_(service), engine_(engine) {}

const domain::Directory& LeadScorer::CurrentDirectory() {
  uint64_t g = service_->directory_generation();
  if (!directory_ || g != directory_generation_) {
    directory_generation_ = g;
    directory_ = std::make_unique<domain::Directory>(service_->directory());
  }
  return *directory_;
}

bool IsStoreError(const Status& s) {
  return s.code() == StatusCode::kIOError || s.code() == StatusCode::kCorruption ||
         s.code() == StatusCode::kUnavailable;
}

Status LeadScorer::Load(uint64_t position) {
  model_ = RecordState();
  std::vector<events::Event> evs;
  RAPPORT_RETURN_IF_ERROR(log_->ReadStream({std::string(domain::kScoring), std::string(domain::kLeadModel)}, 1,
                                           events::EventLog::Direction::kForward, SIZE_MAX, &evs));
  for (const auto& e : evs) {
    if (e.view().position() > position) break;
    RAPPORT_RETURN_IF_ERROR(domain::Apply(e.view(), &model_));
  }
  model_def_ = domain::ScoringModelOf(model_);
  return Status::Ok();
}

Status LeadScorer::OnEvent(const events::EventView& e, Micros now, ScoringCounts* counts) {
  if (e.stream_type() == domain::kScoring) {
    if (e.stream_id() != domain::kLeadModel) return Status::Ok();
    // Applied already when a rescore below failed and the runner tries the event again.
    if (e.stream_version() > model_.version) {
      RAPPORT_RETURN_IF_ERROR(domain::Apply(e, &model_));
      model_def_ = domain::ScoringModelOf(model_);
    }
    // A new model: every lead is scored with it, as of this event.
    return ScoreAll(model_def_, e.recorded_at_us(), e.position(), "model changed (event " + std::to_string(e.position()) + ")",
                    "p" + std::to_string(e.position()), "scoring event:" + std::to_string(e.position()), now, counts);
  }
  if (!model_.created || !e.known_type()) return Status::Ok();
  if (e.command_id().substr(0, 7) == "import-") return Status::Ok();
  if (e.stream_type() == domain::kContact && !domain::ConcernsModel(e, model_def_)) return Status::Ok();
  std::vector<std::string> contacts = ContactsOf(e);
  for (const std::string& id : contacts) {
    RAPPORT_RETURN_IF_ERROR(ScoreContact(model_def_, id, e.recorded_at_us(), e.position(),
                                         "event " + std::to_string(e.position()) + " " + e.type_name(),
                                         "auto-score-" + id + "-p" + std::to_string(e.position()),
                                         "scoring event:" + std::to_string(e.position()), now, counts));
  }
  return Status::Ok();
}

Status LeadScorer::DecayPass(Micros now, uint64_t handled, ScoringCounts* counts) {
  int64_t day = now / kMicrosPerDay;
  if (day == last_decay_day_) return Status::Ok();
  auto current = service_->Get(domain::kScoring, domain::kLeadModel);
  if (!current.ok()) return current.status().code() == StatusCode::kNotFound ? Status::Ok() : current.status();
  fb::ScoringModelT model = domain::ScoringModelOf(*current);
  {
    RAPPORT_RETURN_IF_ERROR(engine_->CatchUp());
    // Not the log's end: an event after `handled` is not aged to midnight here, it is scored
    // by OnEvent as of its own time (a score from a later basis would make OnEvent skip it).
    uint64_t basis = handled;
    Micros at = day * kMicrosPerDay;
    std::vector<std::string> scored = engine_->Read(AsOf::Now(now), [&](const ReadModel& m, const AsOf& a) {
      std::vector<std::string> ids;
      for (const auto& c : m.engagement.Contacts(a)) {
        if (c.score >= 0) ids.emplace_back(m.strings.Str(c.id));
      }
      return ids;
    });
    for (const std::string& id : scored) {
      // A contact computed since midnight (an event today) has fresher behaviour than this
      // pass would see: leave it.
      auto contact = service_->Get(domain::kContact, id);
      if (contact.ok() && contact->score_computed_at >= at) continue;
      RAPPORT_RETURN_IF_ERROR(ScoreContact(model, id, at, basis, "decay " + DayText(day),
                                           "auto-score-" + id + "-d" + std::to_string(day),
                                           "scoring time:decay-" + DayText(day), now, counts));
    }
    RAPPORT_RETURN_IF_ERROR(Flush(counts));
  }
  last_decay_day_ = day;
  return Status::Ok();
}

Status LeadScorer::Recompute(Micros now, ScoringCounts* counts) {
  RAPPORT_RETURN_IF_ERROR(Load(log_->LastPosition()));
  if (!model_.created) return Status::FailedPrecondition("there is no scoring model: set one with `rapport score model set`");
  uint64_t basis = log_->LastPosition();
  return ScoreAll(model_def_, now, basis, "recompute", "r" + std::to_string(basis),
                  "scoring time:recompute-" + std::to_string(basis), now, counts);
}

Status LeadScorer::ScoreAll(const fb::ScoringModelT& model, Micros at, uint64_t basis, const std::string& cause,
                            const std::string& key, const std::string& causation, Micros now, ScoringCounts* counts) {
  RAPPORT_RETURN_IF_ERROR(engine_->CatchUp());
  std::vector<std::string> ids = engine_->Read(AsOf::Now(now), [&](const ReadModel& m, const AsOf& a) {
    std::vector<std::string> out;
    for (const auto& c : m.engagement.Contacts(a)) out.emplace_back(m.strings.Str(c.id));
    return out;
  });
  for (const std::string& id : ids) {
    RAPPORT_RETURN_IF_ERROR(
        ScoreContact(model, id, at, basis, cause, "auto-score-" + id + "-" + key, causation, now, counts));
  }
  return Flush(counts);
}

Result<std::vector<domain::BehaviourFact>> LeadScorer::Behaviours(const std::string& contact_id, Micros at,
                                                                  uint64_t basis, const fb::ScoringModelT& model) {
  if (engine_->position() < basis) RAPPORT_RETURN_IF_ERROR(engine_->CatchUp());
  Micros reach = static_cast<Micros>(domain::ScoreMaxAgeDays(model)) * kMicrosPerDay;
  Micros longest_reply = 0;
  for (const auto& c : model.criteria) {
    if (c->behaviour == fb::ScoreBehaviour::EmailReply) {
      longest_reply = std::max<Micros>(longest_reply, domain::ReplyWindowDays(*c) * kMicrosPerDay);
    }
  }
  std::vector<TimelineEntry> entries = engine_->Read(AsOf::Now(at), [&](const ReadModel& m, const AsOf& a) {
    std::vector<TimelineEntry> out;
    TimelinePage page = m.timeline.Page("contact/" + contact_id, a, kEntriesRead, nullptr);
    for (const auto& te : page.entries) {
      if (te.position > basis) continue;
      if (te.occurred < at - reach - longest_reply) break;  // newest first: the rest is older
      out.push_back(te);
    }
    return out;
  });
  std::vector<domain::BehaviourFact> facts;
  std::vector<std::string> activity_ids;  // of facts[i]
  std::vector<std::pair<Micros, std::string>> sent;  // our emails to them
  for (const TimelineEntry& en : entries) {
    auto ev = log_->Get(en.position);
    if (!ev.ok()) {
      if (ev.status().code() == StatusCode::kNotFound) continue;
      return ev.status();
    }
    const events::EventView& e = ev->view();
    if (e.stream_type() != domain::kActivity) continue;
    domain::BehaviourFact f;
    f.position = e.position();
    f.occurred = e.occurred_at_us();
    switch (e.type()) {
      case fb::Payload::EmailLogged:
        if (e.payload_as<fb::EmailLogged>()->direction() == fb::Direction::Outbound) {
          sent.emplace_back(f.occurred, std::string(e.stream_id()));
          continue;
        }
        f.kind = fb::ScoreBehaviour::InboundEmail;
        break;
      case fb::Payload::CallLogged:
        if (e.payload_as<fb::CallLogged>()->direction() != fb::Direction::Inbound) continue;
        f.kind = fb::ScoreBehaviour::InboundCall;
        break;
      case fb::Payload::MeetingLogged: {
        auto* p = e.payload_as<fb::MeetingLogged>();
        f.kind = fb::ScoreBehaviour::Meeting;
        if (p->start_us() > 0) f.occurred = p->start_us();
        break;
      }
      case fb::Payload::FormSubmitted:
        f.kind = fb::ScoreBehaviour::FormSubmitted;
        break;
      default:
        continue;
    }
    facts.push_back(f);
    activity_ids.emplace_back(e.stream_id());
  }
  // Activities deleted by now count nothing (one look at the projections for all of them).
  engine_->Read(AsOf::Now(at), [&](const ReadModel& m, const AsOf& a) {
    size_t kept = 0;
    for (size_t i = 0; i < facts.size(); ++i) {
      if (m.timeline.ActivityDeleted(activity_ids[i], a)) continue;
      facts[kept++] = facts[i];
    }
    facts.resize(kept);
    sent.erase(std::remove_if(sent.begin(), sent.end(),
                              [&](const auto& s) { return m.timeline.ActivityDeleted(s.second, a); }),
               sent.end());
    return 0;
  });
  // A reply: an email from them after one of ours (the latest before it).
  std::vector<Micros> sent_at;
  for (const auto& s : sent) sent_at.push_back(s.first);
  std::sort(sent_at.begin(), sent_at.end());
  for (auto& f : facts) {
    if (f.kind != fb::ScoreBehaviour::InboundEmail) continue;
    auto it = std::upper_bound(sent_at.begin(), sent_at.end(), f.occurred);
    if (it != sent_at.begin()) f.reply_after = f.occurred - *std::prev(it);
  }
  return facts;
}

Result<domain::LeadScore> LeadScorer::Compute(const RecordState& contact, const fb::ScoringModelT& model, Micros at,
                                              uint64_t basis) {
  auto facts = Behaviours(contact.id, at, basis, model);
  if (!facts.ok()) return facts.status();
  std::optional<RecordState> company;
  if (!contact.Text("company_id").empty()) {
    auto c = service_->Get(domain::kCompany, contact.Text("company_id"));
    if (c.ok()) {
      company = std::move(*c);
    } else if (IsStoreError(c.status())) {
      return c.status();
    }
  }
  const domain::Directory& dir = CurrentDirectory();
  domain::ScoreInput in;
  in.model = &model;
  in.contact = &contact;
  in.company = company ? &*company : nullptr;
  in.behaviours = std::move(*facts);
  in.at = at;
  in.home_currency = dir.home_currency();
  in.rates = &dir.rates();
  return domain::ComputeScore(in);
}

Status LeadScorer::ScoreContact(const fb::ScoringModelT& model, const std::string& contact_id, Micros at,
                                uint64_t basis, const std::string& cause, const std::string& command_id,
                                const std::string& causation, Micros now, ScoringCounts* counts) {
  auto contact = service_->Get(domain::kContact, contact_id);
  if (!contact.ok()) {
    if (IsStoreError(contact.status())) return contact.status();
    return Status::Ok();  // not (or no longer) there
  }
  if (!contact->live()) return Status::Ok();
  // Nothing to do for a contact scored from a later point already.
  if (domain::ScoredLater(*contact, basis, at)) return Status::Ok();
  if (model.criteria.empty()) return Status::Ok();
  auto computed = Compute(*contact, model, at, basis);
  if (!computed.ok()) return computed.status();
  domain::LeadScore score = std::move(*computed);
  ++counts->contacts_scored;
  fb::RecordScoreT r;
  r.contact_id = contact_id;
  r.score = score.score;
  r.reasons = std::move(score.reasons);
  r.cause = cause;
  r.basis_position = basis;
  r.computed_at_us = at;
  fb::CommandT c;
  c.command_id = command_id;
  // "scoring event:P": the runner follows it back to P, so rules and scores that keep
  // triggering each other stop like rules do.
  c.causation_id = causation;
  c.occurred_at_us = at;
  c.body.Set(std::move(r));
  // Recorded by Flush, with the others of the batch; a later computation of the same contact
  // in the batch replaces this one.
  pending_[contact_id] = Pending{std::move(c), now};
  if (pending_.size() >= kFlushAt) return Flush(counts);
  return Status::Ok();
}

Status LeadScorer::Flush(ScoringCounts* counts) {
  if (pending_.empty()) return Status::Ok();
  std::vector<Pending> work;
  work.reserve(pending_.size());
  for (auto& [id, p] : pending_) work.push_back(std::move(p));
  pending_.clear();
  // Each score is its own durable command; run side by side they share the log's group
  // commit instead of waiting for one sync each.
  std::vector<Result<fb::CommandResultT>> results(work.size(), Status::Unavailable("not run"));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < work.size(); i = next++) {
      results[i] = service_->Execute(AutomationActor(), work[i].command, work[i].now);
    }
  };
  size_t threads = std::min<size_t>(kFlushThreads, work.size());
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  Status store_error;
  for (size_t i = 0; i < work.size(); ++i) {
    const auto& result = results[i];
    if (!result.ok()) {
      if (IsStoreError(result.status())) {
        if (store_error.ok()) store_error = result.status();
        continue;
      }
      if (counts->problems.size() < 100) {
        counts->problems.push_back("scoring contact " + work[i].command.body.AsRecordScore()->contact_id + ": " +
                                   result.status().ToString());
      }
      continue;
    }
    if (!result->duplicate && result->first_position != 0) ++counts->scores_written;
  }
  return store_error;
}

}  // namespace rapport::projections
