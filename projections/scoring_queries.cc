#include "projections/scoring_queries.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "domain/enums.h"
#include "domain/scoring.h"
#include "events/schema/payloads_generated.h"
#include "projections/read_model.h"

namespace rapport::projections {
namespace {

using domain::RecordState;

double Tenths(double v) { return std::round(v * 10) / 10; }

// The scoring model in the view (nullopt before the first one).
Result<std::optional<fb::ScoringModelT>> ModelInView(const events::EventLog& log, const AsOf& at) {
  std::vector<events::Event> evs;
  RAPPORT_RETURN_IF_ERROR(log.ReadStream({std::string(domain::kScoring), std::string(domain::kLeadModel)}, 1,
                                         events::EventLog::Direction::kForward, SIZE_MAX, &evs));
  std::optional<fb::ScoringModelT> model;
  for (const auto& e : evs) {
    if (!at.Visible(e.view().position(), e.view().occurred_at_us())) continue;
    auto* p = e.view().payload_as<fb::ScoringModelSet>();
    if (p == nullptr || p->new_model() == nullptr) continue;
    fb::ScoringModelT m;
    p->new_model()->UnPackTo(&m);
    model = std::move(m);
  }
  return model;
}

}  // namespace

Json ScoringModelToJson(const fb::ScoringModelT& m) {
  Json j;
  j["cap"] = domain::ScoreCap(m);
  j["half_life_days"] = m.half_life_days;
  j["max_age_days"] = domain::ScoreMaxAgeDays(m);
  j["criteria"] = Json::array();
  for (const auto& c : m.criteria) {
    Json x;
    x["label"] = c->label;
    x["points"] = c->points;
    if (!c->field.empty()) {
      x["field"] = c->field;
      x["op"] = c->op;
      if (!c->value.empty()) x["value"] = c->value;
    } else {
      x["behaviour"] = domain::ScoreBehaviourName(c->behaviour);
      x["max_count"] = domain::MaxCount(*c);
      if (c->behaviour == fb::ScoreBehaviour::EmailReply) x["within_days"] = domain::ReplyWindowDays(*c);
    }
    j["criteria"].push_back(std::move(x));
  }
  return j;
}

namespace {

Json ScoredToJson(const events::EventView& e, const fb::LeadScored& p) {
  Json j;
  j["score"] = p.score();
  j["previous_score"] = p.previous_score();
  j["recorded"] = FormatIso8601(e.recorded_at_us());
  j["computed_at"] = FormatIso8601(p.computed_at_us());
  j["cause"] = p.cause() ? p.cause()->str() : "";
  j["position"] = e.position();
  return j;
}

}  // namespace

Result<fb::ScoringModelT> ScoringModelFromJson(const Json& j) {
  if (!j.is_object()) return Status::InvalidArgument("the model must be a JSON object with \"criteria\"");
  static const char* const kModelKeys[] = {"half_life_days", "max_age_days", "cap", "criteria"};
  static const char* const kCriterionKeys[] = {"label", "points", "field", "op", "value", "behaviour", "within_days",
                                               "max_count"};
  auto known = [](const auto& keys, const std::string& k) {
    return std::find_if(std::begin(keys), std::end(keys), [&](const char* x) { return k == x; }) != std::end(keys);
  };
  auto integer = [](const Json& v, const std::string& at, int32_t* out) -> Status {
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > INT32_MAX) ||
        v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX) {
      return Status::InvalidArgument(at + ": a whole number, not " + v.dump());
    }
    *out = static_cast<int32_t>(v.get<int64_t>());
    return Status::Ok();
  };
  auto text = [](const Json& v, const std::string& at, std::string* out) -> Status {
    if (!v.is_string()) return Status::InvalidArgument(at + ": a string, not " + v.dump());
    *out = v.get<std::string>();
    return Status::Ok();
  };
  fb::ScoringModelT m;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!known(kModelKeys, it.key())) {
      return Status::InvalidArgument(it.key() + ": not part of a scoring model (half_life_days, max_age_days, cap, criteria)");
    }
  }
  if (j.contains("half_life_days")) RAPPORT_RETURN_IF_ERROR(integer(j["half_life_days"], "half_life_days", &m.half_life_days));
  if (j.contains("max_age_days")) RAPPORT_RETURN_IF_ERROR(integer(j["max_age_days"], "max_age_days", &m.max_age_days));
  if (j.contains("cap")) RAPPORT_RETURN_IF_ERROR(integer(j["cap"], "cap", &m.cap));
  if (!j.contains("criteria") || !j["criteria"].is_array()) {
    return Status::InvalidArgument("criteria: a list of criteria is required");
  }
  const Json& cs = j["criteria"];
  if (cs.size() > 30) return Status::InvalidArgument("criteria: at most 30");
  for (size_t i = 0; i < cs.size(); ++i) {
    std::string at = "criteria[" + std::to_string(i) + "]";
    const Json& c = cs[i];
    if (!c.is_object()) return Status::InvalidArgument(at + ": an object, not " + c.dump());
    for (auto it = c.begin(); it != c.end(); ++it) {
      if (!known(kCriterionKeys, it.key())) {
        return Status::InvalidArgument(at + "." + it.key() +
                                       ": not part of a criterion (label, points, field, op, value, behaviour, "
                                       "within_days, max_count)");
      }
    }
    auto x = std::make_unique<fb::ScoringCriterionT>();
    if (c.contains("label")) RAPPORT_RETURN_IF_ERROR(text(c["label"], at + ".label", &x->label));
    if (c.contains("points")) RAPPORT_RETURN_IF_ERROR(integer(c["points"], at + ".points", &x->points));
    if (c.contains("field")) RAPPORT_RETURN_IF_ERROR(text(c["field"], at + ".field", &x->field));
    if (c.contains("op")) RAPPORT_RETURN_IF_ERROR(text(c["op"], at + ".op", &x->op));
    if (c.contains("value")) {
      if (c["value"].is_number()) {
        x->value = c["value"].dump();
      } else {
        RAPPORT_RETURN_IF_ERROR(text(c["value"], at + ".value", &x->value));
      }
    }
    if (c.contains("behaviour")) {
      std::string b;
      RAPPORT_RETURN_IF_ERROR(text(c["behaviour"], at + ".behaviour", &b));
      auto kind = domain::ParseScoreBehaviour(b);
      if (!kind) {
        return Status::InvalidArgument(at + ".behaviour: \"" + b +
                                       "\" is not one of form_submitted, meeting, inbound_email, email_reply, inbound_call");
      }
      x->behaviour = *kind;
    }
    if (c.contains("within_days")) RAPPORT_RETURN_IF_ERROR(integer(c["within_days"], at + ".within_days", &x->within_days));
    if (c.contains("max_count")) RAPPORT_RETURN_IF_ERROR(integer(c["max_count"], at + ".max_count", &x->max_count));
    m.criteria.push_back(std::move(x));
  }
  return m;
}

Result<Json> ScoreView(const ProjectionEngine& engine, const AsOf& view, const std::string& contact_id, size_t limit) {
  if (contact_id.empty()) return Status::InvalidArgument("record: name the contact, e.g. contact/C-1");
  AsOf at = engine.Resolve(view);
  const events::EventLog& log = *engine.log();
  std::vector<events::Event> evs;
  RAPPORT_RETURN_IF_ERROR(log.ReadStream({std::string(domain::kContact), contact_id}, 1,
                                         events::EventLog::Direction::kForward, SIZE_MAX, &evs));
  bool exists = false;
  std::vector<const events::Event*> scored;
  for (const auto& e : evs) {
    if (!at.Visible(e.view().position(), e.view().occurred_at_us())) continue;
    exists = true;
    if (e.view().type() == fb::Payload::LeadScored) scored.push_back(&e);
  }
  if (!exists) {
    return Status::NotFound("contact " + contact_id + (at.is_now() ? " does not exist" : " did not exist in that view"));
  }
  Json j;
  j["contact_id"] = contact_id;
  j["view"] = ToJson(at);
  auto model = ModelInView(log, at);
  if (!model.ok()) return model.status();
  if (*model) j["model"] = ScoringModelToJson(**model);
  j["scored"] = !scored.empty();
  j["reasons"] = Json::array();
  j["history"] = Json::array();
  if (scored.empty()) return j;
  const events::EventView& last = scored.back()->view();
  const auto* p = last.payload_as<fb::LeadScored>();
  Json now = ScoredToJson(last, *p);
  for (auto it = now.begin(); it != now.end(); ++it) j[it.key()] = it.value();
  if (p->reasons()) {
    for (const auto* r : *p->reasons()) {
      Json x;
      x["label"] = r->label() ? r->label()->str() : "";
      x["points"] = Tenths(r->points());
      x["base_points"] = r->base_points();
      x["criterion"] = r->criterion();
      if (r->source_position() != 0) {
        x["event"] = r->source_position();
        x["occurred"] = FormatIso8601(r->occurred_at_us());
      }
      j["reasons"].push_back(std::move(x));
    }
  }
  size_t n = limit == 0 ? 20 : limit;
  for (auto it = scored.rbegin(); it != scored.rend() && j["history"].size() < n; ++it) {
    j["history"].push_back(ScoredToJson((*it)->view(), *(*it)->view().payload_as<fb::LeadScored>()));
  }
  j["changes"] = scored.size();
  return j;
}

Result<Json> ScoresView(const ProjectionEngine& engine, const AsOf& at, const std::string& min_score, size_t limit) {
  int64_t min = 0;
  if (!min_score.empty()) {
    char* end = nullptr;
    min = std::strtoll(min_score.c_str(), &end, 10);
    if (end == min_score.c_str() || *end != '\0' || min < 0) {
      return Status::InvalidArgument("min_amount: for scores, the lowest score listed, a whole number ('" + min_score +
                                     "' is not)");
    }
  }
  size_t n = limit == 0 ? 50 : limit;
  return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
    struct Row {
      int32_t score;
      std::string id, owner;
      uint8_t lifecycle;
    };
    std::vector<Row> rows;
    for (const auto& c : m.engagement.Contacts(a)) {
      if (c.score < 0 || c.score < min) continue;
      rows.push_back({c.score, std::string(m.strings.Str(c.id)), std::string(m.strings.Str(c.owner)), c.lifecycle});
    }
    std::sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) {
      return x.score != y.score ? x.score > y.score : x.id < y.id;
    });
    Json j;
    j["view"] = ToJson(a);
    j["total"] = rows.size();
    j["contacts"] = Json::array();
    for (size_t i = 0; i < rows.size() && i < n; ++i) {
      Json x;
      x["contact_id"] = rows[i].id;
      x["score"] = rows[i].score;
      x["lifecycle"] = domain::LifecycleName(static_cast<fb::Lifecycle>(rows[i].lifecycle));
      if (!rows[i].owner.empty()) x["owner_id"] = rows[i].owner;
      j["contacts"].push_back(std::move(x));
    }
    return j;
  });
}

Result<Json> ScoreReportView(const ProjectionEngine& engine, const AsOf& at, Micros now) {
  auto model = ModelInView(*engine.log(), AsOf::Now(now));
  if (!model.ok()) return model.status();
  const int32_t cap = *model ? domain::ScoreCap(**model) : 100;
  // Outcomes: what each contact has reached by now.
  struct Outcome {
    uint8_t furthest = 0;
    bool converted = false;
  };
  std::unordered_map<std::string, Outcome> outcomes = engine.Read(AsOf::Now(now), [&](const ReadModel& m, const AsOf& a) {
    std::unordered_map<std::string, Outcome> out;
    for (const auto& c : m.engagement.Contacts(a)) out[std::string(m.strings.Str(c.id))] = {c.furthest, c.converted};
    return out;
  });
  auto bands = domain::ScoreBands(cap);
  struct Count {
    int64_t contacts = 0, qualified = 0, customers = 0, already_customers = 0;
  };
  std::vector<Count> counts(bands.size());
  Count unscored;
  AsOf resolved = engine.Read(at, [&](const ReadModel& m, const AsOf& a) {
    for (const auto& c : m.engagement.Contacts(a)) {
      auto it = outcomes.find(std::string(m.strings.Str(c.id)));
      Outcome o = it == outcomes.end() ? Outcome{c.furthest, c.converted} : it->second;
      Count& k = c.score < 0 ? unscored : counts[domain::BandOf(c.score, cap)];
      ++k.contacts;
      if (o.furthest >= static_cast<uint8_t>(fb::Lifecycle::SalesQualified)) ++k.qualified;
      if (o.converted) ++k.customers;
      if (c.converted) ++k.already_customers;
    }
    return a;
  });
  auto row = [](const std::string& label, const Count& k) {
    Json x;
    x["band"] = label;
    x["contacts"] = k.contacts;
    x["sales_qualified"] = k.qualified;
    x["customers"] = k.customers;
    x["customers_then"] = k.already_customers;
    x["qualified_rate"] = k.contacts ? Tenths(100.0 * k.qualified / k.contacts) : 0.0;
    x["customer_rate"] = k.contacts ? Tenths(100.0 * k.customers / k.contacts) : 0.0;
    return x;
  };
  Json j;
  j["view"] = ToJson(resolved);
  j["outcomes_as_of"] = FormatIso8601(now);
  j["cap"] = cap;
  j["bands"] = Json::array();
  Count total;
  for (size_t i = bands.size(); i-- > 0;) {
    Json x = row(bands[i].Label(), counts[i]);
    x["low"] = bands[i].low;
    x["high"] = bands[i].high;
    j["bands"].push_back(std::move(x));
    total.contacts += counts[i].contacts;
    total.qualified += counts[i].qualified;
    total.customers += counts[i].customers;
    total.already_customers += counts[i].already_customers;
  }
  j["unscored"] = row("unscored", unscored);
  j["scored"] = row("scored", total);
  return j;
}

}  // namespace rapport::projections
