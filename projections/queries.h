// The questions rapport answers from its read models, each now or in any past view (AsOf).
// Money is reported in the workspace's home currency, converted with the exchange rate in
// force on the day that matters (see each query); a missing rate is reported as a warning and
// the amount left out of totals, never silently converted at a guess.
//
// Every function here must run under ProjectionEngine::Read (a shared lock), with the AsOf it
// resolved. The ones that read event bodies take the log too.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "events/event_log.h"
#include "projections/read_model.h"

namespace rapport::projections {

// ---- Pipeline board ----
struct BoardDeal {
  std::string id, name, owner, company, currency;
  int64_t amount = 0;       // in `currency`
  int64_t amount_home = 0;  // in the home currency
  bool converted = true;    // false: no exchange rate, left out of totals
  int days_in_stage = 0;
  int days_since_activity = -1;  // -1: no activity logged
  int32_t expected_close = kNoDate;
};
struct BoardColumn {
  std::string stage_id, name;
  int probability = 0;
  bool removed = false;  // a stage the pipeline no longer has; deals still in it
  std::vector<BoardDeal> deals;     // largest first (at most max_deals_per_stage)
  int64_t total = 0, weighted = 0;  // home currency, over every deal in the stage
  size_t count = 0;                 // every deal in the stage
};
struct Board {
  std::string pipeline_id, pipeline_name, currency;
  std::vector<BoardColumn> columns;
  int64_t total = 0, weighted = 0;
  size_t deals = 0;
  std::vector<std::string> warnings;
};
// The open deals of a pipeline by stage ("" = the first pipeline), largest first, at most
// `max_deals_per_stage` listed per stage (0: all); counts and totals cover every deal.
// Amounts convert at the view's day. not_found for an unknown pipeline.
Result<Board> BuildBoard(const ReadModel& m, const AsOf& at, std::string_view pipeline_id,
                         size_t max_deals_per_stage = 0);

// ---- Pipeline diff (waterfall) ----
struct DiffRow {
  std::string deal_id, name, change;  // added, reopened, won, lost, removed, moved forward,
                                      // moved back, amount up, amount down, close date
  std::string from, to;
  int64_t delta = 0;                  // effect on the open total, home currency
};
struct PipelineDiff {
  std::string pipeline_id, currency;
  int64_t start = 0, end = 0;
  int64_t added = 0, increased = 0, decreased = 0, won = 0, lost = 0, removed = 0;
  std::vector<DiffRow> rows;
  std::vector<std::string> warnings;
  // start + added + increased - decreased - won - lost - removed == end
  bool Reconciles() const {
    using W = __int128;  // the totals are each within int64; their sum may not be
    return W(start) + added + increased - decreased - won - lost - removed == W(end);
  }
};
// What changed in a pipeline's open deals between two views. Every amount converts at the
// later view's day, so the totals reconcile exactly.
Result<PipelineDiff> DiffPipeline(const ReadModel& m, const AsOf& from, const AsOf& to,
                                  std::string_view pipeline_id);

// ---- Forecast ----
enum class Period { kMonth, kQuarter };
enum class GroupBy { kNone, kOwner, kTeam };
struct ForecastOptions {
  Period period = Period::kMonth;
  GroupBy group = GroupBy::kNone;
  std::string pipeline_id;  // "" = all
  std::string owner_id;     // "" = all
};
struct ForecastRow {
  std::string period, group;
  int64_t open = 0, weighted = 0, history = 0, won = 0;
  int64_t pipeline = 0, best_case = 0, commit = 0;  // open amount by forecast category
  size_t open_deals = 0, won_deals = 0;
};
struct StageRate {
  std::string pipeline_id, stage_id, stage_name;
  int configured = 0;  // the stage's probability, percent
  size_t closed = 0, won = 0;  // closed deals that were ever in the stage, and how many won
  double rate = 0;             // won / closed (0 when none closed)
};
struct Forecast {
  std::string currency;
  std::vector<ForecastRow> rows;
  std::vector<StageRate> rates;
  std::vector<std::string> warnings;
};
// Open deals by expected close period (unscheduled ones under "unscheduled"), won deals by
// close period. weighted = amount x stage probability; history = amount x the stage's actual
// win rate in this view (StageRate). Categories: an explicit one wins; else won = closed,
// probability >= 80 commit, >= 40 best_case, else pipeline; omitted deals are left out.
Forecast BuildForecast(const ReadModel& m, const AsOf& at, const ForecastOptions& o);

// ---- Reports ----
struct ReportFilter {
  std::string pipeline_id, owner_id, team_id;
  int32_t from_day = kNoDate, to_day = kNoDate;  // inclusive; kNoDate = open-ended
};
struct Report {
  std::string title;
  std::vector<std::string> columns;  // keys of `rows`, in display order
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  std::vector<std::string> notes;
};
// kind: conversion, winrate, cycle, deal-size, revenue, sources, activity.
Result<Report> BuildReport(const ReadModel& m, const AsOf& at, std::string_view kind,
                           const ReportFilter& f);
extern const char* const kReportKinds[];

// ---- Follow-ups ----
struct FollowUp {
  std::string user, task_id, title, link;
  Micros due = 0;
  bool overdue = false;
  int days_overdue = 0;
};
// Open tasks due by the end of the view's day (UTC), per assignee ("" = everyone),
// overdue first.
std::vector<FollowUp> BuildFollowUps(const ReadModel& m, const AsOf& at, std::string_view user);

struct StaleDeal {
  std::string id, name, owner, pipeline, stage, currency;
  int64_t amount = 0, amount_home = 0;
  int days_idle = 0;  // since the last activity (or since it was opened)
};
// Open deals idle for >= days with an amount >= min_amount_home (home currency minor units).
std::vector<StaleDeal> BuildStale(const ReadModel& m, const AsOf& at, int days, int64_t min_amount_home,
                                  std::vector<std::string>* warnings);

struct Renewal {
  std::string contract_id, deal_id, company, owner, currency;
  int64_t amount = 0;
  int32_t renewal_date = kNoDate;
  int days_left = 0;
};
// Active contracts renewing within `days` of the view's day (overdue renewals included).
std::vector<Renewal> BuildRenewals(const ReadModel& m, const AsOf& at, int days);

struct WaitingTicket {
  std::string ticket_id, subject, contact, company, assignee, priority;
  double hours_waiting = 0;
};
// Tickets whose status is open (waiting on us), longest waiting first.
std::vector<WaitingTicket> BuildWaitingTickets(const ReadModel& m, const AsOf& at);

// ---- Timelines and history ----
struct TimelineRow {
  uint64_t position = 0;
  Micros occurred = 0, recorded = 0;
  std::string actor, type, stream, summary;
};
struct TimelineResult {
  std::vector<TimelineRow> rows;
  size_t total = 0;
  bool more = false;
  std::optional<TimelineEntry> next;  // pass as `before` for the next page
};
// record: "contact/C-1", "company/CO-2", "deal/D-3".
Result<TimelineResult> BuildTimeline(const ReadModel& m, const events::EventLog& log, const AsOf& at,
                                     std::string_view record, size_t limit,
                                     const TimelineEntry* before);

struct HistoryRow {
  uint64_t position = 0;
  uint64_t version = 0;
  Micros occurred = 0, recorded = 0;
  std::string actor, command_id, causation_id, event_type, field, old_value, new_value;
};
// Every field change of a record ("deal/D-3"), oldest first, in the view: its stream replayed
// through the domain's rules, field values compared before and after each event.
Result<std::vector<HistoryRow>> BuildHistory(const events::EventLog& log, const AsOf& at,
                                             std::string_view record);

}  // namespace rapport::projections
