#include "cli/score_command.h"

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/record_command.h"
#include "cli/session.h"
#include "cli/table.h"
#include "cli/view_context.h"
#include "domain/scoring.h"
#include "projections/automation_queries.h"
#include "projections/automation_runner.h"
#include "projections/scoring_queries.h"

namespace rapport::cli {
namespace {

using Json = projections::Json;

struct ScoreArgs {
  std::string contact;
  std::string file;
  bool starter = false;
  int min = -1;
  size_t limit = 0;
  TimeTravel tt;
};

std::string Points(double p) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(std::fabs(p - std::round(p)) < 0.05 ? 0 : 1);
  o << (p > 0 ? "+" : "") << p;
  return o.str();
}

std::string CriterionText(const Json& c) {
  if (c.contains("field")) {
    return c.value("field", "") + " " + c.value("op", "") + (c.contains("value") ? " " + c.value("value", "") : "");
  }
  std::string s = "each " + c.value("behaviour", "");
  if (c.contains("within_days")) s += " within " + std::to_string(c.value("within_days", 0)) + " days";
  s += " (at most " + std::to_string(c.value("max_count", 0)) + ")";
  return s;
}

void PrintModel(const Json& m) {
  std::cout << "Scores run from 0 to " << m.value("cap", 100) << "; behaviour points "
            << (m.value("half_life_days", 0) > 0 ? "halve every " + std::to_string(m.value("half_life_days", 0)) + " days"
                                                 : "do not decay")
            << " and count for " << m.value("max_age_days", 365) << " days.\n\n";
  Table t({{"#", Table::Align::kRight}, {"REASON", Table::Align::kLeft, 32}, {"POINTS", Table::Align::kRight},
           {"WHEN", Table::Align::kLeft, 60}});
  size_t i = 0;
  for (const auto& c : m["criteria"]) {
    t.AddRow({std::to_string(i++), c.value("label", ""), Points(c.value("points", 0)), CriterionText(c)});
  }
  t.Print(std::cout);
}

int RunModelShow(const GlobalOptions& g) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  auto r = session->Get(domain::kScoring, domain::kLeadModel);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) {
      return ReportError(g, Status::NotFound("there is no scoring model yet: see `rapport score model template`, "
                                             "then `rapport score model set FILE` (or --starter)"));
    }
    return ReportError(g, r.status());
  }
  Json m = projections::ScoringModelToJson(domain::ScoringModelOf(*r));
  if (g.json) {
    PrintJson(m);
  } else {
    PrintModel(m);
  }
  return kExitOk;
}

int RunModelTemplate(const GlobalOptions& g) {
  Json m = projections::ScoringModelToJson(domain::StarterScoringModel());
  if (g.json || !StdoutIsTerminal()) {
    std::cout << m.dump(2) << std::endl;
  } else {
    std::cout << m.dump(2) << "\n\nSave it to a file, edit it, and set it with `rapport score model set FILE`.\n";
  }
  return kExitOk;
}

int RunModelSet(const GlobalOptions& g, const ScoreArgs& a) {
  fb::ScoringModelT model;
  if (a.starter) {
    if (!a.file.empty()) return ReportError(g, Status::InvalidArgument("give a FILE or --starter, not both"));
    model = domain::StarterScoringModel();
  } else {
    if (a.file.empty()) {
      return ReportError(g, Status::InvalidArgument("FILE: name the model's JSON file (- for standard input), "
                                                    "or use --starter; `rapport score model template` prints one"));
    }
    std::string text;
    if (a.file == "-") {
      std::ostringstream o;
      o << std::cin.rdbuf();
      text = o.str();
    } else {
      std::ifstream in(a.file, std::ios::binary);
      if (!in) return ReportError(g, Status::NotFound("cannot read " + a.file));
      std::ostringstream o;
      o << in.rdbuf();
      text = o.str();
    }
    if (text.size() > 1024 * 1024) return ReportError(g, Status::InvalidArgument(a.file + ": larger than 1 MiB"));
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded()) return ReportError(g, Status::InvalidArgument(a.file + ": not valid JSON"));
    auto m = projections::ScoringModelFromJson(j);
    if (!m.ok()) return ReportError(g, m.status().WithContext(a.file));
    model = std::move(*m);
  }
  fb::SetScoringModelT c;
  c.model = std::make_unique<fb::ScoringModelT>(std::move(model));
  fb::CommandT command;
  command.body.Set(std::move(c));
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  auto r = session->Execute(std::move(command));
  if (!r.ok()) return ReportError(g, r.status().WithContext("score model set"));
  if (g.json) {
    PrintJson(Json{{"model_id", r->record_id}, {"version", r->version}, {"changed", r->first_position != 0}});
  } else if (r->first_position == 0) {
    std::cout << "scoring model: nothing changed\n";
  } else {
    std::cout << "scoring model set (version " << r->version
              << "); automation rescores every contact with it (rapportd does so by itself; embedded: "
                 "`rapport automation run`)\n";
  }
  return kExitOk;
}

// "C-1" or "contact/C-1" -> "contact/C-1"; another record type is passed on for the query to
// refuse ("scores belong to contacts").
std::string ContactRecord(const std::string& text) { return RecordName(text, "contact"); }

int RunShow(const GlobalOptions& g, const ScoreArgs& a) {
  projections::Query q;
  q.kind = "score";
  q.record = ContactRecord(a.contact);
  q.limit = a.limit;
  Status s = SetView(a.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const Json& answer, const DisplayNames&) {
    projections::AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    std::string id = answer.value("contact_id", "");
    if (!answer.value("scored", false)) {
      std::cout << "contact " << id << " has no score" << (at.is_now() ? "" : " " + ViewHeading(at))
                << (answer.contains("model") ? "" : ": there is no scoring model (see `rapport score model template`)")
                << ".\n";
      return Status::Ok();
    }
    std::cout << "contact " << id << ": score " << answer.value("score", 0);
    if (answer.contains("model")) std::cout << " of " << answer["model"].value("cap", 100);
    std::cout << (at.is_now() ? "" : " " + ViewHeading(at)) << "\n";
    std::cout << "  scored " << answer.value("recorded", "") << " (" << answer.value("cause", "")
              << "), behaviour aged to " << answer.value("computed_at", "") << "\n\n";
    Table t({{"REASON", Table::Align::kLeft, 32}, {"POINTS", Table::Align::kRight}, {"OF", Table::Align::kRight},
             {"FROM", Table::Align::kLeft, 40}});
    for (const auto& r : answer["reasons"]) {
      std::string from = r.contains("event") ? r.value("occurred", "") + " (event " + std::to_string(r.value("event", 0)) + ")"
                                             : "attribute";
      t.AddRow({r.value("label", ""), Points(r.value("points", 0.0)), Points(r.value("base_points", 0)), from});
    }
    t.Print(std::cout);
    std::cout << "\nHistory, newest first (" << answer.value("changes", 0) << " change(s))\n";
    Table h({{"RECORDED"}, {"SCORE", Table::Align::kRight}, {"WAS", Table::Align::kRight}, {"CAUSE", Table::Align::kLeft, 48}});
    for (const auto& x : answer["history"]) {
      h.AddRow({x.value("recorded", ""), std::to_string(x.value("score", 0)), std::to_string(x.value("previous_score", 0)),
                x.value("cause", "")});
    }
    h.Print(std::cout);
    return Status::Ok();
  });
}

int RunList(const GlobalOptions& g, const ScoreArgs& a) {
  projections::Query q;
  q.kind = "scores";
  if (a.min >= 0) q.min_amount = std::to_string(a.min);
  q.limit = a.limit;
  Status s = SetView(a.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const Json& answer, const DisplayNames& names) {
    projections::AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    if (!ViewHeading(at).empty()) std::cout << "Lead scores " << ViewHeading(at) << "\n\n";
    Table t({{"CONTACT"}, {"SCORE", Table::Align::kRight}, {"LIFECYCLE"}, {"OWNER", Table::Align::kLeft, 30}});
    for (const auto& c : answer["contacts"]) {
      t.AddRow({c.value("contact_id", ""), std::to_string(c.value("score", 0)), c.value("lifecycle", ""),
                names.Label(c.value("owner_id", ""))});
    }
    if (t.rows() == 0) {
      std::cout << "No scored contacts" << (a.min >= 0 ? " with a score of " + std::to_string(a.min) + " or more" : "")
                << ". Scores come from the scoring model (`rapport score model show`).\n";
      return Status::Ok();
    }
    t.Print(std::cout);
    size_t total = answer.value("total", size_t{0});
    if (total > t.rows()) std::cout << "(" << t.rows() << " of " << total << "; --limit N for more)\n";
    return Status::Ok();
  });
}

int RunReport(const GlobalOptions& g, const ScoreArgs& a) {
  projections::Query q;
  q.kind = "score_report";
  Status s = SetView(a.tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const Json& answer, const DisplayNames&) {
    projections::AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    std::cout << "Conversion by lead score: contacts by their score "
              << (at.is_now() ? "now" : ViewHeading(at)) << ", outcomes by " << answer.value("outcomes_as_of", "") << "\n\n";
    Table t({{"SCORE"}, {"CONTACTS", Table::Align::kRight}, {"SALES-QUALIFIED+", Table::Align::kRight},
             {"RATE", Table::Align::kRight}, {"CUSTOMERS", Table::Align::kRight}, {"RATE", Table::Align::kRight}});
    auto add = [&](const Json& b) {
      std::ostringstream q1, q2;
      q1.setf(std::ios::fixed);
      q2.setf(std::ios::fixed);
      q1.precision(1);
      q2.precision(1);
      q1 << b.value("qualified_rate", 0.0) << " %";
      q2 << b.value("customer_rate", 0.0) << " %";
      t.AddRow({b.value("band", ""), std::to_string(b.value("contacts", 0)), std::to_string(b.value("sales_qualified", 0)),
                q1.str(), std::to_string(b.value("customers", 0)), q2.str()});
    };
    for (const auto& b : answer["bands"]) add(b);
    add(answer["scored"]);
    add(answer["unscored"]);
    t.Print(std::cout);
    std::cout << "\nA model that predicts wins shows rates rising with the band.\n";
    return Status::Ok();
  });
}

// Prints the report; a refused score (a problem) makes the exit code kExitConflict.
int PrintRecompute(const GlobalOptions& g, const Json& j) {
  const Json problems = j.value("problems", Json::array());
  const int code = problems.empty() ? kExitOk : kExitConflict;
  if (g.json) {
    PrintJson(j);
    return code;
  }
  std::cout << "Scored " << j.value("contacts_scored", uint64_t{0}) << " contact(s) at " << j.value("now", "")
            << ": " << j.value("scores_written", uint64_t{0}) << " score(s) changed\n";
  for (const auto& p : problems) std::cout << "  " << p.get<std::string>() << "\n";
  return code;
}

int RunRecompute(const GlobalOptions& g) {
  if (g.remote()) {  // rapportd rescores (admins only), beside its own automation thread
    std::unique_ptr<Session> session;
    Status s = OpenRemoteSession(g, &session);
    if (!s.ok()) return ReportError(g, s);
    auto j = RemoteClient(session.get())->RecomputeScores();
    if (!j.ok()) return ReportError(g, j.status());
    return PrintRecompute(g, *j);
  }
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  events::EventLog* log = EmbeddedLog(session.get());
  auto engine = projections::ProjectionEngine::Open(log);
  if (!engine.ok()) return ReportError(g, engine.status());
  s = (*engine)->CatchUp();
  if (!s.ok()) return ReportError(g, s);
  projections::AutomationRunner runner(log, EmbeddedService(session.get()), engine->get());
  Micros now = SystemClock()->NowMicros();
  auto r = runner.RecomputeScores(now);
  if (!r.ok()) return ReportError(g, r.status().WithContext("score recompute"));
  Status closed = (*engine)->Close();
  if (!closed.ok()) std::cerr << "rapport: warning: " << closed.ToString() << "\n";
  return PrintRecompute(g, projections::RecomputeReportToJson(*r, now));
}

}  // namespace

void SetupScoreCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static ScoreArgs args;
  CLI::App* score = app->add_subcommand("score", "Lead scoring: the model, each lead's score and why, and whether it predicts wins");
  score->require_subcommand(1);

  CLI::App* model = score->add_subcommand("model", "The scoring model");
  model->require_subcommand(1);
  model->add_subcommand("show", "The model in force")->callback([g, exit_code] { *exit_code = RunModelShow(*g); });
  model->add_subcommand("template", "Print a starting model as JSON, to edit and set")->callback([g, exit_code] {
    *exit_code = RunModelTemplate(*g);
  });
  CLI::App* set = model->add_subcommand("set", "Set the model from a JSON file (admin); every contact is rescored");
  set->add_option("file", args.file, "The model as JSON (- for standard input)");
  set->add_flag("--starter", args.starter, "Set the starting model `score model template` prints");
  set->callback([g, exit_code] { *exit_code = RunModelSet(*g, args); });

  CLI::App* show = score->add_subcommand("show", "A lead's score, every reason for it, and its history");
  show->add_option("contact", args.contact, "C-1 or contact/C-1")->required();
  show->add_option("--limit", args.limit, "History entries shown (default 20)");
  AddTimeTravel(show, &args.tt);
  show->callback([g, exit_code] { *exit_code = RunShow(*g, args); });

  CLI::App* list = score->add_subcommand("list", "The highest-scored contacts");
  list->add_option("--min", args.min, "Only scores of at least this")->check(CLI::NonNegativeNumber);
  list->add_option("--limit", args.limit, "At most this many (default 50)");
  AddTimeTravel(list, &args.tt);
  list->callback([g, exit_code] { *exit_code = RunList(*g, args); });

  CLI::App* report = score->add_subcommand(
      "report", "Conversion by score band: how many in each band went on to qualify and to buy");
  AddTimeTravel(report, &args.tt);
  report->callback([g, exit_code] { *exit_code = RunReport(*g, args); });

  CLI::App* recompute = score->add_subcommand("recompute", "Score every contact now, e.g. after an import (admins, over --connect)");
  recompute->callback([g, exit_code] { *exit_code = RunRecompute(*g); });
}

}  // namespace rapport::cli
