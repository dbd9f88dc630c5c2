#include "cli/view_context.h"

#include <iostream>
#include <utility>

#include "cli/session.h"
#include "domain/money.h"

namespace rapport::cli {

void AddTimeTravel(CLI::App* cmd, TimeTravel* t) {
  cmd->add_option("--as-of", t->as_of,
                  "Show it as rapport showed it at this instant (ISO 8601: 2017-06-30 or "
                  "2017-06-30T14:00:00Z)")
      ->type_name("INSTANT");
  cmd->add_flag("--effective", t->effective,
                "With --as-of: as we now know it had happened by then (events logged late count)");
}

Result<projections::AsOf> ViewOf(const TimeTravel& t) {
  Micros now = SystemClock()->NowMicros();
  if (t.as_of.empty()) {
    if (t.effective) return Status::InvalidArgument("--effective needs --as-of INSTANT");
    return projections::AsOf::Now(now);
  }
  auto at = ParseIso8601(t.as_of);
  if (!at.ok()) return Status::InvalidArgument("--as-of: " + at.status().message());
  // A bare date means the end of that day: "as of 30 June" includes 30 June.
  Micros instant = *at;
  if (t.as_of.size() == 10) instant += kMicrosPerDay - 1;
  return t.effective ? projections::AsOf::Effective(instant) : projections::AsOf::Recorded(instant);
}

Status SetView(const TimeTravel& t, projections::Query* q) {
  auto at = ViewOf(t);
  if (!at.ok()) return at.status();
  q->view = *at;
  return Status::Ok();
}

Views::~Views() {
  if (engine) {
    Status s = engine->Close();
    (void)s;
  }
}

Status OpenViews(const GlobalOptions& g, Views* v) {
  RAPPORT_RETURN_IF_ERROR(OpenLog(g, false, &v->log));
  projections::EngineOptions o;
  bool tty = StderrIsTerminal() && !g.json;
  if (tty) {
    o.progress = [](uint64_t done, uint64_t total) {
      if (total < 200000) return;  // quick: no progress line
      std::cerr << "\rreading the log: " << done << " / " << total << " events ("
                << (total ? 100 * done / total : 100) << "%)" << std::flush;
    };
  }
  auto e = projections::ProjectionEngine::Open(v->log.get(), o);
  if (!e.ok()) return e.status();
  v->engine = std::move(*e);
  Status s = v->engine->CatchUp();
  if (tty) std::cerr << "\r\033[K" << std::flush;
  if (!v->engine->report().snapshot_problem.empty()) {
    std::cerr << "rapport: warning: a projection snapshot was damaged and has been rebuilt ("
              << v->engine->report().snapshot_problem << ")\n";
  }
  RAPPORT_RETURN_IF_ERROR(s);
  auto names = DisplayNames::Load(v->log.get());
  if (!names.ok()) return names.status();
  v->names = std::move(*names);
  return Status::Ok();
}

namespace {

// The query arguments RunQuery validates, and the flags the view commands fill them from.
constexpr std::pair<std::string_view, std::string_view> kFlagOfArgument[] = {
    {"min_amount", "--min-amount"}, {"cursor", "--after"}, {"from_date", "--from"}, {"to_date", "--to"},
    {"record_type", "--type"},      {"period", "--by"},    {"group", "--group"},
};

// "min_amount: 'x' is not a number" -> "--min-amount: 'x' is not a number".
Status NameTheFlag(const Status& s) {
  if (s.code() != StatusCode::kInvalidArgument) return s;
  const std::string& m = s.message();
  for (const auto& [argument, flag] : kFlagOfArgument) {
    if (m.size() > argument.size() && m.compare(0, argument.size(), argument) == 0 && m[argument.size()] == ':') {
      return Status::InvalidArgument(std::string(flag) + m.substr(argument.size()));
    }
  }
  return s;
}

Result<projections::Json> QueryEmbedded(const GlobalOptions& g, const projections::Query& q, DisplayNames* names) {
  Views v;
  RAPPORT_RETURN_IF_ERROR(OpenViews(g, &v));
  auto j = projections::RunQuery(*v.engine, q, SystemClock()->NowMicros());
  if (j.ok() && names != nullptr) *names = std::move(v.names);
  return j;
}

Result<projections::Json> QueryRemote(const GlobalOptions& g, const projections::Query& q, DisplayNames* names) {
  std::unique_ptr<Session> session;
  RAPPORT_RETURN_IF_ERROR(OpenSession(g, false, false, &session));
  server::Client* client = RemoteClient(session.get());
  if (client == nullptr) return Status::FailedPrecondition("--connect did not open a remote session");
  auto j = client->Query(q);
  if (j.ok() && names != nullptr) *names = DisplayNames(session->directory());
  return j;
}

}  // namespace

Result<projections::Json> QueryView(const GlobalOptions& g, const projections::Query& q, DisplayNames* names) {
  auto j = g.remote() ? QueryRemote(g, q, names) : QueryEmbedded(g, q, names);
  if (!j.ok()) return NameTheFlag(j.status());
  return j;
}

const projections::Json& AnswerMember(const projections::Json& answer, const char* key) {
  static const projections::Json kMissing;  // null: FromJson names it as missing
  if (key == nullptr) return answer;
  if (!answer.is_object()) return kMissing;
  auto it = answer.find(key);
  return it == answer.end() ? kMissing : *it;
}

Status AnswerMismatch(const char* key, const Status& s) {
  // FromJson's paths are relative to the member it read: make them relative to the answer.
  std::string m = s.message();
  if (key != nullptr) {
    if (m.rfind("(root)", 0) == 0) m = key + m.substr(6);
    else m = key + std::string(!m.empty() && m[0] == '[' ? "" : ".") + m;
  }
  return Status::Corruption("the answer does not read back (rapport and rapportd of different versions?): " + m);
}

Status ReadAnswer(const projections::Json& answer, const char* key, std::vector<std::string>* out) {
  const projections::Json& v = AnswerMember(answer, key);
  std::vector<std::string> strings;
  if (!v.is_null()) {
    if (!v.is_array()) return AnswerMismatch(key, Status::InvalidArgument("(root): expected an array of strings"));
    for (const auto& x : v) {
      if (!x.is_string()) return AnswerMismatch(key, Status::InvalidArgument("(root): expected an array of strings"));
      strings.push_back(x.get<std::string>());
    }
  }
  *out = std::move(strings);
  return Status::Ok();
}

std::string ViewHeading(const projections::AsOf& at) {
  switch (at.mode) {
    case projections::AsOf::Mode::kNow:
      return "";
    case projections::AsOf::Mode::kRecorded:
      return "as rapport showed it at " + FormatIso8601(at.instant) + " (log position " +
             std::to_string(at.position) + ")";
    case projections::AsOf::Mode::kEffective:
      return "effective " + FormatIso8601(at.instant) + ": everything that had happened by then, as known now";
  }
  return "";
}

std::string Money(int64_t minor, const std::string& currency) {
  return domain::FormatMoneyGrouped(minor, currency);
}

void PrintJson(const projections::Json& j) {
  std::cout << (StdoutIsTerminal() ? j.dump(2) : j.dump()) << std::endl;
}

}  // namespace rapport::cli
