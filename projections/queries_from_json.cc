#include "projections/queries_from_json.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "domain/value.h"

namespace rapport::projections {
namespace {

// Paths: "" is the document itself, "stages[2].deals[0].amount_minor" a field inside it.
std::string Shown(const std::string& path) { return path.empty() ? "(root)" : path; }
std::string Key(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

Status Expected(const std::string& path, std::string_view what, const Json& got) {
  return Status::InvalidArgument(Shown(path) + ": expected " + std::string(what) + ", got " +
                                 got.type_name());
}

// ---- One reader per kind of field: Kind(out) names what it expects, Read(v, path, out) reads
// v into out or says why not. Never throws: every get is preceded by its type test.

// A calendar date, "YYYY-MM-DD", "" for kNoDate.
struct AsDate {
  int32_t* day;
};
// An ISO 8601 instant.
struct AsInstant {
  Micros* t;
};
// A number of days or null (-1).
struct DaysOrNull {
  int* days;
};
// A timeline cursor, "occurred:position".
struct AsCursor {
  std::optional<TimelineEntry>* next;
};

const char* Kind(std::string*) { return "a string"; }
const char* Kind(bool*) { return "a boolean"; }
const char* Kind(double*) { return "a number"; }
template <typename I>
  requires std::is_integral_v<I>
const char* Kind(I*) {
  return "an integer";
}
const char* Kind(std::vector<std::string>*) { return "an array of strings"; }
const char* Kind(AsDate) { return "a date (YYYY-MM-DD or \"\")"; }
const char* Kind(AsInstant) { return "an ISO 8601 instant"; }
const char* Kind(DaysOrNull) { return "an integer or null"; }
const char* Kind(AsCursor) { return "a cursor (occurred:position)"; }

Status Read(const Json& v, const std::string& path, std::string* out) {
  if (!v.is_string()) return Expected(path, Kind(out), v);
  *out = v.get_ref<const std::string&>();
  return Status::Ok();
}

Status Read(const Json& v, const std::string& path, bool* out) {
  if (!v.is_boolean()) return Expected(path, Kind(out), v);
  *out = v.get<bool>();
  return Status::Ok();
}

Status Read(const Json& v, const std::string& path, double* out) {
  if (!v.is_number()) return Expected(path, Kind(out), v);
  *out = v.get<double>();
  return Status::Ok();
}

template <typename I>
  requires std::is_integral_v<I>
Status Read(const Json& v, const std::string& path, I* out) {
  bool in_range;
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    in_range = std::in_range<I>(u);
    if (in_range) *out = static_cast<I>(u);
  } else if (v.is_number_integer()) {
    int64_t s = v.get<int64_t>();
    in_range = std::in_range<I>(s);
    if (in_range) *out = static_cast<I>(s);
  } else {
    return Expected(path, Kind(out), v);
  }
  if (!in_range) {
    return Status::InvalidArgument(Shown(path) + ": " + v.dump() + " is out of range (" +
                                   std::to_string(std::numeric_limits<I>::min()) + " to " +
                                   std::to_string(std::numeric_limits<I>::max()) + ")");
  }
  return Status::Ok();
}

Status Read(const Json& v, const std::string& path, std::vector<std::string>* out) {
  if (!v.is_array()) return Expected(path, Kind(out), v);
  std::vector<std::string> items;
  items.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    items.emplace_back();
    RAPPORT_RETURN_IF_ERROR(Read(v[i], Index(path, i), &items.back()));
  }
  *out = std::move(items);
  return Status::Ok();
}

Status Read(const Json& v, const std::string& path, AsDate out) {
  if (!v.is_string()) return Expected(path, Kind(out), v);
  const std::string& s = v.get_ref<const std::string&>();
  if (s.empty()) {
    *out.day = kNoDate;
    return Status::Ok();
  }
  auto d = domain::ParseDate(s, Shown(path));
  if (!d.ok()) return d.status();
  *out.day = *d;
  return Status::Ok();
}

Status Read(const Json& v, const std::string& path, AsInstant out) {
  if (!v.is_string()) return Expected(path, Kind(out), v);
  auto t = ParseIso8601(v.get_ref<const std::string&>());
  if (!t.ok()) return t.status().WithContext(Shown(path));
  *out.t = *t;
  return Status::Ok();
}

Status Read(const Json& v, const std::string& path, DaysOrNull out) {
  if (v.is_null()) {
    *out.days = -1;
    return Status::Ok();
  }
  if (!v.is_number_integer()) return Expected(path, Kind(out), v);
  return Read(v, path, out.days);
}

Status Read(const Json& v, const std::string& path, AsCursor out) {
  if (!v.is_string()) return Expected(path, Kind(out), v);
  const std::string& s = v.get_ref<const std::string&>();
  const char* begin = s.data();
  const char* end = begin + s.size();
  size_t colon = s.find(':');
  TimelineEntry e;
  bool ok = colon != std::string::npos;
  if (ok) {
    auto a = std::from_chars(begin, begin + colon, e.occurred);
    auto b = std::from_chars(begin + colon + 1, end, e.position);
    ok = a.ec == std::errc() && a.ptr == begin + colon && b.ec == std::errc() && b.ptr == end;
  }
  if (!ok) return Status::InvalidArgument(Shown(path) + ": '" + s + "' is not " + Kind(out));
  *out.next = e;
  return Status::Ok();
}

// A JSON object being read, and where it sits in the document.
class Object {
 public:
  // `j` must outlive the Object.
  Object(const Json& j, std::string path) : j_(j), path_(std::move(path)) {}

  Status Check() const { return j_.is_object() ? Status::Ok() : Expected(path_, "an object", j_); }
  std::string PathOf(std::string_view key) const { return Key(path_, key); }

  // The value of `key`, or nullptr. REQUIRES: Check() is ok.
  const Json* Find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  // A present field.
  template <typename Out>
  Status Get(const char* key, Out out) const {
    const Json* v = Find(key);
    if (v == nullptr) return Status::InvalidArgument(PathOf(key) + ": missing (expected " + Kind(out) + ")");
    return Read(*v, PathOf(key), out);
  }
  // A field ToJson writes only sometimes: *out keeps its default when absent.
  template <typename Out>
  Status Optional(const char* key, Out out) const {
    const Json* v = Find(key);
    return v == nullptr ? Status::Ok() : Read(*v, PathOf(key), out);
  }
  // Calls f(const Object&) for each element of the array `key`, each of which must be an object.
  template <typename F>
  Status Each(const char* key, F&& f) const;

 private:
  const Json& j_;
  std::string path_;
};

// f(const Object&) for each element of the array `v` at `path`.
template <typename F>
Status EachObject(const Json& v, const std::string& path, F&& f) {
  if (!v.is_array()) return Expected(path, "an array of objects", v);
  for (size_t i = 0; i < v.size(); ++i) {
    Object o(v[i], Index(path, i));
    RAPPORT_RETURN_IF_ERROR(o.Check());
    RAPPORT_RETURN_IF_ERROR(f(o));
  }
  return Status::Ok();
}

template <typename F>
Status Object::Each(const char* key, F&& f) const {
  const Json* v = Find(key);
  if (v == nullptr) return Status::InvalidArgument(PathOf(key) + ": missing (expected an array of objects)");
  return EachObject(*v, PathOf(key), std::forward<F>(f));
}

// The document `j` as an array of objects, each read into a T by `read`; *out replaced on success.
template <typename T, typename F>
Status ReadList(const Json& j, std::vector<T>* out, F&& read) {
  std::vector<T> items;
  RAPPORT_RETURN_IF_ERROR(EachObject(j, "", [&](const Object& o) {
    items.emplace_back();
    return read(o, &items.back());
  }));
  *out = std::move(items);
  return Status::Ok();
}

// start + added + increased - decreased - won - lost - removed, as Reconciles() computes it,
// or false if a step overflows.
bool SumsWithoutOverflow(const PipelineDiff& d) {
  int64_t s = d.start;
  return !__builtin_add_overflow(s, d.added, &s) && !__builtin_add_overflow(s, d.increased, &s) &&
         !__builtin_sub_overflow(s, d.decreased, &s) && !__builtin_sub_overflow(s, d.won, &s) &&
         !__builtin_sub_overflow(s, d.lost, &s) && !__builtin_sub_overflow(s, d.removed, &s);
}

}  // namespace

Status FromJson(const Json& j, AsOf* out) {
  Object o(j, "");
  RAPPORT_RETURN_IF_ERROR(o.Check());
  std::string mode;
  RAPPORT_RETURN_IF_ERROR(o.Get("mode", &mode));
  AsOf at;
  if (mode == "now") {
    at = AsOf::Now(0);
  } else if (mode == "recorded") {
    at = AsOf::Recorded(0);
  } else if (mode == "effective") {
    at = AsOf::Effective(0);
  } else {
    return Status::InvalidArgument(o.PathOf("mode") + ": expected now, recorded or effective, got '" + mode + "'");
  }
  RAPPORT_RETURN_IF_ERROR(o.Get("instant", AsInstant{&at.instant}));
  if (at.mode != AsOf::Mode::kEffective) RAPPORT_RETURN_IF_ERROR(o.Get("position", &at.position));
  *out = at;
  return Status::Ok();
}

Status FromJson(const Json& j, Board* out) {
  Object o(j, "");
  RAPPORT_RETURN_IF_ERROR(o.Check());
  Board b;
  RAPPORT_RETURN_IF_ERROR(o.Get("pipeline", &b.pipeline_id));
  RAPPORT_RETURN_IF_ERROR(o.Get("pipeline_name", &b.pipeline_name));
  RAPPORT_RETURN_IF_ERROR(o.Get("currency", &b.currency));
  RAPPORT_RETURN_IF_ERROR(o.Get("deals", &b.deals));
  RAPPORT_RETURN_IF_ERROR(o.Get("total_minor", &b.total));
  RAPPORT_RETURN_IF_ERROR(o.Get("weighted_minor", &b.weighted));
  RAPPORT_RETURN_IF_ERROR(o.Each("stages", [&](const Object& c) {
    BoardColumn col;
    RAPPORT_RETURN_IF_ERROR(c.Get("stage", &col.stage_id));
    RAPPORT_RETURN_IF_ERROR(c.Get("name", &col.name));
    RAPPORT_RETURN_IF_ERROR(c.Get("probability", &col.probability));
    RAPPORT_RETURN_IF_ERROR(c.Optional("removed", &col.removed));
    RAPPORT_RETURN_IF_ERROR(c.Get("count", &col.count));
    RAPPORT_RETURN_IF_ERROR(c.Get("total_minor", &col.total));
    RAPPORT_RETURN_IF_ERROR(c.Get("weighted_minor", &col.weighted));
    RAPPORT_RETURN_IF_ERROR(c.Each("deals", [&](const Object& x) {
      BoardDeal d;
      RAPPORT_RETURN_IF_ERROR(x.Get("id", &d.id));
      RAPPORT_RETURN_IF_ERROR(x.Get("name", &d.name));
      RAPPORT_RETURN_IF_ERROR(x.Get("owner", &d.owner));
      RAPPORT_RETURN_IF_ERROR(x.Get("company", &d.company));
      RAPPORT_RETURN_IF_ERROR(x.Get("amount_minor", &d.amount));
      RAPPORT_RETURN_IF_ERROR(x.Get("currency", &d.currency));
      RAPPORT_RETURN_IF_ERROR(x.Get("amount_home_minor", &d.amount_home));
      RAPPORT_RETURN_IF_ERROR(x.Optional("converted", &d.converted));
      RAPPORT_RETURN_IF_ERROR(x.Get("days_in_stage", &d.days_in_stage));
      RAPPORT_RETURN_IF_ERROR(x.Get("days_since_activity", DaysOrNull{&d.days_since_activity}));
      RAPPORT_RETURN_IF_ERROR(x.Get("expected_close", AsDate{&d.expected_close}));
      col.deals.push_back(std::move(d));
      return Status::Ok();
    }));
    b.columns.push_back(std::move(col));
    return Status::Ok();
  }));
  RAPPORT_RETURN_IF_ERROR(o.Get("warnings", &b.warnings));
  *out = std::move(b);
  return Status::Ok();
}

Status FromJson(const Json& j, PipelineDiff* out) {
  Object o(j, "");
  RAPPORT_RETURN_IF_ERROR(o.Check());
  PipelineDiff d;
  RAPPORT_RETURN_IF_ERROR(o.Get("pipeline", &d.pipeline_id));
  RAPPORT_RETURN_IF_ERROR(o.Get("currency", &d.currency));
  for (auto [k, v] : {std::pair{"start_minor", &d.start}, {"added_minor", &d.added},
                      {"increased_minor", &d.increased}, {"decreased_minor", &d.decreased},
                      {"won_minor", &d.won}, {"lost_minor", &d.lost}, {"removed_minor", &d.removed},
                      {"end_minor", &d.end}}) {
    RAPPORT_RETURN_IF_ERROR(o.Get(k, v));
  }
  bool reconciles = false;
  RAPPORT_RETURN_IF_ERROR(o.Get("reconciles", &reconciles));
  if (!SumsWithoutOverflow(d)) {
    return Status::InvalidArgument(Shown("") + ": start_minor .. removed_minor overflow when added up");
  }
  if (reconciles != d.Reconciles()) {
    return Status::InvalidArgument(o.PathOf("reconciles") + ": says " + (reconciles ? "true" : "false") +
                                   " but the amounts " + (d.Reconciles() ? "do" : "do not") + " reconcile");
  }
  RAPPORT_RETURN_IF_ERROR(o.Each("changes", [&](const Object& x) {
    DiffRow r;
    RAPPORT_RETURN_IF_ERROR(x.Get("deal", &r.deal_id));
    RAPPORT_RETURN_IF_ERROR(x.Get("name", &r.name));
    RAPPORT_RETURN_IF_ERROR(x.Get("change", &r.change));
    RAPPORT_RETURN_IF_ERROR(x.Get("from", &r.from));
    RAPPORT_RETURN_IF_ERROR(x.Get("to", &r.to));
    RAPPORT_RETURN_IF_ERROR(x.Get("effect_minor", &r.delta));
    d.rows.push_back(std::move(r));
    return Status::Ok();
  }));
  RAPPORT_RETURN_IF_ERROR(o.Get("warnings", &d.warnings));
  *out = std::move(d);
  return Status::Ok();
}

Status FromJson(const Json& j, Forecast* out) {
  Object o(j, "");
  RAPPORT_RETURN_IF_ERROR(o.Check());
  Forecast f;
  RAPPORT_RETURN_IF_ERROR(o.Get("currency", &f.currency));
  RAPPORT_RETURN_IF_ERROR(o.Each("rows", [&](const Object& x) {
    ForecastRow r;
    RAPPORT_RETURN_IF_ERROR(x.Get("period", &r.period));
    RAPPORT_RETURN_IF_ERROR(x.Optional("group", &r.group));
    for (auto [k, v] : {std::pair{"open_minor", &r.open}, {"weighted_minor", &r.weighted},
                        {"history_minor", &r.history}, {"won_minor", &r.won},
                        {"pipeline_minor", &r.pipeline}, {"best_case_minor", &r.best_case},
                        {"commit_minor", &r.commit}}) {
      RAPPORT_RETURN_IF_ERROR(x.Get(k, v));
    }
    RAPPORT_RETURN_IF_ERROR(x.Get("open_deals", &r.open_deals));
    RAPPORT_RETURN_IF_ERROR(x.Get("won_deals", &r.won_deals));
    f.rows.push_back(std::move(r));
    return Status::Ok();
  }));
  RAPPORT_RETURN_IF_ERROR(o.Each("stage_win_rates", [&](const Object& x) {
    StageRate r;
    RAPPORT_RETURN_IF_ERROR(x.Get("pipeline", &r.pipeline_id));
    RAPPORT_RETURN_IF_ERROR(x.Get("stage", &r.stage_id));
    RAPPORT_RETURN_IF_ERROR(x.Get("name", &r.stage_name));
    RAPPORT_RETURN_IF_ERROR(x.Get("configured_probability", &r.configured));
    RAPPORT_RETURN_IF_ERROR(x.Get("closed", &r.closed));
    RAPPORT_RETURN_IF_ERROR(x.Get("won", &r.won));
    RAPPORT_RETURN_IF_ERROR(x.Get("rate", &r.rate));
    f.rates.push_back(std::move(r));
    return Status::Ok();
  }));
  RAPPORT_RETURN_IF_ERROR(o.Get("warnings", &f.warnings));
  *out = std::move(f);
  return Status::Ok();
}

Status FromJson(const Json& j, Report* out) {
  Object o(j, "");
  RAPPORT_RETURN_IF_ERROR(o.Check());
  Report r;
  RAPPORT_RETURN_IF_ERROR(o.Get("title", &r.title));
  RAPPORT_RETURN_IF_ERROR(o.Get("columns", &r.columns));
  // Rows are objects whose values are the report's own (numbers, strings, nulls): kept as they are.
  RAPPORT_RETURN_IF_ERROR(o.Each("rows", [](const Object&) { return Status::Ok(); }));
  r.rows = *o.Find("rows");
  RAPPORT_RETURN_IF_ERROR(o.Get("notes", &r.notes));
  *out = std::move(r);
  return Status::Ok();
}

Status FromJson(const Json& j, std::vector<FollowUp>* out) {
  return ReadList(j, out, [](const Object& x, FollowUp* f) {
    RAPPORT_RETURN_IF_ERROR(x.Get("user", &f->user));
    RAPPORT_RETURN_IF_ERROR(x.Get("task", &f->task_id));
    RAPPORT_RETURN_IF_ERROR(x.Get("title", &f->title));
    RAPPORT_RETURN_IF_ERROR(x.Get("about", &f->link));
    RAPPORT_RETURN_IF_ERROR(x.Get("due", AsInstant{&f->due}));
    RAPPORT_RETURN_IF_ERROR(x.Get("overdue", &f->overdue));
    RAPPORT_RETURN_IF_ERROR(x.Get("days_overdue", &f->days_overdue));
    return Status::Ok();
  });
}

Status FromJson(const Json& j, std::vector<StaleDeal>* out) {
  return ReadList(j, out, [](const Object& x, StaleDeal* s) {
    RAPPORT_RETURN_IF_ERROR(x.Get("deal", &s->id));
    RAPPORT_RETURN_IF_ERROR(x.Get("name", &s->name));
    RAPPORT_RETURN_IF_ERROR(x.Get("owner", &s->owner));
    RAPPORT_RETURN_IF_ERROR(x.Get("pipeline", &s->pipeline));
    RAPPORT_RETURN_IF_ERROR(x.Get("stage", &s->stage));
    RAPPORT_RETURN_IF_ERROR(x.Get("amount_minor", &s->amount));
    RAPPORT_RETURN_IF_ERROR(x.Get("currency", &s->currency));
    RAPPORT_RETURN_IF_ERROR(x.Get("amount_home_minor", &s->amount_home));
    RAPPORT_RETURN_IF_ERROR(x.Get("days_idle", &s->days_idle));
    return Status::Ok();
  });
}

Status FromJson(const Json& j, std::vector<Renewal>* out) {
  return ReadList(j, out, [](const Object& x, Renewal* r) {
    RAPPORT_RETURN_IF_ERROR(x.Get("contract", &r->contract_id));
    RAPPORT_RETURN_IF_ERROR(x.Get("deal", &r->deal_id));
    RAPPORT_RETURN_IF_ERROR(x.Get("company", &r->company));
    RAPPORT_RETURN_IF_ERROR(x.Get("owner", &r->owner));
    RAPPORT_RETURN_IF_ERROR(x.Get("amount_minor", &r->amount));
    RAPPORT_RETURN_IF_ERROR(x.Get("currency", &r->currency));
    RAPPORT_RETURN_IF_ERROR(x.Get("renewal_date", AsDate{&r->renewal_date}));
    RAPPORT_RETURN_IF_ERROR(x.Get("days_left", &r->days_left));
    return Status::Ok();
  });
}

Status FromJson(const Json& j, std::vector<WaitingTicket>* out) {
  return ReadList(j, out, [](const Object& x, WaitingTicket* t) {
    RAPPORT_RETURN_IF_ERROR(x.Get("ticket", &t->ticket_id));
    RAPPORT_RETURN_IF_ERROR(x.Get("subject", &t->subject));
    RAPPORT_RETURN_IF_ERROR(x.Get("contact", &t->contact));
    RAPPORT_RETURN_IF_ERROR(x.Get("company", &t->company));
    RAPPORT_RETURN_IF_ERROR(x.Get("assignee", &t->assignee));
    RAPPORT_RETURN_IF_ERROR(x.Get("priority", &t->priority));
    RAPPORT_RETURN_IF_ERROR(x.Get("hours_waiting", &t->hours_waiting));
    return Status::Ok();
  });
}

Status FromJson(const Json& j, TimelineResult* out) {
  Object o(j, "");
  RAPPORT_RETURN_IF_ERROR(o.Check());
  TimelineResult t;
  RAPPORT_RETURN_IF_ERROR(o.Get("total", &t.total));
  RAPPORT_RETURN_IF_ERROR(o.Get("more", &t.more));
  RAPPORT_RETURN_IF_ERROR(o.Optional("next", AsCursor{&t.next}));
  RAPPORT_RETURN_IF_ERROR(o.Each("entries", [&](const Object& x) {
    TimelineRow r;
    RAPPORT_RETURN_IF_ERROR(x.Get("occurred_at", AsInstant{&r.occurred}));
    RAPPORT_RETURN_IF_ERROR(x.Get("recorded_at", AsInstant{&r.recorded}));
    RAPPORT_RETURN_IF_ERROR(x.Get("actor", &r.actor));
    RAPPORT_RETURN_IF_ERROR(x.Get("type", &r.type));
    RAPPORT_RETURN_IF_ERROR(x.Get("record", &r.stream));
    RAPPORT_RETURN_IF_ERROR(x.Get("summary", &r.summary));
    RAPPORT_RETURN_IF_ERROR(x.Get("position", &r.position));
    t.rows.push_back(std::move(r));
    return Status::Ok();
  }));
  *out = std::move(t);
  return Status::Ok();
}

Status FromJson(const Json& j, std::vector<HistoryRow>* out) {
  return ReadList(j, out, [](const Object& x, HistoryRow* r) {
    RAPPORT_RETURN_IF_ERROR(x.Get("position", &r->position));
    RAPPORT_RETURN_IF_ERROR(x.Get("version", &r->version));
    RAPPORT_RETURN_IF_ERROR(x.Get("occurred_at", AsInstant{&r->occurred}));
    RAPPORT_RETURN_IF_ERROR(x.Get("recorded_at", AsInstant{&r->recorded}));
    RAPPORT_RETURN_IF_ERROR(x.Get("actor", &r->actor));
    RAPPORT_RETURN_IF_ERROR(x.Get("command_id", &r->command_id));
    RAPPORT_RETURN_IF_ERROR(x.Optional("causation_id", &r->causation_id));
    RAPPORT_RETURN_IF_ERROR(x.Get("event", &r->event_type));
    RAPPORT_RETURN_IF_ERROR(x.Get("field", &r->field));
    RAPPORT_RETURN_IF_ERROR(x.Get("old", &r->old_value));
    RAPPORT_RETURN_IF_ERROR(x.Get("new", &r->new_value));
    return Status::Ok();
  });
}

Status FromJson(const Json& j, std::vector<SearchHit>* out) {
  return ReadList(j, out, [](const Object& x, SearchHit* h) {
    RAPPORT_RETURN_IF_ERROR(x.Get("record", &h->record));
    RAPPORT_RETURN_IF_ERROR(x.Get("matched", &h->matched));
    return Status::Ok();
  });
}

Status FromJson(const Json& j, std::vector<DuplicateGroup>* out) {
  return ReadList(j, out, [](const Object& x, DuplicateGroup* g) {
    RAPPORT_RETURN_IF_ERROR(x.Get("reason", &g->reason));
    RAPPORT_RETURN_IF_ERROR(x.Get("records", &g->records));
    return Status::Ok();
  });
}

}  // namespace rapport::projections
