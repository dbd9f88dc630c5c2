#include "cli/followups_command.h"

#include <iostream>

#include "cli/table.h"
#include "cli/view_context.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli {
namespace {

using projections::AsOf;

// Asks `q` in the view the flags ask for and prints its "items" with `print(items, names)`
// under the view's heading (or the answer as JSON). `warnings`, when not null, gets the
// answer's "warnings" before print runs.
template <typename Item, typename Print>
int RunList(const GlobalOptions& g, projections::Query q, const TimeTravel& tt, Print print,
            std::vector<std::string>* warnings = nullptr) {
  Status s = SetView(tt, &q);
  if (!s.ok()) return ReportError(g, s);
  return ShowView(g, q, [&](const projections::Json& answer, const DisplayNames& names) {
    std::vector<Item> items;
    AsOf at;
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "items", &items));
    RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "view", &at));
    if (warnings != nullptr) RAPPORT_RETURN_IF_ERROR(ReadAnswer(answer, "warnings", warnings));
    if (!ViewHeading(at).empty()) std::cout << ViewHeading(at) << "\n\n";
    print(items, names);
    return Status::Ok();
  });
}

projections::Query QueryOf(const char* kind) {
  projections::Query q;
  q.kind = kind;
  return q;
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
      projections::Query q = QueryOf("followups");
      q.user_id = o->user;
      *exit_code = RunList<projections::FollowUp>(
          *g, q, o->tt, [](const std::vector<projections::FollowUp>& v, const DisplayNames& names) {
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
      projections::Query q = QueryOf("stale");
      q.days = o->days;
      q.min_amount = o->min_amount;
      std::vector<std::string> warnings;
      *exit_code = RunList<projections::StaleDeal>(
          *g, q, o->tt,
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
          },
          &warnings);
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
      projections::Query q = QueryOf("renewals");
      q.days = o->days;
      *exit_code = RunList<projections::Renewal>(
          *g, q, o->tt, [](const std::vector<projections::Renewal>& v, const DisplayNames& names) {
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
      *exit_code = RunList<projections::WaitingTicket>(
          *g, QueryOf("tickets"), *tt, [](const std::vector<projections::WaitingTicket>& v, const DisplayNames& names) {
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
