#include "cli/demo_command.h"

#include <iostream>

#include "cli/log_command.h"
#include "events/event_log.h"

namespace rapport::cli {
namespace {

using events::AppendRequest;
using events::ExpectedVersion;
using events::NewEvent;
using events::StreamWrite;

Micros Day(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d) * kMicrosPerDay; }

AppendRequest One(std::string command_id, std::string actor, events::StreamName stream,
                  fb::PayloadUnion payload, Micros occurred_at, std::string subject = {}) {
  AppendRequest r;
  r.command_id = std::move(command_id);
  r.actor = std::move(actor);
  StreamWrite w;
  w.stream = std::move(stream);
  w.expected = ExpectedVersion::NoStream();
  w.events.push_back(NewEvent::From(std::move(payload), occurred_at, std::move(subject)));
  r.writes.push_back(std::move(w));
  return r;
}

std::vector<AppendRequest> DemoRequests() {
  std::vector<AppendRequest> out;
  {
    fb::WorkspaceCreatedT w;
    w.workspace_id = "acme";
    w.name = "Acme Robotics";
    w.home_currency = "EUR";
    fb::PayloadUnion u;
    u.Set(std::move(w));
    out.push_back(One("demo-workspace", "system", {"workspace", "acme"}, std::move(u),
                      Day(2024, 1, 2)));
  }
  struct U { const char* id; const char* name; const char* email; fb::Role role; };
  for (const U& x : {U{"u-ada", "Ada Lovelace", "ada@acme.example", fb::Role::Admin},
                     U{"u-grace", "Grace Hopper", "grace@acme.example", fb::Role::Manager},
                     U{"u-alan", "Alan Turing", "alan@acme.example", fb::Role::Rep}}) {
    fb::UserCreatedT t;
    t.user_id = x.id;
    t.name = x.name;
    t.email = x.email;
    t.role = x.role;
    fb::PayloadUnion u;
    u.Set(std::move(t));
    out.push_back(One(std::string("demo-user-") + x.id, "u-ada", {"user", x.id}, std::move(u),
                      Day(2024, 1, 3), x.id));
  }
  struct C { const char* id; const char* first; const char* last; const char* email;
             const char* owner; Micros when; };
  for (const C& x : {C{"C-1", "Marie", "Curie", "marie@radium.example", "u-alan", Day(2024, 2, 5)},
                     C{"C-2", "Nikola", "Tesla", "nikola@ac.example", "u-alan", Day(2024, 3, 11)},
                     C{"C-3", "Émilie", "du Châtelet", "emilie@physique.example", "u-grace",
                       Day(2024, 4, 22)}}) {
    fb::ContactCreatedT t;
    t.contact_id = x.id;
    t.first_name = x.first;
    t.last_name = x.last;
    t.emails = {x.email};
    t.owner_id = x.owner;
    t.source = "web form";
    fb::PayloadUnion u;
    u.Set(std::move(t));
    out.push_back(One(std::string("demo-contact-") + x.id, x.owner, {"contact", x.id},
                      std::move(u), x.when, x.id));
  }
  struct N { const char* id; const char* contact; const char* body; const char* author;
             Micros when; };
  for (const N& x : {N{"A-1", "C-1", "Intro call: wants a demo of the robot arm", "u-alan",
                       Day(2024, 2, 6)},
                     N{"A-2", "C-2", "Sent pricing for 40 units", "u-alan", Day(2024, 3, 12)},
                     N{"A-3", "C-1", "Follow-up: budget approved for Q3", "u-alan",
                       Day(2024, 5, 2)}}) {
    fb::NoteLoggedT t;
    t.activity_id = x.id;
    t.body = x.body;
    t.author_id = x.author;
    t.links = std::make_unique<fb::LinksT>();
    t.links->contact_ids = {x.contact};
    fb::PayloadUnion u;
    u.Set(std::move(t));
    out.push_back(One(std::string("demo-note-") + x.id, x.author, {"activity", x.id},
                      std::move(u), x.when, x.contact));
  }
  return out;
}

int RunDemo(const GlobalOptions& g) {
  std::unique_ptr<events::EventLog> log;
  Status s = OpenLog(g, true, &log);
  if (!s.ok()) return ReportError(g, s);
  size_t written = 0;
  for (const auto& req : DemoRequests()) {
    auto r = log->Append(req);
    if (!r.ok()) return ReportError(g, r.status());
    if (!r->duplicate) ++written;
  }
  std::vector<events::Event> evs;
  s = log->ReadForward(1, 1000, &evs);
  if (!s.ok()) return ReportError(g, s);
  if (!g.json) {
    std::cout << "rapport demo: " << written << " commands appended to "
              << ResolveDataDir(g) << " (" << log->LastPosition() << " events in the log)\n\n";
  }
  PrintEvents(g, evs);
  auto report = log->Verify();
  if (!report.ok()) return ReportError(g, report.status());
  if (!g.json) {
    std::cout << "\nlog verify: " << (report->ok() ? "clean" : "PROBLEMS FOUND") << " ("
              << report->events_checked << " events, " << report->streams_checked
              << " streams, " << report->commands_checked << " commands)\n"
              << "Try: rapport --data " << ResolveDataDir(g) << " log show 5\n";
  }
  return report->ok() ? kExitOk : kExitCorruption;
}

}  // namespace

void SetupDemoCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  CLI::App* demo = app->add_subcommand("demo", "Create an example workspace and show its log");
  demo->callback([g, exit_code] { *exit_code = RunDemo(*g); });
}

}  // namespace rapport::cli
