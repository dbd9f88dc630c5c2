#include "cli/followups_command.h"

#include <iostream>

#include "cli/table.h"
#include "cli/view_context.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli {
namespace {

using projections::AsOf;
using projections::ReadModel;

// Runs `build` in the view the flags ask for and prints it with `print(result, names)` (or as JSON).
template <typename Build, typename Print>
int RunView(const GlobalOptions& g, const TimeTravel& tt, Build build, Print print) {
  auto at = ViewOf(tt);
  if (!at.ok()) return ReportError(g, at.status());
  Views v;
  Status s = OpenViews(g, &v);
  if (!s.ok()) return ReportError(g, s);
  AsOf resolved;
  auto result = v.engine->Read(*at, [&](const ReadModel& m, const AsOf& a) {
    resolved = a;
    return build(m, a);
  });
  if (g.json) {
    projections::Json j;
    j["view"] = projections::ToJson(resolved);
    j["items"] = projections::ToJson(result);
    PrintJson(j);
    return kExitOk;
  }
  if (!ViewHeading(resolved).empty()) std::cout << ViewHeading(resolved) << "\n\n";
  print(result, v.names);
  return kExitOk;
}

}  // namespace

void SetupFollowupsCommands(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  {
    struct O {
      std::string user;
      TimeTravel tt;
    };
    auto o = std::make_shared<O>();
    CLI::App* cmd = app->add_subcommand("followups", "Tasks due today and overdue, per user: who to follow up with today");
    cmd->add_option("--user", o->user, "Only this user's tasks");
    AddTimeTravel(cmd, &o->tt);
    cmd->callback([g, o, exit_code] {
      *exit_code = RunView(
          *g, o->tt, [&](const ReadModel& m, const AsOf& a) { return projections::BuildFollowUps(m, a, o->user); },
          [](const std::vector<projections::FollowUp>& v, const DisplayNames& names) {
            Table t({{"USER"}, {"TASK"}, {"TITLE", Table::Align::kLeft, 40}, {"ABOUT"}, {"DUE"}, {"STATE"}});
            for (const auto& f : v) {
              t.AddRow({names.Label(f.user), f.task_id, f.title, f.link, FormatIso8601(f.due),
                        f.overdue ? "overdue " + std::to_string(f.days_overdue) + "d" : "due today"});
            }
            t.Print(std::cout);
            if (v.empty()) std::cout << "(nothing due)\n";
          });
    });
  }
  {
    struct O {
      int days = 14;
      std::string min_amount = "0";
      TimeTravel tt;
    };
    auto o = std::make_shared<O>();
    CLI::App* cmd = app->add_subcommand("stale", "Open deals with no activity for N days and an amount of at least X");
    cmd->add_option("--days", o->days, "Days without activity")->check(CLI::Range(0, 100000));
    cmd->add_option("--min-amount", o->min_amount, "Smallest amount, a number in the home currency (e.g. 25000)");
    AddTimeTravel(cmd, &o->tt);
    cmd->callback([g, o, exit_code] {
      auto number = domain::ParseValue(domain::ValueKind::Number, o->min_amount, "--min-amount", "");
      if (!number.ok()) {
        *exit_code = ReportError(*g, number.status());
        return;
      }
      std::vector<std::string> warnings;
      *exit_code = RunView(
          *g, o->tt,
          [&](const ReadModel& m, const AsOf& a) {
            // A plain number in the home currency: scale it to the currency's minor units.
            int exp = domain::CurrencyExponent(m.org.Rates(a).home()).value_or(2);
            int64_t floor = number->int_value;
            for (int i = number->scale; i < exp; ++i) floor *= 10;
            for (int i = exp; i < number->scale; ++i) floor /= 10;
            return projections::BuildStale(m, a, o->days, floor, &warnings);
          },
          [&](const std::vector<projections::StaleDeal>& v, const DisplayNames& names) {
            Table t({{"DEAL"}, {"NAME", Table::Align::kLeft, 32}, {"OWNER"}, {"STAGE"},
                     {"AMOUNT", Table::Align::kRight}, {"IDLE", Table::Align::kRight}});
            for (const auto& s : v) {
              t.AddRow({s.id, s.name, names.Label(s.owner), s.pipeline + "/" + s.stage, Money(s.amount, s.currency),
                        std::to_string(s.days_idle) + " d"});
            }
            t.Print(std::cout);
            if (v.empty()) std::cout << "(no stale deals)\n";
            for (const auto& w : warnings) std::cout << "warning: " << w << "\n";
          });
    });
  }
  {
    struct O {
      int days = 60;
      TimeTravel tt;
    };
    auto o = std::make_shared<O>();
    CLI::App* cmd = app->add_subcommand("renewals", "Contracts renewing within N days (and overdue renewals)");
    cmd->add_option("--days", o->days, "Look this many days ahead")->check(CLI::Range(0, 100000));
    AddTimeTravel(cmd, &o->tt);
    cmd->callback([g, o, exit_code] {
      *exit_code = RunView(
          *g, o->tt, [&](const ReadModel& m, const AsOf& a) { return projections::BuildRenewals(m, a, o->days); },
          [](const std::vector<projections::Renewal>& v, const DisplayNames& names) {
            Table t({{"CONTRACT"}, {"DEAL"}, {"COMPANY"}, {"OWNER"}, {"AMOUNT", Table::Align::kRight}, {"RENEWS"},
                     {"IN", Table::Align::kRight}});
            for (const auto& r : v) {
              t.AddRow({r.contract_id, r.deal_id, r.company, names.Label(r.owner), Money(r.amount, r.currency),
                        domain::FormatDate(r.renewal_date), std::to_string(r.days_left) + " d"});
            }
            t.Print(std::cout);
            if (v.empty()) std::cout << "(no renewals due)\n";
          });
    });
  }
  {
    auto tt = std::make_shared<TimeTravel>();
    CLI::App* cmd = app->add_subcommand("tickets", "Tickets waiting on us, longest waiting first");
    AddTimeTravel(cmd, tt.get());
    cmd->callback([g, tt, exit_code] {
      *exit_code = RunView(
          *g, *tt, [](const ReadModel& m, const AsOf& a) { return projections::BuildWaitingTickets(m, a); },
          [](const std::vector<projections::WaitingTicket>& v, const DisplayNames& names) {
            Table t({{"TICKET"}, {"SUBJECT", Table::Align::kLeft, 40}, {"CONTACT"}, {"ASSIGNEE"}, {"PRIORITY"},
                     {"WAITING", Table::Align::kRight}});
            for (const auto& w : v) {
              char h[32];
              std::snprintf(h, sizeof h, "%.1f h", w.hours_waiting);
              t.AddRow({w.ticket_id, w.subject, w.contact, names.Label(w.assignee), w.priority, h});
            }
            t.Print(std::cout);
            if (v.empty()) std::cout << "(no tickets waiting on us)\n";
          });
    });
  }
}

}  // namespace rapport::cli
