// Timelines and field history: the views that read event bodies from the log.
#include "domain/record_state.h"
#include "projections/describe.h"
#include "projections/query_internal.h"

namespace rapport::projections {

Result<TimelineResult> BuildTimeline(const ReadModel& m, const events::EventLog& log, const AsOf& at,
                                     std::string_view record, size_t limit, const TimelineEntry* before) {
  auto slash = record.find('/');
  std::string_view type = record.substr(0, slash);
  if (slash == std::string_view::npos || (type != "contact" && type != "company" && type != "deal")) {
    return Status::InvalidArgument("'" + std::string(record) +
                                   "': timelines exist for contact/ID, company/ID and deal/ID");
  }
  TimelineResult out;
  std::optional<TimelineEntry> cursor;
  if (before) cursor = *before;
  // Deleted activities are skipped, so a page may need more than one pass to fill.
  for (int pass = 0; pass < 8 && out.rows.size() < limit; ++pass) {
    TimelinePage page = m.timeline.Page(record, at, limit - out.rows.size(), cursor ? &*cursor : nullptr);
    if (pass == 0) out.total = page.total;
    for (const auto& entry : page.entries) {
      cursor = entry;
      auto e = log.Get(entry.position);
      if (!e.ok()) return e.status();
      const events::EventView& v = e->view();
      if (v.stream_type() == "activity" && v.type() != fb::Payload::ActivityDeleted &&
          m.timeline.ActivityDeleted(v.stream_id(), at)) {
        continue;
      }
      out.rows.push_back({v.position(), v.occurred_at_us(), v.recorded_at_us(), std::string(v.actor()),
                          v.type_name(), std::string(v.stream_type()) + "/" + std::string(v.stream_id()),
                          Describe(v)});
    }
    out.more = page.more;
    if (!page.more) break;
  }
  if (out.more && cursor) out.next = cursor;
  if (out.total == 0) {
    return Status::NotFound("there is no " + std::string(record) + " with a timeline" +
                            (at.is_now() ? "" : " " + at.ToString()));
  }
  return out;
}

Result<std::vector<HistoryRow>> BuildHistory(const events::EventLog& log, const AsOf& at,
                                             std::string_view record) {
  auto stream = events::ParseStreamName(record);
  if (!stream.ok()) return stream.status();
  std::vector<events::Event> evs;
  RAPPORT_RETURN_IF_ERROR(log.ReadStream(*stream, 1, events::EventLog::Direction::kForward, SIZE_MAX, &evs));
  if (evs.empty()) return Status::NotFound("there is no " + std::string(record));
  std::vector<HistoryRow> rows;
  domain::RecordState state;
  state.type = stream->type;
  state.id = stream->id;
  for (const auto& e : evs) {
    const events::EventView& v = e.view();
    if (!at.Visible(v.position(), v.occurred_at_us())) continue;
    domain::RecordState before = state;
    // Replay only the events of the view: the state's version follows them, not the stream.
    events::Event copy = e;
    state.version = v.stream_version() - 1;
    Status s = domain::Apply(copy.view(), &state);
    if (!s.ok()) return s;
    auto row = [&](const std::string& field, const domain::Value& o, const domain::Value& n) {
      rows.push_back({v.position(), v.stream_version(), v.occurred_at_us(), v.recorded_at_us(),
                      std::string(v.actor()), std::string(v.command_id()), std::string(v.causation_id()),
                      v.type_name(), field, domain::FormatValue(o), domain::FormatValue(n)});
    };
    size_t rows_before = rows.size();
    for (const auto& [field, value] : state.fields) {
      const domain::Value& old = before.Get(field);
      if (!(old == value)) row(field, old, value);
    }
    for (const auto& [field, value] : before.fields) {
      if (!state.fields.count(field)) row(field, value, domain::NullValue());
    }
    auto flag = [&](const char* field, bool o, bool n, const std::string& ov, const std::string& nv) {
      if (o != n) row(field, domain::TextValue(ov), domain::TextValue(nv));
    };
    flag("deleted", before.deleted, state.deleted, "", "deleted");
    flag("merged_into", !before.merged_into.empty(), !state.merged_into.empty(), "", state.merged_into);
    if (before.stages != state.stages) {
      auto names = [](const domain::RecordState& r) {
        std::string s;
        for (const auto& st : r.stages) s += (s.empty() ? "" : ", ") + st.name + " " + std::to_string(st.probability) + "%";
        return s;
      };
      row("stages", domain::TextValue(names(before)), domain::TextValue(names(state)));
    }
    if (before.members != state.members) {
      auto list = [](const std::set<std::string>& s) {
        std::vector<std::string> v(s.begin(), s.end());
        return domain::ListValue(v);
      };
      row("members", list(before.members), list(state.members));
    }
    if (rows.size() == rows_before) row("", domain::NullValue(), domain::NullValue());  // an event that changed no field
  }
  return rows;
}

}  // namespace rapport::projections
