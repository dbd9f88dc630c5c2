// The demo workspace: two years of a sales and service team at "Acme Robotics", a maker of
// industrial robots selling in four European territories, generated through the domain.
//
// What GenerateDemo promises
//  - Commands only: every change goes through CommandService::Execute, as a user (or, for the
//    workspace itself, rapport's own actor) would send it; no event is written directly.
//  - Simulated time: commands are executed in non-decreasing simulated time. Before each one
//    the clock is set to its instant, which is also Execute's `now`; a log opened with that
//    clock (LogOptions::clock) records it as recorded_at, as if rapport had been used all along.
//    Every command carries occurred_at: usually the same instant, days earlier for the few
//    percent of activities and deal changes that are logged late, so a view --as-of an instant
//    and the same view --effective differ.
//  - Deterministic: the same options give the same commands, ids ("demo-<seed>-<n>") and
//    instants, hence the same log event for event. No wall clock, no unordered iteration.
//  - The story ends when `until_day` begins (00:00 UTC): nothing happens on that day yet, tasks
//    are due on it and after it, deals are still open, contracts renew in the next months.
//  - The story: the admin U-1 (the local operator) sets up users, four territory teams, two
//    pipelines, products and monthly GBP rates; 40 % of the accounts are imported on day one,
//    the rest arrive over time with their contacts; deals move through "New business" (moving
//    back, slipping their close dates, won with a final amount or lost with a reason, a few
//    going quiet until a manager closes them); won deals start contracts whose renewals run
//    through "Renewals"; customers get check-ins and support tickets; tasks are done, moved,
//    dropped or forgotten; two reps join, one leaves and hands over their accounts.
//    One late deal change straddles the end of the day a year before `until_day`, the date
//    `rapport demo` suggests for --as-of.
//  - REQUIRES: a log without a workspace. Any refused command is a bug of the generator: it
//    stops and returns the error, naming the command.
//
// Sizes at scale 1.0 (seed 42): 33 users in four teams, 2,500 companies, 6,600 contacts, 3,200
// deals, 44,000 activities, 3,500 tasks, 500 contracts, 1,200 tickets — about 83,000 events,
// generated in about 3 s in a Release build when the log syncs once at the end
// (LogOptions::sync = false, then Close) instead of after each of the 82,000 appends (about a
// minute on a 2-core machine).
// Companies, contacts, deals and tickets scale with `scale`; users, teams, pipelines and
// products do not.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "domain/command_service.h"
#include "events/clock.h"

namespace rapport::cli {

struct DemoOptions {
  // Seeds every random choice.
  // Default: 42
  uint64_t seed = 42;
  // The day the story ends (days since 1970-01-01, UTC): the simulation covers the two years
  // before it (from DemoStartDay). Required.
  int32_t until_day = 0;
  // Multiplies the number of companies, contacts, deals and tickets: (0, 20].
  // Default: 1.0
  double scale = 1.0;
};

struct DemoSummary {
  Micros start = 0, end = 0;  // the simulated period
  uint64_t commands = 0, events = 0;
  size_t users = 0, teams = 0, companies = 0, contacts = 0;
  size_t deals = 0, deals_open = 0, deals_won = 0, deals_lost = 0;
  size_t activities = 0, late_entries = 0;  // late: activities and deal changes logged days later
  size_t tasks = 0, contracts = 0, tickets = 0;
  std::string new_business_pipeline, renewals_pipeline;  // "PL-1", "PL-2"
  std::string busiest_company;  // the company with the most happening around it ("CO-17")
  std::string storied_deal;     // a deal whose close date slipped and that moved back
  std::string busy_rep;         // the rep with the most open tasks at the end
};

// The first day of the story: the same date two years before `until_day`.
int32_t DemoStartDay(int32_t until_day);

// Fills the workspace (see above). `progress`, if set, is called now and then with the share
// of the simulated period done (0..1).
Status GenerateDemo(domain::CommandService* service, ManualClock* clock, const DemoOptions& options,
                    DemoSummary* summary, const std::function<void(double)>& progress);

}  // namespace rapport::cli
