// The forecast: open, weighted, history-based and won amounts by period and owner or team.
#include <map>

#include "domain/enums.h"
#include "projections/flat_map.h"

#include <unordered_map>
#include "projections/query_internal.h"

namespace rapport::projections {

using namespace internal;

namespace {

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

    // One pass over the deals: closed ones count for the stage rates, the rest are kept for
  // the rows once the rates are known.
  auto key = [](Sym pipeline, Sym stage) { return (uint64_t{pipeline} << 32) | stage; };
  FlatMap reached_index;
  std::vector<std::pair<size_t, size_t>> reached;  // closed, won

  // Rows are keyed by (period number, group) while counting and named at the end.
  auto period_of = [&](int32_t day) -> int64_t {
    if (day == kNoDate) return INT32_MIN;
    int64_t y;
    unsigned mo, d;
    CivilFromDays(day, &y, &mo, &d);
    return o.period == Period::kQuarter ? y * 4 + (mo - 1) / 3 : y * 12 + (mo - 1);
  };
  auto period_name = [&](int64_t p) -> std::string {
    if (p == INT32_MIN) return "unscheduled";
    char buf[48];  // room for any int64 year (the compiler checks)
    if (o.period == Period::kQuarter) {
      std::snprintf(buf, sizeof buf, "%04lld-Q%lld", static_cast<long long>(p / 4), static_cast<long long>(p % 4 + 1));
    } else {
      std::snprintf(buf, sizeof buf, "%04lld-%02lld", static_cast<long long>(p / 12), static_cast<long long>(p % 12 + 1));
    }
    return buf;
  };
  // Owners' teams in the view, for grouping by team.
  std::unordered_map<Sym, std::vector<Sym>> teams_of;
  if (o.group == GroupBy::kTeam) {
    for (const auto& t : m.org.Teams(at)) {
      for (Sym u : t.members) teams_of[u].push_back(t.name);
    }
  }
  static const std::vector<Sym> kNoGroup{0};
  auto groups_of = [&](Sym owner) -> const std::vector<Sym>& {
    thread_local std::vector<Sym> one(1);
    if (o.group == GroupBy::kNone) return kNoGroup;
    if (o.group == GroupBy::kOwner) {
      one[0] = owner;
      return one;
    }
    auto it = teams_of.find(owner);
    return it == teams_of.end() ? kNoGroup : it->second;
  };
  FlatMap row_index;
  std::vector<std::pair<std::pair<int64_t, Sym>, ForecastRow>> rows;
  auto row = [&](int64_t period, Sym group) -> ForecastRow& {
    uint64_t k = (static_cast<uint64_t>(period - INT32_MIN) << 32) | group;
    auto [i, added] = row_index.Insert(k, static_cast<uint32_t>(rows.size()));
    if (added) rows.push_back({{period, group}, ForecastRow{}});
    return rows[i].second;
  };

  // One pass over the deals: closed ones count for the stage rates and won ones for their
  // rows; open ones are kept (small) until the rates are known.
  struct Open {
    Sym pipeline, stage, owner;
    int64_t amount_home, period;
    int probability, category;
  };
  std::vector<Open> open;
  int32_t today = ViewDay(at);
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
      if (d.status == DealStatus::kWon) {
        int64_t v = 0;
        if (!conv.ToHome(d.amount, d.currency, d.close_date, &v)) return;
        for (Sym g : groups_of(d.owner)) {
          ForecastRow& r = row(period_of(d.close_date), g);
          r.won = AddAmount(r.won, v);
          ++r.won_deals;
        }
      } else if (d.status == DealStatus::kOpen) {
        auto pit = pipelines.find(d.pipeline);
        const StageDef* st = pit == pipelines.end() ? nullptr : pit->second.Stage(d.stage);
        int prob = st ? st->probability : 0;
        int cat = CategoryOf(d, prob);
        if (cat == 4) return;  // omitted from the forecast
        int64_t v = 0;
        if (!conv.ToHome(d.amount, d.currency, today, &v)) return;
        open.push_back({d.pipeline, d.stage, d.owner, v, period_of(d.expected_close), prob, cat});
      }
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
  for (const Open& d : open) {
    const uint32_t* ri = rate_index.Find(key(d.pipeline, d.stage));
    double hist = ri ? rate[*ri] : 0.0;
    for (Sym g : groups_of(d.owner)) {
      ForecastRow& r = row(d.period, g);
      r.open = AddAmount(r.open, d.amount_home);
      r.weighted = AddAmount(r.weighted, PercentOf(d.amount_home, d.probability));
      // hist is a win rate in [0, 1]; only a product at int64's very edge rounds out of range.
      const double h = static_cast<double>(d.amount_home) * hist + 0.5;
      r.history = AddAmount(r.history, h >= 0x1p63 ? INT64_MAX : static_cast<int64_t>(h));
      int64_t& category = d.category == 3 ? r.commit : d.category == 2 ? r.best_case : r.pipeline;
      category = AddAmount(category, d.amount_home);
      ++r.open_deals;
    }
  }
  for (auto& [k, r] : rows) {
    r.period = period_name(k.first);
    if (o.group == GroupBy::kOwner) {
      r.group = m.strings.Str(k.second).empty() ? "(no owner)" : m.strings.Str(k.second);
    } else if (o.group == GroupBy::kTeam) {
      r.group = k.second == 0 ? "(no team)" : m.strings.Str(k.second);
    }
    f.rows.push_back(r);
  }
  std::sort(f.rows.begin(), f.rows.end(), [](const ForecastRow& a, const ForecastRow& b) {
    return a.period != b.period ? a.period < b.period : a.group < b.group;
  });
  conv.Warnings(&f.warnings);
  return f;
}

}  // namespace rapport::projections
