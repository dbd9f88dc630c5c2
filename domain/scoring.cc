// Lead scoring models and scores (scoring.h).
#include "domain/scoring.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "domain/rules.h"
#include "domain/text.h"

namespace rapport::domain {
namespace {

constexpr size_t kMaxCriteria = 30;
constexpr int32_t kMaxPoints = 100;
constexpr int32_t kMaxCountLimit = 20;

std::string Fold(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::unique_ptr<fb::ScoringCriterionT> Attribute(std::string label, int points, std::string field, std::string op,
                                                 std::string value) {
  auto c = std::make_unique<fb::ScoringCriterionT>();
  c->label = std::move(label);
  c->points = points;
  c->field = std::move(field);
  c->op = std::move(op);
  c->value = std::move(value);
  return c;
}

std::unique_ptr<fb::ScoringCriterionT> Behaviour(std::string label, int points, fb::ScoreBehaviour b,
                                                 int max_count, int within_days = 0) {
  auto c = std::make_unique<fb::ScoringCriterionT>();
  c->label = std::move(label);
  c->points = points;
  c->behaviour = b;
  c->max_count = max_count;
  c->within_days = within_days;
  return c;
}

}  // namespace

fb::ScoringModelT ScoringModelOf(const RecordState& model) {
  fb::ScoringModelT m;
  if (model.type != kScoring || model.packed_definition.empty()) return m;
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(model.packed_definition.data()),
                          model.packed_definition.size());
  if (!v.VerifyBuffer<fb::ScoringModel>(nullptr)) return m;
  flatbuffers::GetRoot<fb::ScoringModel>(model.packed_definition.data())->UnPackTo(&m);
  return m;
}

int32_t ScoreCap(const fb::ScoringModelT& m) { return m.cap > 0 ? m.cap : 100; }
int32_t ScoreMaxAgeDays(const fb::ScoringModelT& m) { return m.max_age_days > 0 ? m.max_age_days : 365; }
int32_t ReplyWindowDays(const fb::ScoringCriterionT& c) { return c.within_days > 0 ? c.within_days : 3; }
int32_t MaxCount(const fb::ScoringCriterionT& c) { return c.max_count > 0 ? c.max_count : 10; }

std::string ScoreBehaviourName(fb::ScoreBehaviour b) {
  switch (b) {
    case fb::ScoreBehaviour::FormSubmitted: return "form_submitted";
    case fb::ScoreBehaviour::Meeting: return "meeting";
    case fb::ScoreBehaviour::InboundEmail: return "inbound_email";
    case fb::ScoreBehaviour::EmailReply: return "email_reply";
    case fb::ScoreBehaviour::InboundCall: return "inbound_call";
    default: return "";
  }
}

std::optional<fb::ScoreBehaviour> ParseScoreBehaviour(std::string_view name) {
  std::string f = Fold(name);
  for (fb::ScoreBehaviour b : fb::EnumValuesScoreBehaviour()) {
    if (b != fb::ScoreBehaviour::Unspecified && Fold(ScoreBehaviourName(b)) == f) return b;
  }
  return std::nullopt;
}

Status CheckScoringModel(const fb::ScoringModelT& m) {
  if (m.criteria.empty()) return Status::InvalidArgument("criteria: a model needs at least one criterion");
  if (m.criteria.size() > kMaxCriteria) {
    return Status::InvalidArgument("criteria: at most " + std::to_string(kMaxCriteria));
  }
  if (m.half_life_days < 0 || m.half_life_days > 3660) {
    return Status::InvalidArgument("half_life_days must be between 0 (no decay) and 3660");
  }
  if (m.max_age_days < 0 || m.max_age_days > 3660) {
    return Status::InvalidArgument("max_age_days must be between 1 and 3660 (0: 365)");
  }
  if (m.cap < 0 || m.cap > 1000) return Status::InvalidArgument("cap must be between 1 and 1000 (0: 100)");
  for (size_t i = 0; i < m.criteria.size(); ++i) {
    const fb::ScoringCriterionT& c = *m.criteria[i];
    std::string at = "criteria[" + std::to_string(i) + "].";
    RAPPORT_RETURN_IF_ERROR(ValidateText(c.label, at + "label", 100, true));
    if (c.points == 0 || c.points < -kMaxPoints || c.points > kMaxPoints) {
      return Status::InvalidArgument(at + "points must be between -100 and 100, and not 0");
    }
    bool attribute = !c.field.empty();
    bool behaviour = c.behaviour != fb::ScoreBehaviour::Unspecified;
    if (attribute == behaviour) {
      return Status::InvalidArgument(at + "give either a field (an attribute) or a behaviour, not " +
                                     (attribute ? "both" : "neither"));
    }
    if (attribute) {
      RAPPORT_RETURN_IF_ERROR(CheckCondition(c.field, c.op, c.value, at));
      if (c.field.rfind("event.", 0) == 0 || c.field == "company.") {
        return Status::InvalidArgument(at + "field: attributes are the contact's or its company's (company.<field>)");
      }
      if (c.field == "score" || c.field == "company.score") {
        return Status::InvalidArgument(at + "field: a score cannot depend on the score");
      }
      if (c.within_days != 0 || c.max_count != 0) {
        return Status::InvalidArgument(at + "within_days and max_count apply to behaviour only");
      }
    } else {
      if (ScoreBehaviourName(c.behaviour).empty()) {
        return Status::InvalidArgument(at + "behaviour: unknown; one of form_submitted, meeting, inbound_email, "
                                            "email_reply, inbound_call");
      }
      if (!c.op.empty() || !c.value.empty()) return Status::InvalidArgument(at + "op and value apply to attributes only");
      if (c.within_days < 0 || c.within_days > 365) {
        return Status::InvalidArgument(at + "within_days must be between 1 and 365 (0: 3)");
      }
      if (c.within_days != 0 && c.behaviour != fb::ScoreBehaviour::EmailReply) {
        return Status::InvalidArgument(at + "within_days applies to email_reply only");
      }
      if (c.max_count < 0 || c.max_count > kMaxCountLimit) {
        return Status::InvalidArgument(at + "max_count must be between 1 and " + std::to_string(kMaxCountLimit) +
                                       " (0: 10)");
      }
    }
  }
  return Status::Ok();
}

double DecayFactor(int32_t half_life_days, Micros age) {
  if (half_life_days <= 0 || age <= 0) return 1.0;
  return std::pow(0.5, static_cast<double>(age) / (static_cast<double>(half_life_days) * kMicrosPerDay));
}

LeadScore ComputeScore(const ScoreInput& in) {
  LeadScore out;
  if (in.model == nullptr || in.contact == nullptr) return out;
  const fb::ScoringModelT& m = *in.model;
  double total = 0;
  const RecordState none;  // stands for a company the contact does not have
  TriggerFacts facts;
  facts.home_currency = in.home_currency;
  facts.rates = in.rates;
  facts.day = static_cast<int32_t>(in.at / kMicrosPerDay);
  for (size_t i = 0; i < m.criteria.size(); ++i) {
    const fb::ScoringCriterionT& c = *m.criteria[i];
    if (c.field.empty()) continue;
    fb::RuleConditionT cond;
    cond.op = c.op;
    cond.value = c.value;
    if (c.field.rfind("company.", 0) == 0) {
      cond.field = c.field.substr(8);
      facts.record = in.company != nullptr ? in.company : &none;
    } else {
      cond.field = c.field;
      facts.record = in.contact;
    }
    if (!ConditionHolds(cond, facts)) continue;
    auto r = std::make_unique<fb::ScoreContributionT>();
    r->label = c.label;
    r->points = c.points;
    r->base_points = c.points;
    r->criterion = static_cast<int32_t>(i);
    total += c.points;
    out.reasons.push_back(std::move(r));
  }
  // Behaviour, newest first (the same position twice counts once).
  std::vector<BehaviourFact> facts_by_age = in.behaviours;
  std::sort(facts_by_age.begin(), facts_by_age.end(), [](const BehaviourFact& a, const BehaviourFact& b) {
    return a.occurred != b.occurred ? a.occurred > b.occurred : a.position > b.position;
  });
  const Micros max_age = static_cast<Micros>(ScoreMaxAgeDays(m)) * kMicrosPerDay;
  for (size_t i = 0; i < m.criteria.size(); ++i) {
    const fb::ScoringCriterionT& c = *m.criteria[i];
    if (!c.field.empty()) continue;
    int32_t counted = 0;
    uint64_t last_position = 0;
    for (const BehaviourFact& f : facts_by_age) {
      if (counted >= MaxCount(c)) break;
      bool matches = f.kind == c.behaviour;
      if (c.behaviour == fb::ScoreBehaviour::EmailReply) {
        matches = f.kind == fb::ScoreBehaviour::InboundEmail && f.reply_after >= 0 &&
                  f.reply_after <= static_cast<Micros>(ReplyWindowDays(c)) * kMicrosPerDay;
      }
      if (!matches || f.occurred > in.at || in.at - f.occurred > max_age) continue;
      if (f.position != 0 && f.position == last_position) continue;
      last_position = f.position;
      auto r = std::make_unique<fb::ScoreContributionT>();
      r->label = c.label;
      r->base_points = c.points;
      r->points = c.points * DecayFactor(m.half_life_days, in.at - f.occurred);
      r->criterion = static_cast<int32_t>(i);
      r->source_position = f.position;
      r->occurred_at_us = f.occurred;
      total += r->points;
      out.reasons.push_back(std::move(r));
      ++counted;
    }
  }
  long rounded = std::lround(total);
  out.score = static_cast<int32_t>(std::clamp<long>(rounded, 0, ScoreCap(m)));
  return out;
}

namespace {

void AddReasonKey(std::string* key, int32_t criterion, uint64_t source, int32_t base, std::string_view label) {
  *key += std::to_string(criterion) + ":" + std::to_string(source) + ":" + std::to_string(base) + ":";
  *key += label;
  *key += ";";
}

}  // namespace

std::string ReasonsKey(const std::vector<std::unique_ptr<fb::ScoreContributionT>>& reasons) {
  std::string key;
  for (const auto& r : reasons) {
    if (r) AddReasonKey(&key, r->criterion, r->source_position, r->base_points, r->label);
  }
  return key;
}

std::string ReasonsKey(const flatbuffers::Vector<flatbuffers::Offset<fb::ScoreContribution>>* reasons) {
  std::string key;
  if (reasons == nullptr) return key;
  for (const auto* r : *reasons) {
    AddReasonKey(&key, r->criterion(), r->source_position(), r->base_points(),
                 r->label() ? std::string_view(r->label()->data(), r->label()->size()) : std::string_view());
  }
  return key;
}

bool ScoredLater(const RecordState& contact, uint64_t basis, Micros at) {
  if (basis != contact.score_basis) return basis < contact.score_basis;
  return at < contact.score_computed_at;
}

bool ConcernsModel(const events::EventView& e, const fb::ScoringModelT& model) {
  auto named = [&](std::string_view field) {
    for (const auto& c : model.criteria) {
      if (c->field.empty()) continue;
      if (c->field == field) return true;
      if (field == "company_id" && c->field.rfind("company.", 0) == 0) return true;
    }
    return false;
  };
  switch (e.type()) {
    case fb::Payload::ContactUpdated: {
      auto* changes = e.payload_as<fb::ContactUpdated>()->changes();
      if (changes == nullptr) return false;
      for (const auto* ch : *changes) {
        if (ch->field() != nullptr && named(std::string_view(ch->field()->data(), ch->field()->size()))) return true;
      }
      return false;
    }
    case fb::Payload::ContactLifecycleChanged:
      return named("lifecycle");
    case fb::Payload::ContactConsentChanged:
      return named("email_opt_out") || named("phone_opt_out");
    default:
      return true;  // created, merged: everything may differ
  }
}

std::vector<ScoreBand> ScoreBands(int32_t cap) {
  if (cap <= 0) cap = 100;
  std::vector<ScoreBand> out;
  for (int32_t b = 0; b < 5; ++b) {
    int32_t low = static_cast<int32_t>(static_cast<int64_t>(cap) * b / 5);
    int32_t high = b == 4 ? cap : static_cast<int32_t>(static_cast<int64_t>(cap) * (b + 1) / 5) - 1;
    out.push_back({low, std::max(low, high)});
  }
  return out;
}

size_t BandOf(int32_t score, int32_t cap) {
  auto bands = ScoreBands(cap);
  for (size_t i = bands.size(); i-- > 0;) {
    if (score >= bands[i].low) return i;
  }
  return 0;
}

fb::ScoringModelT StarterScoringModel() {
  fb::ScoringModelT m;
  m.half_life_days = 30;
  m.max_age_days = 180;
  m.cap = 100;
  m.criteria.push_back(Attribute("senior title", 15, "title", "contains", "VP"));
  m.criteria.push_back(Attribute("decision maker", 15, "title", "in", "CEO,CTO,CFO,COO,Founder,Owner,Director,Head of Sales"));
  m.criteria.push_back(Attribute("target industry", 10, "company.industry", "in", "Software,Technology,Fintech"));
  m.criteria.push_back(Attribute("company of 200+", 10, "company.employees", ">=", "200"));
  m.criteria.push_back(Attribute("referred", 10, "source", "=", "referral"));
  m.criteria.push_back(Attribute("student", -20, "title", "contains", "student"));
  m.criteria.push_back(Behaviour("form submission", 10, fb::ScoreBehaviour::FormSubmitted, 3));
  m.criteria.push_back(Behaviour("meeting", 20, fb::ScoreBehaviour::Meeting, 3));
  m.criteria.push_back(Behaviour("email from them", 5, fb::ScoreBehaviour::InboundEmail, 4));
  m.criteria.push_back(Behaviour("replied within 3 days", 10, fb::ScoreBehaviour::EmailReply, 3, 3));
  m.criteria.push_back(Behaviour("called us", 10, fb::ScoreBehaviour::InboundCall, 2));
  return m;
}

}  // namespace rapport::domain
