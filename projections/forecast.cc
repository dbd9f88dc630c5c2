// The forecast: open, weighted, history-based and won amounts by period and owner or team.
#include <map>

#include "domain/enums.h"
#include "projections/flat_map.h"
#include "projections/query_internal.h"

namespace rapport::projections {

using namespace internal;

namespace {

std::string PeriodOf(int32_t day, Period p) {
  if (day == kNoDate) return "unscheduled";
  int64_t y;
  unsigned mo, d;
  CivilFromDays(day, &y, &mo, &d);
  char buf[16];
  if (p == Period::kQuarter) {
    std::snprintf(buf, sizeof buf, "%04lld-Q%u", static_cast<long long>(y), (mo - 1) / 3 + 1);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u", static_cast<long long>(y), mo);
  }
  return buf;
}

// Categories: 1 pipeline, 2 best case, 3 commit, 4 omitted (fb::ForecastCategory).
int CategoryOf(const DealView& d, int probability) {
  if (d.category != 0) return d.category;
  if (probability >= 80) return 3;
  if (probability >= 40) return 2;
  return 1;
}

}  // namespace

Forecast BuildForecast(const ReadModel& m, const AsOf& at, const ForecastOptions& o) {
  Forecast f;
  Converter conv(m, at);
  f.currency = conv.home();
  std::map<Sym, PipelineView> pipelines;
  for (auto& p : m.org.Pipelines(at)) pipelines[p.id] = p;
  Sym pipeline_filter = o.pipeline_id.empty() ? 0 : m.strings.Find(o.pipeline_id);
  Sym owner_filter = o.owner_id.empty() ? 0 : m.strings.Find(o.owner_id);
  bool filtered_out_all = (!o.pipeline_id.empty() && pipeline_filter == 0) ||
                          (!o.owner_id.empty() && owner_filter == 0);

  // The win rate each stage actually achieved: of the closed deals that were ever in it,
  // how many were won.
  // One pass over the deals: closed ones count for the stage rates, the rest are kept for
  // the rows once the rates are known.
  auto key = [](Sym pipeline, Sym stage) { return (uint64_t{pipeline} << 32) | stage; };
  FlatMap reached_index;
  std::vector<std::pair<size_t, size_t>> reached;  // closed, won
  std::vector<DealView> rest;
  if (!filtered_out_all) {
    m.deals.ForEach(at, [&](const DealView& d, size_t) {
      if (d.status != DealStatus::kOpen) {
        for (uint8_t i = 0; i < d.reached_count; ++i) {
          auto [idx, added] = reached_index.Insert(key(d.pipeline, d.reached[i]), static_cast<uint32_t>(reached.size()));
          if (added) reached.emplace_back(0, 0);
          ++reached[idx].first;
          if (d.status == DealStatus::kWon) ++reached[idx].second;
        }
      }
      if (pipeline_filter && d.pipeline != pipeline_filter) return;
      if (owner_filter && d.owner != owner_filter) return;
      if (d.status != DealStatus::kLost) rest.push_back(d);
    });
  }
  FlatMap rate_index;
  std::vector<double> rate;
  for (const auto& [pid, p] : pipelines) {
    if (pipeline_filter && pid != pipeline_filter) continue;
    for (const auto& st : p.stages) {
      const uint32_t* idx = reached_index.Find(key(pid, st.id));
      std::pair<size_t, size_t> r = idx ? reached[*idx] : std::make_pair(size_t{0}, size_t{0});
      double x = r.first ? static_cast<double>(r.second) / static_cast<double>(r.first) : 0.0;
      rate_index.Set(key(pid, st.id), static_cast<uint32_t>(rate.size()));
      rate.push_back(x);
      f.rates.push_back({m.strings.Str(pid), m.strings.Str(st.id), m.strings.Str(st.name), st.probability,
                         r.first, r.second, x});
    }
  }

  // Owners' teams in the view, for grouping by team.
  std::map<Sym, std::vector<std::string>> teams_of;
  if (o.group == GroupBy::kTeam) {
    for (const auto& t : m.org.Teams(at)) {
      for (Sym u : t.members) teams_of[u].push_back(m.strings.Str(t.name));
    }
  }
  std::map<std::pair<std::string, std::string>, ForecastRow> rows;
  auto groups_of = [&](Sym owner) -> std::vector<std::string> {
    switch (o.group) {
      case GroupBy::kNone:
        return {""};
      case GroupBy::kOwner:
        return {m.strings.Str(owner).empty() ? "(no owner)" : m.strings.Str(owner)};
      case GroupBy::kTeam: {
        auto it = teams_of.find(owner);
        return it == teams_of.end() ? std::vector<std::string>{"(no team)"} : it->second;
      }
    }
    return {""};
  };
  int32_t today = ViewDay(at);
  {
    for (const DealView& d : rest) {
      auto pit = pipelines.find(d.pipeline);
      if (d.status == DealStatus::kOpen) {
        const StageDef* st = pit == pipelines.end() ? nullptr : pit->second.Stage(d.stage);
        int prob = st ? st->probability : 0;
        int cat = CategoryOf(d, prob);
        if (cat == 4) continue;  // omitted from the forecast
        int64_t v = 0;
        if (!conv.ToHome(d.amount, d.currency, today, &v)) continue;
        const uint32_t* ri = rate_index.Find(key(d.pipeline, d.stage));
        double hist = ri ? rate[*ri] : 0.0;
        for (const auto& g : groups_of(d.owner)) {
          ForecastRow& r = rows[{PeriodOf(d.expected_close, o.period), g}];
          r.open += v;
          r.weighted += v * prob / 100;
          r.history += static_cast<int64_t>(static_cast<double>(v) * hist + 0.5);
          (cat == 3 ? r.commit : cat == 2 ? r.best_case : r.pipeline) += v;
          ++r.open_deals;
        }
      } else if (d.status == DealStatus::kWon) {
        int64_t v = 0;
        if (!conv.ToHome(d.amount, d.currency, d.close_date, &v)) continue;
        for (const auto& g : groups_of(d.owner)) {
          ForecastRow& r = rows[{PeriodOf(d.close_date, o.period), g}];
          r.won += v;
          ++r.won_deals;
        }
      }
    }
  }
  for (auto& [key, r] : rows) {
    r.period = key.first;
    r.group = key.second;
    f.rows.push_back(r);
  }
  conv.Warnings(&f.warnings);
  return f;
}

}  // namespace rapport::projections
