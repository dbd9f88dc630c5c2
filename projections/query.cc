#include "projections/query.h"

#include <string>

#include "domain/money.h"
#include "domain/value.h"
#include "projections/automation_queries.h"
#include "projections/scoring_queries.h"

namespace rapport::projections {

const char* const kQueryKinds[] = {"board",    "diff",    "forecast", "report",   "followups",
                                   "stale",    "renewals", "tickets", "timeline", "history",
                                   "search",   "duplicates", "rules", "automation", "score", "scores", "score_report", nullptr};

namespace {

std::string KnownKinds() {
  std::string s;
  for (const char* const* k = kQueryKinds; *k; ++k) s += (s.empty() ? "" : ", ") + std::string(*k);
  return s;
}

AsOf WithNow(AsOf a, Micros now) {
  if (a.is_now()) a.instant = now;
  return a;
}

// "occurred:position" as a previous timeline page printed it.
Result<std::optional<TimelineEntry>> ParseCursor(const std::string& cursor) {
  if (cursor.empty()) return std::optional<TimelineEntry>();
  auto colon = cursor.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == cursor.size()) {
    return Status::InvalidArgument("cursor: takes the 'next' value of a previous page (occurred:position)");
  }
  try {
    size_t used1 = 0, used2 = 0;
    TimelineEntry e{std::stoll(cursor.substr(0, colon), &used1), std::stoull(cursor.substr(colon + 1), &used2)};
    if (used1 != colon || used2 != cursor.size() - colon - 1) throw std::invalid_argument("trailing");
    return std::optional<TimelineEntry>(e);
  } catch (...) {
    return Status::InvalidArgument("cursor: takes the 'next' value of a previous page (occurred:position)");
  }
}

Result<int64_t> MinorUnits(const std::string& text, const std::string& currency) {
  if (text.empty()) return 0;
  auto number = domain::ParseValue(domain::ValueKind::Number, text, "min_amount", "");
  if (!number.ok()) return number.status();
  int exp = domain::CurrencyExponent(currency).value_or(2);
  int64_t v = number->int_value;
  for (int i = number->scale; i < exp; ++i) v *= 10;
  for (int i = exp; i < number->scale; ++i) v /= 10;
  return v;
}

template <typename T>
Json Items(const T& items, const AsOf& view) {
  Json j;
  j["view"] = ToJson(view);
  j["items"] = ToJson(items);
  return j;
}

}  // namespace

Result<Json> RunQuery(const ProjectionEngine& engine, const Query& q, Micros now) {
  const AsOf at = WithNow(q.view, now);
  const std::string& k = q.kind;

  if (k == "board") {
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      auto b = BuildBoard(m, a, q.pipeline_id, q.limit);
      if (!b.ok()) return b.status();
      Json j = ToJson(*b);
      j["view"] = ToJson(a);
      return j;
    });
  }
  if (k == "diff") {
    AsOf from = WithNow(q.from, now);
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      AsOf f = engine.Resolve(from);
      auto d = DiffPipeline(m, f, a, q.pipeline_id);
      if (!d.ok()) return d.status();
      Json j = ToJson(*d);
      j["from"] = ToJson(f);
      j["to"] = ToJson(a);
      return j;
    });
  }
  if (k == "forecast") {
    ForecastOptions fo;
    if (q.period == "month" || q.period.empty()) fo.period = Period::kMonth;
    else if (q.period == "quarter") fo.period = Period::kQuarter;
    else return Status::InvalidArgument("period: '" + q.period + "' is not month or quarter");
    if (q.group == "none" || q.group.empty()) fo.group = GroupBy::kNone;
    else if (q.group == "owner") fo.group = GroupBy::kOwner;
    else if (q.group == "team") fo.group = GroupBy::kTeam;
    else return Status::InvalidArgument("group: '" + q.group + "' is not none, owner or team");
    fo.pipeline_id = q.pipeline_id;
    fo.owner_id = q.owner_id;
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      Json j = ToJson(BuildForecast(m, a, fo));
      j["view"] = ToJson(a);
      return j;
    });
  }
  if (k == "report") {
    ReportFilter f;
    f.pipeline_id = q.pipeline_id;
    f.owner_id = q.owner_id;
    f.team_id = q.team_id;
    if (!q.from_date.empty()) {
      auto d = domain::ParseDate(q.from_date, "from_date");
      if (!d.ok()) return d.status();
      f.from_day = *d;
    }
    if (!q.to_date.empty()) {
      auto d = domain::ParseDate(q.to_date, "to_date");
      if (!d.ok()) return d.status();
      f.to_day = *d;
    }
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      auto r = BuildReport(m, a, q.report, f);
      if (!r.ok()) return r.status();
      Json j = ToJson(*r);
      j["view"] = ToJson(a);
      return j;
    });
  }
  if (k == "followups") {
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      return Items(BuildFollowUps(m, a, q.user_id), a);
    });
  }
  if (k == "stale") {
    int days = q.days < 0 ? 14 : q.days;
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      auto floor = MinorUnits(q.min_amount, m.org.Rates(a).home());
      if (!floor.ok()) return floor.status();
      std::vector<std::string> warnings;
      Json j = Items(BuildStale(m, a, days, *floor, &warnings), a);
      j["warnings"] = warnings;
      return j;
    });
  }
  if (k == "renewals") {
    int days = q.days < 0 ? 60 : q.days;
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      return Items(BuildRenewals(m, a, days), a);
    });
  }
  if (k == "tickets") {
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      return Items(BuildWaitingTickets(m, a), a);
    });
  }
  if (k == "timeline") {
    auto cursor = ParseCursor(q.cursor);
    if (!cursor.ok()) return cursor.status();
    size_t limit = q.limit == 0 ? 20 : q.limit;
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      auto t = BuildTimeline(m, *engine.log(), a, q.record, limit, *cursor ? &**cursor : nullptr);
      if (!t.ok()) return t.status();
      Json j = ToJson(*t);
      j["record"] = q.record;
      j["view"] = ToJson(a);
      return j;
    });
  }
  if (k == "history") {
    AsOf a = engine.Resolve(at);
    auto rows = BuildHistory(*engine.log(), a, q.record);
    if (!rows.ok()) return rows.status();
    Json j;
    j["record"] = q.record;
    j["view"] = ToJson(a);
    j["changes"] = ToJson(*rows);
    return j;
  }
  if (k == "search") {
    if (q.text.empty()) return Status::InvalidArgument("text: say what to look for");
    if (!q.record_type.empty() && q.record_type != "contact" && q.record_type != "company") {
      return Status::InvalidArgument("record_type: search covers contact and company, not '" + q.record_type + "'");
    }
    size_t limit = q.limit == 0 ? 20 : q.limit;
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      return ToJson(m.search.Search(q.text, q.record_type, a, limit));
    });
  }
  if (k == "duplicates") {
    return engine.Read(at, [&](const ReadModel& m, const AsOf& a) -> Result<Json> {
      return ToJson(m.search.Duplicates(a));
    });
  }
  if (k == "rules") return RulesView(engine, at);
  if (k == "automation") {
    if (q.record.find('/') == std::string::npos) {
      return Status::InvalidArgument("record: name it as type/id, e.g. deal/D-3");
    }
    return AutomationView(engine, at, q.record, q.limit);
  }
  if (k == "score") {
    std::string id = q.record;
    if (id.rfind("contact/", 0) == 0) {
      id = id.substr(8);
    } else if (id.find('/') != std::string::npos) {
      return Status::InvalidArgument("record: scores belong to contacts; name one as contact/C-1 or C-1");
    }
    return ScoreView(engine, at, id, q.limit);
  }
  if (k == "scores") return ScoresView(engine, at, q.min_amount, q.limit);
  if (k == "score_report") return ScoreReportView(engine, at, now);
  return Status::InvalidArgument("kind: '" + k + "' is not a query; the queries are " + KnownKinds());
}

}  // namespace rapport::projections
