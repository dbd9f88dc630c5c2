#include "projections/queries_json.h"

#include "domain/money.h"
#include "domain/value.h"

namespace rapport::projections {
namespace {

std::string Date(int32_t d) { return d == kNoDate ? "" : domain::FormatDate(d); }
std::string M(int64_t v, const std::string& cur) { return domain::FormatMoneyGrouped(v, cur); }

}  // namespace

Json ToJson(const AsOf& at) {
  Json j;
  j["mode"] = at.mode == AsOf::Mode::kNow ? "now" : at.mode == AsOf::Mode::kRecorded ? "recorded" : "effective";
  j["instant"] = FormatIso8601(at.instant);
  if (at.mode == AsOf::Mode::kRecorded || at.mode == AsOf::Mode::kNow) j["position"] = at.position;
  return j;
}

Json ToJson(const Board& b) {
  Json j;
  j["pipeline"] = b.pipeline_id;
  j["pipeline_name"] = b.pipeline_name;
  j["currency"] = b.currency;
  j["deals"] = b.deals;
  j["total"] = M(b.total, b.currency);
  j["total_minor"] = b.total;
  j["weighted"] = M(b.weighted, b.currency);
  j["weighted_minor"] = b.weighted;
  j["stages"] = Json::array();
  for (const auto& c : b.columns) {
    Json col;
    col["stage"] = c.stage_id;
    col["name"] = c.name;
    col["probability"] = c.probability;
    if (c.removed) col["removed"] = true;
    col["count"] = c.count;
    col["total"] = M(c.total, b.currency);
    col["total_minor"] = c.total;
    col["weighted"] = M(c.weighted, b.currency);
    col["weighted_minor"] = c.weighted;
    col["deals"] = Json::array();
    for (const auto& d : c.deals) {
      Json x;
      x["id"] = d.id;
      x["name"] = d.name;
      x["owner"] = d.owner;
      x["company"] = d.company;
      x["amount"] = M(d.amount, d.currency);
      x["amount_minor"] = d.amount;
      x["currency"] = d.currency;
      x["amount_home_minor"] = d.amount_home;
      if (!d.converted) x["converted"] = false;
      x["days_in_stage"] = d.days_in_stage;
      x["days_since_activity"] = d.days_since_activity < 0 ? Json(nullptr) : Json(d.days_since_activity);
      x["expected_close"] = Date(d.expected_close);
      col["deals"].push_back(std::move(x));
    }
    j["stages"].push_back(std::move(col));
  }
  j["warnings"] = b.warnings;
  return j;
}

Json ToJson(const PipelineDiff& d) {
  Json j;
  j["pipeline"] = d.pipeline_id;
  j["currency"] = d.currency;
  for (auto [k, v] : {std::pair{"start", d.start}, {"added", d.added}, {"increased", d.increased},
                      {"decreased", d.decreased}, {"won", d.won}, {"lost", d.lost},
                      {"removed", d.removed}, {"end", d.end}}) {
    j[k] = M(v, d.currency);
    j[std::string(k) + "_minor"] = v;
  }
  j["reconciles"] = d.Reconciles();
  j["changes"] = Json::array();
  for (const auto& r : d.rows) {
    j["changes"].push_back(Json{{"deal", r.deal_id}, {"name", r.name}, {"change", r.change}, {"from", r.from},
                                {"to", r.to}, {"effect", M(r.delta, d.currency)}, {"effect_minor", r.delta}});
  }
  j["warnings"] = d.warnings;
  return j;
}

Json ToJson(const Forecast& f) {
  Json j;
  j["currency"] = f.currency;
  j["rows"] = Json::array();
  for (const auto& r : f.rows) {
    Json x;
    x["period"] = r.period;
    if (!r.group.empty()) x["group"] = r.group;
    for (auto [k, v] : {std::pair{"open", r.open}, {"weighted", r.weighted}, {"history", r.history},
                        {"won", r.won}, {"pipeline", r.pipeline}, {"best_case", r.best_case},
                        {"commit", r.commit}}) {
      x[k] = M(v, f.currency);
      x[std::string(k) + "_minor"] = v;
    }
    x["open_deals"] = r.open_deals;
    x["won_deals"] = r.won_deals;
    j["rows"].push_back(std::move(x));
  }
  j["stage_win_rates"] = Json::array();
  for (const auto& r : f.rates) {
    j["stage_win_rates"].push_back(Json{{"pipeline", r.pipeline_id}, {"stage", r.stage_id}, {"name", r.stage_name},
                                        {"configured_probability", r.configured}, {"closed", r.closed},
                                        {"won", r.won}, {"rate", r.rate}});
  }
  j["warnings"] = f.warnings;
  return j;
}

Json ToJson(const Report& r) {
  Json j;
  j["title"] = r.title;
  j["columns"] = r.columns;
  j["rows"] = r.rows;
  j["notes"] = r.notes;
  return j;
}

Json ToJson(const std::vector<FollowUp>& v) {
  Json j = Json::array();
  for (const auto& f : v) {
    j.push_back(Json{{"user", f.user}, {"task", f.task_id}, {"title", f.title}, {"about", f.link},
                     {"due", FormatIso8601(f.due)}, {"overdue", f.overdue}, {"days_overdue", f.days_overdue}});
  }
  return j;
}

Json ToJson(const std::vector<StaleDeal>& v) {
  Json j = Json::array();
  for (const auto& s : v) {
    j.push_back(Json{{"deal", s.id}, {"name", s.name}, {"owner", s.owner}, {"pipeline", s.pipeline},
                     {"stage", s.stage}, {"amount", M(s.amount, s.currency)}, {"amount_minor", s.amount},
                     {"currency", s.currency}, {"amount_home_minor", s.amount_home}, {"days_idle", s.days_idle}});
  }
  return j;
}

Json ToJson(const std::vector<Renewal>& v) {
  Json j = Json::array();
  for (const auto& r : v) {
    j.push_back(Json{{"contract", r.contract_id}, {"deal", r.deal_id}, {"company", r.company}, {"owner", r.owner},
                     {"amount", M(r.amount, r.currency)}, {"amount_minor", r.amount}, {"currency", r.currency},
                     {"renewal_date", Date(r.renewal_date)}, {"days_left", r.days_left}});
  }
  return j;
}

Json ToJson(const std::vector<WaitingTicket>& v) {
  Json j = Json::array();
  for (const auto& t : v) {
    j.push_back(Json{{"ticket", t.ticket_id}, {"subject", t.subject}, {"contact", t.contact}, {"company", t.company},
                     {"assignee", t.assignee}, {"priority", t.priority}, {"hours_waiting", t.hours_waiting}});
  }
  return j;
}

Json ToJson(const TimelineResult& t) {
  Json j;
  j["total"] = t.total;
  j["more"] = t.more;
  if (t.next) j["next"] = std::to_string(t.next->occurred) + ":" + std::to_string(t.next->position);
  j["entries"] = Json::array();
  for (const auto& r : t.rows) {
    j["entries"].push_back(Json{{"occurred_at", FormatIso8601(r.occurred)}, {"recorded_at", FormatIso8601(r.recorded)},
                                {"actor", r.actor}, {"type", r.type}, {"record", r.stream}, {"summary", r.summary},
                                {"position", r.position}});
  }
  return j;
}

Json ToJson(const std::vector<HistoryRow>& rows) {
  Json j = Json::array();
  for (const auto& r : rows) {
    Json x{{"position", r.position}, {"version", r.version}, {"occurred_at", FormatIso8601(r.occurred)},
           {"recorded_at", FormatIso8601(r.recorded)}, {"actor", r.actor}, {"command_id", r.command_id}};
    if (!r.causation_id.empty()) x["causation_id"] = r.causation_id;
    x["event"] = r.event_type;
    x["field"] = r.field;
    x["old"] = r.old_value;
    x["new"] = r.new_value;
    j.push_back(std::move(x));
  }
  return j;
}

Json ToJson(const std::vector<SearchHit>& hits) {
  Json j = Json::array();
  for (const auto& h : hits) j.push_back(Json{{"record", h.record}, {"matched", h.matched}});
  return j;
}

Json ToJson(const std::vector<DuplicateGroup>& groups) {
  Json j = Json::array();
  for (const auto& g : groups) j.push_back(Json{{"reason", g.reason}, {"records", g.records}});
  return j;
}

}  // namespace rapport::projections
