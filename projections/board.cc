// The pipeline board and the pipeline diff (waterfall).
#include <algorithm>
#include <map>

#include "projections/query_internal.h"

namespace rapport::projections {
namespace internal {

Result<PipelineView> FindPipeline(const ReadModel& m, const AsOf& at, std::string_view id) {
  if (id.empty()) {
    auto all = m.org.Pipelines(at);
    if (all.empty()) {
      return Status::NotFound("there are no pipelines " + at.ToString() +
                              (at.mode == AsOf::Mode::kRecorded
                                   ? ": rapport held none yet then; add --effective to see what had "
                                     "happened by then, as known now"
                                   : ""));
    }
    return all.front();
  }
  PipelineView p = m.org.Pipeline(m.strings.Find(id), at);
  if (!p.exists) {
    return Status::NotFound("there is no pipeline " + std::string(id) +
                            (at.is_now() ? "" : " " + at.ToString()));
  }
  return p;
}

std::set<Sym> TeamMembers(const ReadModel& m, const AsOf& at, std::string_view team_id) {
  std::set<Sym> out;
  Sym id = m.strings.Find(team_id);
  for (const auto& t : m.org.Teams(at)) {
    if (t.id == id) out = t.members;
  }
  return out;
}

}  // namespace internal

using namespace internal;

Result<Board> BuildBoard(const ReadModel& m, const AsOf& at, std::string_view pipeline_id,
                         size_t max_deals_per_stage) {
  auto p = FindPipeline(m, at, pipeline_id);
  if (!p.ok()) return p.status();
  Converter conv(m, at);
  Board b;
  b.pipeline_id = m.strings.Str(p->id);
  b.pipeline_name = m.strings.Str(p->name);
  b.currency = conv.home();
  std::map<Sym, size_t> column_of;
  for (const auto& st : p->stages) {
    column_of[st.id] = b.columns.size();
    b.columns.push_back({m.strings.Str(st.id), m.strings.Str(st.name), st.probability, false, {}, 0, 0, 0});
  }
  int32_t day = ViewDay(at);
  m.deals.ForEachIn(p->id, at, [&](const DealView& d, size_t index) {
    if (d.status != DealStatus::kOpen) return;
    auto col = column_of.find(d.stage);
    if (col == column_of.end()) {  // a stage removed from the pipeline: its own column
      column_of[d.stage] = b.columns.size();
      b.columns.push_back({m.strings.Str(d.stage), m.strings.Str(d.stage) + " (removed)", 0, true, {}, 0, 0, 0});
      col = column_of.find(d.stage);
    }
    BoardColumn& c = b.columns[col->second];
    ++c.count;
    int64_t home = 0;
    bool converted = conv.ToHome(d.amount, d.currency, day, &home);
    if (converted) {
      c.total = AddAmount(c.total, home);
      c.weighted = AddAmount(c.weighted, PercentOf(home, c.probability));
    }
    // Keep only the largest deals of each stage when asked to (totals count them all).
    if (max_deals_per_stage && c.deals.size() >= max_deals_per_stage &&
        home <= c.deals.back().amount_home) {
      return;
    }
    BoardDeal x;
    x.id = m.strings.Str(d.id);
    x.name = m.strings.Str(d.name);
    x.owner = m.strings.Str(d.owner);
    x.company = m.strings.Str(d.company);
    x.currency = m.strings.Str(d.currency);
    x.amount = d.amount;
    x.amount_home = home;
    x.converted = converted;
    x.days_in_stage = DaysBetween(d.stage_entered_at, at.instant);
    Micros last = m.deals.LastActivity(index, at);
    x.days_since_activity = last > 0 ? DaysBetween(last, at.instant) : -1;
    x.expected_close = d.expected_close;
    // Largest first; ties by id.
    auto before = [](const BoardDeal& a, const BoardDeal& z) {
      return a.amount_home != z.amount_home ? a.amount_home > z.amount_home : a.id < z.id;
    };
    c.deals.insert(std::upper_bound(c.deals.begin(), c.deals.end(), x, before), std::move(x));
    if (max_deals_per_stage && c.deals.size() > max_deals_per_stage) c.deals.pop_back();
  }, /*open_only=*/true);
  for (auto& c : b.columns) {
    b.total = AddAmount(b.total, c.total);
    b.weighted = AddAmount(b.weighted, c.weighted);
    b.deals += c.count;
  }
  conv.Warnings(&b.warnings);
  return b;
}

Result<PipelineDiff> DiffPipeline(const ReadModel& m, const AsOf& from, const AsOf& to,
                                  std::string_view pipeline_id) {
  auto p = FindPipeline(m, to, pipeline_id);
  if (!p.ok()) {
    p = FindPipeline(m, from, pipeline_id);
    if (!p.ok()) return p.status();
  }
  PipelineView before = m.org.Pipeline(p->id, from);
  Converter conv(m, to);
  int32_t day = ViewDay(to);
  PipelineDiff diff;
  diff.pipeline_id = m.strings.Str(p->id);
  diff.currency = conv.home();
  // Deals of the pipeline in either view.
  std::map<Sym, std::pair<DealView, DealView>> deals;  // id -> (from, to)
  m.deals.ForEachIn(p->id, from, [&](const DealView& d, size_t) { deals[d.id].first = d; });
  m.deals.ForEachIn(p->id, to, [&](const DealView& d, size_t) { deals[d.id].second = d; });
  auto home = [&](const DealView& d) {
    int64_t v = 0;
    conv.ToHome(d.amount, d.currency, day, &v);
    return v;
  };
  auto stage_index = [&](const PipelineView& pv, Sym stage) { return pv.IndexOf(stage); };
  for (const auto& [id, pair] : deals) {
    const DealView& a = pair.first;
    const DealView& b = pair.second;
    bool open_a = a.exists && a.status == DealStatus::kOpen;
    bool open_b = b.exists && b.status == DealStatus::kOpen;
    std::string deal_id = m.strings.Str(id);
    std::string name = m.strings.Str(b.exists ? b.name : a.name);
    if (open_a) diff.start = AddAmount(diff.start, home(a));
    if (open_b) diff.end = AddAmount(diff.end, home(b));
    if (!open_a && open_b) {
      int64_t v = home(b);
      diff.added = AddAmount(diff.added, v);
      diff.rows.push_back({deal_id, name, a.exists ? "reopened" : "added", "", m.strings.Str(b.stage), v});
      continue;
    }
    if (open_a && !open_b) {
      int64_t v = home(a);
      std::string change = b.status == DealStatus::kWon ? "won" : b.status == DealStatus::kLost ? "lost" : "removed";
      int64_t& bucket = change == "won" ? diff.won : change == "lost" ? diff.lost : diff.removed;
      bucket = AddAmount(bucket, v);
      diff.rows.push_back({deal_id, name, change, m.strings.Str(a.stage), "", -v});
      continue;
    }
    if (!open_a || !open_b) continue;
    if (a.stage != b.stage) {
      int ia = stage_index(before, a.stage), ib = stage_index(*p, b.stage);
      diff.rows.push_back({deal_id, name, ib >= ia ? "moved forward" : "moved back",
                           m.strings.Str(a.stage), m.strings.Str(b.stage), 0});
    }
    int64_t va = home(a), vb = home(b);
    if (va != vb) {
      const int64_t change = SubAmount(vb, va);
      if (vb > va) {
        diff.increased = AddAmount(diff.increased, change);
      } else {
        diff.decreased = AddAmount(diff.decreased, SubAmount(va, vb));
      }
      diff.rows.push_back({deal_id, name, vb > va ? "amount up" : "amount down",
                           domain::FormatMoney(a.amount, m.strings.Str(a.currency)),
                           domain::FormatMoney(b.amount, m.strings.Str(b.currency)), change});
    }
    if (a.expected_close != b.expected_close) {
      auto date = [](int32_t d) { return d == kNoDate ? std::string("—") : domain::FormatDate(d); };
      diff.rows.push_back({deal_id, name, "close date", date(a.expected_close), date(b.expected_close), 0});
    }
  }
  conv.Warnings(&diff.warnings);
  return diff;
}

}  // namespace rapport::projections
