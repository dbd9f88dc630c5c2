// The demo generator's back room, shared by its files: the simulation of two years at Acme
// Robotics and the small model it keeps of what it created. Nothing outside cli/demo_*.cc
// includes this; the public face is cli/demo_generator.h.
//
// How it works. Jobs (a company is created, a deal moves, a ticket is answered, ...) wait in a
// queue ordered by (instant, sequence number); running one executes its commands at its instant
// and may queue later jobs. So commands run in non-decreasing simulated time, and every random
// draw happens in one deterministic order. The generator keeps its own small model of what it
// created (who owns what, which deal is in which stage) to choose only valid commands; the
// domain still decides every one of them.
//
// Where each part of the story lives:
//   demo_generator.cc   the run loop, the daily arrivals, the summary, sending a command
//   demo_setup.cc       the workspace, users, teams, pipelines, products, rates; a hire, a leaver
//   demo_accounts.cc    companies and contacts (and the contacts' lifecycle stage)
//   demo_activities.cc  prospecting, web forms, deal activities, customer check-ins
//   demo_deals.cc       opening deals and moving them through the stages
//   demo_deal_close.cc  winning, losing and cleaning up deals
//   demo_contracts.cc   contracts started from won deals, and their renewals
//   demo_tickets.cc     support tickets
//   demo_tasks.cc       follow-up tasks and what becomes of them
//   demo_names.h, demo_acme.h: the words and the company the story is made of.
//
// Thread safety: none; a Simulation is used by one thread, once.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cli/demo_acme.h"
#include "cli/demo_generator.h"
#include "cli/demo_names.h"
#include "domain/command_service.h"

namespace rapport::cli::demo {

constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kHour = 60 * kMinute;
constexpr int kSystem = -1;        // rapport's own actor (creates the workspace)
constexpr int kAdmin = 0;          // U-1, the local operator
constexpr double kLate = 0.04;     // share of activities and deal changes logged days later

std::unique_ptr<fb::MoneyT> MoneyOf(int64_t minor, const std::string& currency);
// A text value for UpdateRecord's `set`.
std::unique_ptr<fb::FieldValueT> Field(std::string field, std::string text);

inline int32_t DayOf(Micros t) { return static_cast<int32_t>(t >= 0 ? t / kMicrosPerDay : (t - kMicrosPerDay + 1) / kMicrosPerDay); }
inline bool Weekend(int32_t day) { return ((day % 7) + 7 + 3) % 7 >= 5; }  // 1970-01-01 was a Thursday

// ---------------------------------------------------------------------------------------------
// What the generator remembers of what it created.

struct User {
  std::string id, name, email;
  fb::Role role;
  int team = -1;
  bool active = false;   // created and not deactivated
  bool leaving = false;  // gets no new accounts
};

struct Company {
  std::string id, name, short_name, domain, country, city, currency;
  int territory = 0, owner = 0;
  Micros created = 0;
  std::vector<int> contacts;
  bool customer = false;
  int open_deal = -1;  // the open new-business deal, if any
  uint32_t touches = 0;
};

struct Contact {
  std::string id, first, last, email;
  int company = 0, owner = 0;
  fb::Lifecycle lifecycle = fb::Lifecycle::Lead;
};

enum class DealStatus { kOpen, kWon, kLost };

struct Deal {
  std::string id, name, currency;
  int company = 0, owner = 0, pipeline = 0, stage = 0;
  std::vector<int> contacts;
  int64_t amount = 0;
  std::vector<std::pair<int, int64_t>> lines;  // product index, quantity
  int32_t expected_close = 0;
  DealStatus status = DealStatus::kOpen;
  fb::ForecastCategory category = fb::ForecastCategory::Auto;
  bool dormant = false, moved_back = false, cleanup_skipped = false;
  int slips = 0, events = 0;
  int contract = -1;  // renewal deals: the contract they renew
  std::vector<int> tasks;
};

struct Contract {
  std::string id;
  int deal = 0, company = 0, owner = 0, term = 12;
  int64_t amount = 0;
  std::string currency;
  int32_t renewal = 0;
  bool active = true;
};

struct Task {
  std::string id;
  int assignee = 0;
  bool open = true;
};

struct Ticket {
  std::string id, subject;
  int company = 0, contact = 0, assignee = 0;
  fb::Priority priority = fb::Priority::Normal;
  fb::TicketStatus status = fb::TicketStatus::Open;
};

enum class Move { kAdvance, kBack, kWin, kLose };

// ---------------------------------------------------------------------------------------------
// The simulation: Run() plays the whole story once.

class Simulation {
 public:
  Simulation(domain::CommandService* service, ManualClock* clock, const DemoOptions& o,
             const std::function<void(double)>& progress)
      : service_(service), clock_(clock), o_(o), progress_(progress), rng_(o.seed) {
    start_ = static_cast<Micros>(DemoStartDay(o.until_day)) * kMicrosPerDay;
    end_ = static_cast<Micros>(o.until_day) * kMicrosPerDay;
    year_mark_ = static_cast<Micros>(o.until_day - 365 + 1) * kMicrosPerDay;
  }

  Status Run(DemoSummary* out);

 private:
  // ---- randomness: every draw goes through rng_, in job order ----
  double Uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Uniform() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[rng_() % v.size()]; }
  int Poisson(double lambda) {
    double limit = std::exp(-lambda), p = 1;
    int k = 0;
    while ((p *= Uniform()) > limit) ++k;
    return k;
  }
  double Normal() {
    double u = 1.0 - Uniform(), v = Uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }

  // ---- simulated time ----
  int32_t Today() const { return DayOf(now_); }
  // A working instant (Monday to Friday, 07:30 to 18:00 UTC) on `day` or the next working day.
  Micros WorkTime(int32_t day) {
    while (Weekend(day)) ++day;
    return static_cast<Micros>(day) * kMicrosPerDay + 7 * kHour + 30 * kMinute +
           Between(0, 630) * kMinute + Between(0, 59) * kMicrosPerSecond;
  }
  // A working instant about `days` after now (strictly later).
  Micros After(double days) {
    Micros target = now_ + static_cast<Micros>(days * static_cast<double>(kMicrosPerDay));
    if (DayOf(target) == Today()) return now_ + Between(5, 120) * kMinute;
    Micros t = WorkTime(DayOf(target));
    return t > now_ ? t : now_ + Between(5, 120) * kMinute;
  }
  // `t` (to the second) if it falls in working hours, else the next working morning.
  Micros Working(Micros t) {
    t = t / kMicrosPerSecond * kMicrosPerSecond;
    int32_t day = DayOf(t);
    Micros time_of_day = t - static_cast<Micros>(day) * kMicrosPerDay;
    if (!Weekend(day) && time_of_day >= 7 * kHour + 30 * kMinute && time_of_day < 18 * kHour + 30 * kMinute) return t;
    if (time_of_day >= 7 * kHour + 30 * kMinute) ++day;
    while (Weekend(day)) ++day;
    return static_cast<Micros>(day) * kMicrosPerDay + 7 * kHour + 30 * kMinute + Between(0, 90) * kMinute +
           Between(0, 59) * kMicrosPerSecond;
  }
  Micros Soon() { return now_ + Between(1, 20) * kMinute + Between(0, 59) * kMicrosPerSecond; }

  using JobFn = std::function<Status()>;
  struct Job {
    Micros at;
    uint64_t seq;
    JobFn fn;
  };
  struct Later {
    bool operator()(const Job& a, const Job& b) const { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
  };
  void At(Micros t, JobFn fn) { jobs_.push({std::max(t, now_), seq_++, std::move(fn)}); }
  // Runs `log(occurred)` now, or (a few percent of the time) days later with occurred = now:
  // someone catching up on their CRM entries.
  Status MaybeLate(std::function<Status(Micros)> log) {
    if (!Chance(kLate)) return log(now_);
    Micros occurred = now_;
    At(After(Uniform(1, 9)), [this, log, occurred] {
      ++late_;
      return log(occurred);
    });
    return Status::Ok();
  }

  // ---- commands ----
  // Executes `body` now, as `user` (kSystem: rapport itself; a rep who left: their manager),
  // occurred at `occurred` (0: now), adding the number of events appended to *events if set.
  // A refused command is returned as an error naming it.
  template <typename T>
  Status Exec(int user, T body, Micros occurred = 0, int* events = nullptr) {
    fb::CommandT c;
    c.body.Set(std::move(body));
    return Send(user, std::move(c), occurred, events);
  }
  Status Send(int user, fb::CommandT c, Micros occurred, int* events);
  std::string NextId(const char* prefix, uint64_t* counter) { return std::string(prefix) + "-" + std::to_string(++*counter); }
  int ActiveOr(int user, int fallback) const { return users_[user].active ? user : fallback; }
  int ManagerOf(int user) const;
  std::vector<int> RepsOf(int territory) const;

  // ---- the story ----
  Status Setup();
  Status Daily(int32_t day);
  Status Hire(int user);
  Status Depart(int leaver, int successor);
  Status SetGbpRate(int32_t effective_day);
  Status CreateCompany(int territory, bool imported);
  Status CreateContact(int company, const std::string& source, bool duplicate_of_existing);
  Status SubmitForm(int contact);
  Status Prospect(int company);
  Status OpenDeal(int company, const std::string& source);
  Status EnterStage(int deal);
  Status DealStep(int deal);
  Status ApplyMove(int deal, Move move, int target_stage, Micros occurred);
  Status Slip(int deal);
  Status Win(int deal, Micros occurred);
  Status Lose(int deal, Micros occurred, const std::string& reason);
  Status Cleanup(int deal);
  Status DealActivity(int deal, int stage, Micros occurred);
  Status ChangeLifecycle(int contact, fb::Lifecycle stage, const std::string& reason);
  Status StartContract(int deal);
  Status RenewalDue(int contract);
  Status CheckIn(int company);
  Status OpenTicket(int company);
  Status TicketRespond(int ticket, Micros resolve_at);
  Status TicketStatus(int ticket, fb::TicketStatus status);
  Status NewTask(int actor, int assignee, std::string title, std::unique_ptr<fb::LinksT> links, Micros due,
                 int deal = -1);
  Status CancelTask(int task, const std::string& reason);
  Status CloseDealTasks(int deal, const std::string& reason);
  Status TaskFate(int task, int fate, Micros due);

  std::unique_ptr<fb::LinksT> LinksFor(int contact, int company, int deal = -1, int ticket = -1) const;
  std::string CompanyName(const TerritoryInfo& t, const std::string& city);
  void Touch(int company) { if (company >= 0) ++companies_[company].touches; }

  domain::CommandService* service_;
  ManualClock* clock_;
  DemoOptions o_;
  const std::function<void(double)>& progress_;
  std::mt19937_64 rng_;
  Micros start_ = 0, end_ = 0, now_ = 0;
  Micros year_mark_ = 0;  // the end of the day a year before the end
  bool year_mark_straddled_ = false;
  std::priority_queue<Job, std::vector<Job>, Later> jobs_;
  uint64_t seq_ = 0;

  uint64_t commands_ = 0, events_ = 0, late_ = 0;
  uint64_t n_companies_ = 0, n_contacts_ = 0, n_deals_ = 0, n_activities_ = 0, n_tasks_ = 0,
           n_contracts_ = 0, n_tickets_ = 0;
  size_t users_created_ = 0;
  std::vector<User> users_;
  std::deque<Company> companies_;
  std::deque<Contact> contacts_;
  std::deque<Deal> deals_;
  std::deque<Contract> contracts_;
  std::deque<Task> tasks_;
  std::deque<Ticket> tickets_;
  std::vector<int> support_;
  std::vector<int> customers_;
  std::set<std::string> names_, domains_;
  int64_t gbp_rate_e9_ = 1'165'000'000;
  double deals_per_day_ = 0, companies_per_day_ = 0;
};

}  // namespace rapport::cli::demo
