// Reports: conversion, win rate, cycle length, deal size, revenue, sources, activity.
#include <algorithm>
#include <array>
#include <map>

#include "domain/enums.h"
#include "projections/query_internal.h"

namespace rapport::projections {

using namespace internal;

const char* const kReportKinds[] = {"conversion", "winrate", "cycle", "deal-size", "revenue",
                                    "sources", "activity", nullptr};

namespace {

using json = nlohmann::ordered_json;

bool InRange(int32_t day, const ReportFilter& f) {
  if (day == kNoDate) return false;
  if (f.from_day != kNoDate && day < f.from_day) return false;
  if (f.to_day != kNoDate && day > f.to_day) return false;
  return true;
}

std::string Pct(size_t part, size_t whole) {
  if (whole == 0) return "—";
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return b;
}

std::string IsoWeek(Micros t) {
  int64_t days = t / kMicrosPerDay;
  // ISO 8601 week: Thursday of the week decides the year.
  int64_t weekday = ((days + 3) % 7 + 7) % 7;  // Monday = 0
  int64_t thursday = days - weekday + 3;
  int64_t y;
  unsigned m, d;
  CivilFromDays(thursday, &y, &m, &d);
  int64_t jan1 = DaysFromCivil(y, 1, 1);
  int week = static_cast<int>((thursday - jan1) / 7 + 1);
  char b[16];
  std::snprintf(b, sizeof b, "%04lld-W%02d", static_cast<long long>(y), week);
  return b;
}

struct Ctx {
  const ReadModel& m;
  const AsOf& at;
  const ReportFilter& f;
  Sym pipeline = 0, owner = 0;
  std::set<Sym> team;
  bool impossible = false;  // a filter names something that does not exist
  Converter conv;
  Ctx(const ReadModel& model, const AsOf& a, const ReportFilter& filter)
      : m(model), at(a), f(filter), conv(model, a) {
    if (!f.pipeline_id.empty()) impossible |= (pipeline = m.strings.Find(f.pipeline_id)) == 0;
    if (!f.owner_id.empty()) impossible |= (owner = m.strings.Find(f.owner_id)) == 0;
    if (!f.team_id.empty()) {
      team = TeamMembers(m, at, f.team_id);
      impossible |= team.empty();
    }
  }
  bool Keep(const DealView& d) const {
    if (impossible) return false;
    if (pipeline && d.pipeline != pipeline) return false;
    if (owner && d.owner != owner) return false;
    if (!f.team_id.empty() && !team.count(d.owner)) return false;
    return true;
  }
  bool KeepOwner(Sym who) const {
    if (impossible) return false;
    if (owner && who != owner) return false;
    if (!f.team_id.empty() && !team.count(who)) return false;
    return true;
  }
  std::string Money(int64_t v) const { return domain::FormatMoneyGrouped(v, conv.home()); }
  std::string Name(Sym s, const char* none) const {
    return m.strings.Str(s).empty() ? none : m.strings.Str(s);
  }
};

Report Conversion(Ctx& c) {
  Report r;
  r.title = "Stage-to-stage conversion (deals opened in the range)";
  r.columns = {"pipeline", "from_stage", "to_stage", "reached", "advanced", "rate"};
  for (const auto& p : c.m.org.Pipelines(c.at)) {
    if (c.pipeline && p.id != c.pipeline) continue;
    std::vector<size_t> reached(p.stages.size(), 0);
    size_t won = 0;
    c.m.deals.ForEach(c.at, [&](const DealView& d, size_t) {
      if (d.pipeline != p.id || !c.Keep(d)) return;
      if (!InRange(static_cast<int32_t>(d.opened_at / kMicrosPerDay), c.f)) return;
      // A deal counts as having reached a stage if it was in it or anywhere later.
      int furthest = -1;
      for (uint8_t i = 0; i < d.reached_count; ++i) furthest = std::max(furthest, p.IndexOf(d.reached[i]));
      if (d.status == DealStatus::kWon) furthest = static_cast<int>(p.stages.size()) - 1, ++won;
      for (int i = 0; i <= furthest; ++i) ++reached[static_cast<size_t>(i)];
    });
    for (size_t i = 0; i < p.stages.size(); ++i) {
      bool last = i + 1 == p.stages.size();
      size_t next = last ? won : reached[i + 1];
      r.rows.push_back(json{{"pipeline", c.m.strings.Str(p.id)},
                            {"from_stage", c.m.strings.Str(p.stages[i].name)},
                            {"to_stage", last ? "won" : c.m.strings.Str(p.stages[i + 1].name)},
                            {"reached", reached[i]},
                            {"advanced", next},
                            {"rate", Pct(next, reached[i])}});
    }
  }
  return r;
}

// Won and lost deals closed in the range, by owner, with a total row.
struct Outcome {
  size_t won = 0, lost = 0;
  int64_t won_amount = 0;
  int64_t cycle_days = 0;
  std::vector<int64_t> cycles;
};

std::map<std::string, Outcome> Outcomes(Ctx& c, bool by_owner) {
  std::map<std::string, Outcome> out;
  c.m.deals.ForEach(c.at, [&](const DealView& d, size_t) {
    if (d.status == DealStatus::kOpen || !c.Keep(d) || !InRange(d.close_date, c.f)) return;
    for (const std::string& key : {by_owner ? c.Name(d.owner, "(no owner)") : std::string(), std::string("TOTAL")}) {
      if (key.empty()) continue;
      Outcome& o = out[key];
      if (d.status == DealStatus::kWon) {
        ++o.won;
        int64_t v = 0;
        if (c.conv.ToHome(d.amount, d.currency, d.close_date, &v)) o.won_amount = AddAmount(o.won_amount, v);
        int64_t days = d.close_date - static_cast<int32_t>(d.opened_at / kMicrosPerDay);
        o.cycle_days += days;
        o.cycles.push_back(days);
      } else {
        ++o.lost;
      }
    }
  });
  return out;
}

Report WinRate(Ctx& c) {
  Report r;
  r.title = "Win rate (deals closed in the range)";
  r.columns = {"owner", "won", "lost", "win_rate"};
  for (auto& [owner, o] : Outcomes(c, true)) {
    r.rows.push_back(json{{"owner", owner}, {"won", o.won}, {"lost", o.lost}, {"win_rate", Pct(o.won, o.won + o.lost)}});
  }
  return r;
}

Report Cycle(Ctx& c) {
  Report r;
  r.title = "Sales cycle, opened to won, in days (deals won in the range)";
  r.columns = {"owner", "won", "average_days", "median_days"};
  for (auto& [owner, o] : Outcomes(c, true)) {
    if (o.won == 0) continue;
    std::sort(o.cycles.begin(), o.cycles.end());
    char avg[16];
    std::snprintf(avg, sizeof avg, "%.1f", static_cast<double>(o.cycle_days) / static_cast<double>(o.won));
    r.rows.push_back(json{{"owner", owner}, {"won", o.won}, {"average_days", avg},
                          {"median_days", o.cycles[o.cycles.size() / 2]}});
  }
  return r;
}

Report DealSize(Ctx& c) {
  Report r;
  r.title = "Average won deal size, " + c.conv.home() + " (deals won in the range)";
  r.columns = {"owner", "won", "average", "total"};
  for (auto& [owner, o] : Outcomes(c, true)) {
    if (o.won == 0) continue;
    r.rows.push_back(json{{"owner", owner}, {"won", o.won},
                          {"average", c.Money(o.won_amount / static_cast<int64_t>(o.won))},
                          {"total", c.Money(o.won_amount)},
                          {"average_minor", o.won_amount / static_cast<int64_t>(o.won)},
                          {"total_minor", o.won_amount}});
  }
  return r;
}

Report Revenue(Ctx& c) {
  Report r;
  r.title = "Revenue won in the range, " + c.conv.home() + ", by owner, team and source";
  r.columns = {"by", "group", "won", "revenue"};
  std::map<std::pair<std::string, std::string>, std::pair<size_t, int64_t>> sums;
  std::map<Sym, std::vector<std::string>> teams_of;
  for (const auto& t : c.m.org.Teams(c.at)) {
    for (Sym u : t.members) teams_of[u].push_back(c.m.strings.Str(t.name));
  }
  c.m.deals.ForEach(c.at, [&](const DealView& d, size_t) {
    if (d.status != DealStatus::kWon || !c.Keep(d) || !InRange(d.close_date, c.f)) return;
    int64_t v = 0;
    if (!c.conv.ToHome(d.amount, d.currency, d.close_date, &v)) return;
    auto add = [&](const std::string& by, const std::string& g) {
      auto& s = sums[{by, g}];
      ++s.first;
      s.second = AddAmount(s.second, v);
    };
    add("owner", c.Name(d.owner, "(no owner)"));
    auto t = teams_of.find(d.owner);
    if (t == teams_of.end()) {
      add("team", "(no team)");
    } else {
      for (const auto& name : t->second) add("team", name);
    }
    add("source", c.Name(d.source, "(no source)"));
  });
  for (const auto& [key, s] : sums) {
    r.rows.push_back(json{{"by", key.first}, {"group", key.second}, {"won", s.first},
                          {"revenue", c.Money(s.second)}, {"revenue_minor", s.second}});
  }
  return r;
}

Report Sources(Ctx& c) {
  Report r;
  r.title = "Leads and conversions by source (contacts created in the range)";
  r.columns = {"source", "leads", "customers", "conversion"};
  std::map<std::string, std::pair<size_t, size_t>> by;
  for (const auto& ct : c.m.engagement.Contacts(c.at)) {
    if (!c.KeepOwner(ct.owner)) continue;
    if (!InRange(static_cast<int32_t>(ct.created_at / kMicrosPerDay), c.f)) continue;
    auto& s = by[c.Name(ct.source, "(no source)")];
    ++s.first;
    if (ct.converted) ++s.second;
  }
  for (const auto& [source, s] : by) {
    r.rows.push_back(json{{"source", source}, {"leads", s.first}, {"customers", s.second},
                          {"conversion", Pct(s.second, s.first)}});
  }
  return r;
}

Report Activity(Ctx& c) {
  Report r;
  r.title = "Activities per owner per ISO week";
  r.columns = {"owner", "week", "emails", "calls", "meetings", "notes", "forms", "total"};
  std::map<std::pair<std::string, std::string>, std::array<size_t, 5>> counts;
  c.m.engagement.ForEachActivity(c.at, [&](const ActivityRecord& a) {
    if (!c.KeepOwner(a.author)) return;
    if (!InRange(static_cast<int32_t>(a.occurred / kMicrosPerDay), c.f)) return;
    ++counts[{c.Name(a.author, "(unknown)"), IsoWeek(a.occurred)}][static_cast<size_t>(a.kind)];
  });
  for (const auto& [key, n] : counts) {
    r.rows.push_back(json{{"owner", key.first}, {"week", key.second}, {"emails", n[0]}, {"calls", n[1]},
                          {"meetings", n[2]}, {"notes", n[3]}, {"forms", n[4]},
                          {"total", n[0] + n[1] + n[2] + n[3] + n[4]}});
  }
  return r;
}

}  // namespace

Result<Report> BuildReport(const ReadModel& m, const AsOf& at, std::string_view kind, const ReportFilter& f) {
  Ctx c(m, at, f);
  Report r;
  if (kind == "conversion") r = Conversion(c);
  else if (kind == "winrate") r = WinRate(c);
  else if (kind == "cycle") r = Cycle(c);
  else if (kind == "deal-size") r = DealSize(c);
  else if (kind == "revenue") r = Revenue(c);
  else if (kind == "sources") r = Sources(c);
  else if (kind == "activity") r = Activity(c);
  else {
    return Status::InvalidArgument("there is no report '" + std::string(kind) +
                                   "': use conversion, winrate, cycle, deal-size, revenue, sources or activity");
  }
  if (c.impossible) r.notes.push_back("a filter names a pipeline, owner or team that does not exist in this view");
  c.conv.Warnings(&r.notes);
  return r;
}

}  // namespace rapport::projections
