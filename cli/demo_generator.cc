// The demo generator: a discrete-event simulation of two years at Acme Robotics.
//
// Jobs (a company is created, a deal moves, a ticket is answered, ...) wait in a queue ordered
// by (instant, sequence number); running one executes its commands at its instant and may
// queue later jobs. So commands run in non-decreasing simulated time, and every random draw
// happens in one deterministic order. The generator keeps its own small model of what it
// created (who owns what, which deal is in which stage) to choose only valid commands; the
// domain still decides every one of them.
#include "cli/demo_generator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <random>
#include <set>
#include <vector>

#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli {
namespace {

constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kHour = 60 * kMinute;
constexpr int kSystem = -1;        // rapport's own actor (creates the workspace)
constexpr int kAdmin = 0;          // U-1, the local operator
constexpr double kLate = 0.04;     // share of activities and deal changes logged days later

// ---------------------------------------------------------------------------------------------
// The world: territories, names, products, stages.

struct CountryInfo {
  const char* name;
  const char* tld;
  const char* phone;
  std::vector<const char*> cities;
  std::vector<const char*> forms;  // legal forms, the first most common
  int weight;
};

struct TerritoryInfo {
  const char* team;
  double share;  // of all companies
  std::vector<CountryInfo> countries;
  std::vector<const char*> roots, tails, words;  // company name parts
  std::vector<const char*> first_names, last_names;
  const char* currency;
};

const std::vector<TerritoryInfo>& Territories() {
  static const std::vector<TerritoryInfo> t = {
      {"DACH", 0.34,
       {{"Germany", "de", "+49", {"Munich", "Stuttgart", "Hamburg", "Berlin", "Cologne", "Frankfurt", "Düsseldorf", "Leipzig", "Nuremberg", "Hanover", "Dortmund", "Bremen", "Augsburg", "Karlsruhe", "Ulm"}, {"GmbH", "GmbH & Co. KG", "AG"}, 70},
        {"Austria", "at", "+43", {"Vienna", "Graz", "Linz", "Salzburg", "Innsbruck"}, {"GmbH", "AG"}, 15},
        {"Switzerland", "ch", "+41", {"Zurich", "Basel", "Bern", "Lausanne", "Winterthur", "St. Gallen"}, {"AG", "GmbH"}, 15}},
       {"Alpen", "Rhein", "Isar", "Donau", "Elbe", "Main", "Neckar", "Harz", "Boden", "Taunus", "Spree", "Weser", "Ruhr", "Eifel", "Allgäu", "Mosel", "Saale", "Lech", "Brenner", "Inn"},
       {"tronik", "tec", "werk", "logistik", "pack", "plast", "mechanik", "form", "technik", "automation", "systeme", "antrieb"},
       {"Maschinenbau", "Präzisionstechnik", "Antriebstechnik", "Kunststofftechnik", "Verpackungen", "Logistik", "Elektronik", "Lebensmittel", "Feinmechanik", "Metallbau"},
       {"Anna", "Lukas", "Julia", "Maximilian", "Laura", "Jan", "Katharina", "Florian", "Sophie", "Michael", "Lea", "Stefan", "Hannah", "Thomas", "Johanna", "Markus", "Clara", "Andreas", "Theresa", "Sebastian", "Jürgen", "Sabine", "Matthias", "Birgit"},
       {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Huber", "Gruber", "Steiner", "Keller"},
       "EUR"},
      {"Nordics", 0.20,
       {{"Sweden", "se", "+46", {"Stockholm", "Gothenburg", "Malmö", "Västerås", "Linköping", "Jönköping"}, {"AB"}, 40},
        {"Norway", "no", "+47", {"Oslo", "Bergen", "Trondheim", "Stavanger"}, {"AS"}, 20},
        {"Denmark", "dk", "+45", {"Copenhagen", "Aarhus", "Odense", "Aalborg"}, {"A/S", "ApS"}, 25},
        {"Finland", "fi", "+358", {"Helsinki", "Tampere", "Espoo", "Oulu", "Turku"}, {"Oy", "Oyj"}, 15}},
       {"Fjord", "Nord", "Vik", "Sol", "Havs", "Skog", "Lind", "Björk", "Ek", "Strand", "Berg", "Sjö", "Fors", "Dal", "Vinter", "Norr", "Kyst", "Myr", "Ask", "Lyng"},
       {"verken", "tek", "mekanik", "pack", "plast", "logistik", "automation", "industri", "produkter", "robotik"},
       {"Mekaniska", "Industri", "Logistik", "Plast", "Verkstad", "Elektronik", "Livsmedel", "Förpackning"},
       {"Erik", "Anna", "Lars", "Maria", "Johan", "Karin", "Anders", "Emma", "Mikael", "Sara", "Nils", "Ida", "Henrik", "Linnea", "Mats", "Astrid", "Jukka", "Aino", "Søren", "Mette", "Ole", "Ingrid", "Björn", "Freja"},
       {"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsen", "Hansen", "Jensen", "Nielsen", "Pedersen", "Berg", "Lindqvist", "Virtanen", "Korhonen", "Mäkinen", "Haugen", "Dahl", "Lund", "Holm", "Sundberg", "Ekström", "Solberg", "Bakke"},
       "EUR"},
      {"UK & Ireland", 0.26,
       {{"United Kingdom", "co.uk", "+44", {"London", "Manchester", "Birmingham", "Leeds", "Sheffield", "Bristol", "Glasgow", "Coventry", "Nottingham", "Derby", "Newcastle", "Cardiff"}, {"Ltd", "plc"}, 82},
        {"Ireland", "ie", "+353", {"Dublin", "Cork", "Galway", "Limerick"}, {"Ltd", "DAC"}, 18}},
       {"Thames", "Pennine", "Severn", "Clyde", "Albion", "Mersey", "Kestrel", "Oakridge", "Harbour", "Shannon", "Liffey", "Cotswold", "Humber", "Tyne", "Avon", "Chiltern", "Solent", "Trent", "Wessex", "Mourne"},
       {},
       {"Engineering", "Logistics", "Foods", "Precision", "Components", "Plastics", "Pharma", "Packaging", "Systems", "Manufacturing", "Automation", "Fabrication", "Distribution", "Medical"},
       {"James", "Emily", "Oliver", "Sophie", "Thomas", "Charlotte", "Daniel", "Olivia", "Matthew", "Amelia", "George", "Grace", "Ciaran", "Aoife", "Rhys", "Niamh", "Samuel", "Lucy", "Harry", "Chloe", "Patrick", "Eleanor"},
       {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Murphy", "Kelly", "O'Brien", "Byrne", "Walsh", "McCarthy", "Hughes", "Edwards"},
       "GBP"},
      {"France", 0.20,
       {{"France", "fr", "+33", {"Paris", "Lyon", "Toulouse", "Nantes", "Lille", "Bordeaux", "Grenoble", "Strasbourg", "Rennes", "Clermont-Ferrand"}, {"SAS", "SA", "SARL"}, 85},
        {"Belgium", "be", "+32", {"Brussels", "Antwerp", "Liège", "Ghent"}, {"SA", "NV", "SRL"}, 15}},
       {"Loire", "Rhône", "Seine", "Garonne", "Alpes", "Provence", "Bretagne", "Atlantique", "Lumière", "Vallée", "Saône", "Dordogne", "Vosges", "Jura", "Normandie", "Marne", "Cévennes", "Azur", "Meuse", "Armor"},
       {},
       {"Mécanique", "Logistique", "Plastiques", "Emballages", "Industries", "Composants", "Laboratoires", "Ateliers", "Précision", "Systèmes"},
       {"Camille", "Louis", "Manon", "Hugo", "Chloé", "Lucas", "Inès", "Thomas", "Léa", "Nicolas", "Julie", "Pierre", "Sarah", "Antoine", "Émilie", "Julien", "Céline", "François", "Margaux", "Guillaume", "Élodie", "Mathieu"},
       {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "Dupont", "Lambert", "Peeters", "Janssens"},
       "EUR"},
  };
  return t;
}

const std::vector<const char*> kIndustries = {
    "Automotive", "Logistics", "Food & beverage", "Electronics", "Pharmaceuticals", "Metalworking",
    "Plastics", "Packaging", "Aerospace", "Medical devices", "E-commerce", "Chemicals"};
const std::vector<const char*> kTitles = {
    "Head of Operations", "Plant Manager", "Production Director", "CTO", "COO", "Procurement Manager",
    "Automation Engineer", "Head of Logistics", "Managing Director", "Engineering Manager",
    "Purchasing Lead", "Maintenance Manager", "CFO", "Quality Manager", "Innovation Lead"};
const std::vector<const char*> kProjects = {
    "palletising cell", "pick-and-place line", "welding cell", "warehouse automation", "packaging line upgrade",
    "quality inspection", "machine tending", "end-of-line automation", "lab automation", "cobot pilot",
    "depalletising", "kitting station"};
const std::vector<const char*> kSources = {"website", "trade fair", "referral", "outbound", "partner", "webinar"};
const std::vector<const char*> kLossReasons = {
    "price", "chose a competitor", "no budget this year", "timing: project postponed",
    "no decision", "built it in-house", "lost the champion", "technical fit"};
const std::vector<const char*> kChurnReasons = {
    "budget cut", "switched to a competitor", "plant closed", "moved the service in-house"};
const std::vector<const char*> kCompetitors = {"Kuka", "Fanuc", "ABB", "Universal Robots", "Stäubli", "Yaskawa"};

struct ProductInfo {
  const char* id;
  const char* name;
  const char* code;
  int64_t price_eur;
  bool hardware;
};
const std::vector<ProductInfo> kProducts = {
    {"P-1", "RA-100 robot arm", "RA-100", 45'000, true},
    {"P-2", "RA-300 heavy-payload arm", "RA-300", 78'000, true},
    {"P-3", "CB-20 collaborative robot", "CB-20", 27'500, true},
    {"P-4", "VS-5 vision system", "VS-5", 12'400, true},
    {"P-5", "Fleet manager licence, per robot and year", "FM-LIC", 1'900, false},
    {"P-6", "Service plan Gold, per robot and year", "SVC-GOLD", 3'600, false},
};

// An open stage and how deals behave in it (new business; renewals use the names only).
struct StageInfo {
  const char* id;
  const char* name;
  int probability;
  double dwell_min, dwell_max;  // days
  double lose, back;            // chance of losing the deal, of moving it back a stage
  int acts_min, acts_max;       // activities while in the stage
};
const std::vector<StageInfo> kNewBusiness = {
    {"qualify", "Qualification", 10, 3, 18, 0.33, 0.00, 1, 4},
    {"discovery", "Discovery", 25, 6, 28, 0.22, 0.00, 2, 5},
    {"demo", "Demo", 45, 7, 30, 0.17, 0.06, 2, 6},
    {"proposal", "Proposal", 65, 8, 35, 0.17, 0.08, 2, 6},
    {"negotiation", "Negotiation", 80, 6, 40, 0.20, 0.05, 2, 7},
};
const std::vector<StageInfo> kRenewals = {
    {"renewal-due", "Renewal due", 60, 0, 0, 0, 0, 1, 2},
    {"quote-sent", "Quote sent", 75, 0, 0, 0, 0, 1, 3},
    {"renewal-negotiation", "Renewal negotiation", 90, 0, 0, 0, 0, 1, 3},
};
constexpr int kProposal = 3, kNegotiation = 4;

struct UserInfo {
  const char* name;
  fb::Role role;
  const char* title;
  int team;       // index into Territories(), -1 for none
  int joins_day;  // days after the start (0: from the start)
};
// U-1 (the admin) first; the managers are the first of each team.
const std::vector<UserInfo> kUsers = {
    {"Ada Okafor", fb::Role::Admin, "Sales operations", -1, 0},
    {"Katrin Vogel", fb::Role::Manager, "Sales director DACH", 0, 0},
    {"Henrik Lindqvist", fb::Role::Manager, "Sales director Nordics", 1, 0},
    {"Rachel Evans", fb::Role::Manager, "Sales director UK & Ireland", 2, 0},
    {"Claire Dubois", fb::Role::Manager, "Sales director France", 3, 0},
    {"Jonas Becker", fb::Role::Rep, "Account executive", 0, 0},
    {"Lena Hoffmann", fb::Role::Rep, "Account executive", 0, 0},
    {"Felix Wagner", fb::Role::Rep, "Account executive", 0, 0},
    {"Miriam Schulz", fb::Role::Rep, "Senior account executive", 0, 0},
    {"Tobias Koch", fb::Role::Rep, "Account executive", 0, 0},
    {"Sarah Lehmann", fb::Role::Rep, "Account executive", 0, 0},
    {"Elin Johansson", fb::Role::Rep, "Senior account executive", 1, 0},
    {"Mikkel Nielsen", fb::Role::Rep, "Account executive", 1, 0},
    {"Ingrid Berg", fb::Role::Rep, "Account executive", 1, 0},
    {"Oskar Virtanen", fb::Role::Rep, "Account executive", 1, 0},
    {"Sofie Andersen", fb::Role::Rep, "Account executive", 1, 0},
    {"James Whitfield", fb::Role::Rep, "Senior account executive", 2, 0},
    {"Priya Shah", fb::Role::Rep, "Account executive", 2, 0},
    {"Conor Byrne", fb::Role::Rep, "Account executive", 2, 0},
    {"Hannah Clarke", fb::Role::Rep, "Account executive", 2, 0},
    {"Oliver Grant", fb::Role::Rep, "Account executive", 2, 0},
    {"Julien Moreau", fb::Role::Rep, "Senior account executive", 3, 0},
    {"Camille Laurent", fb::Role::Rep, "Account executive", 3, 0},
    {"Antoine Girard", fb::Role::Rep, "Account executive", 3, 0},
    {"Léa Fontaine", fb::Role::Rep, "Account executive", 3, 0},
    {"Mathieu Roux", fb::Role::Rep, "Account executive", 3, 0},
    {"Marta Nowak", fb::Role::Rep, "Support engineer", -1, 0},
    {"Luca Bianchi", fb::Role::Rep, "Support engineer", -1, 0},
    {"Aisha Rahman", fb::Role::Rep, "Support engineer", -1, 0},
    {"Jana Weiss", fb::Role::Rep, "Marketing operations", -1, 0},
    {"Noah Fischer", fb::Role::Analyst, "Revenue analyst", -1, 0},
    {"Nils Åberg", fb::Role::Rep, "Account executive", 1, 200},
    {"Emma Richter", fb::Role::Rep, "Account executive", 0, 380},
};
constexpr int kLeaver = 9;      // Tobias Koch leaves...
constexpr int kSuccessor = 32;  // ...and Emma Richter takes over his accounts
constexpr int kLeaveDay = 455;
constexpr int kMarketing = 29;

// "Émilie O'Brien" -> "emilieobrien": lower-case ASCII letters and digits, for emails and domains.
std::string Fold(std::string_view s) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kMap = {
      {"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"ß", "ss"}, {"Ä", "ae"}, {"Ö", "oe"}, {"Ü", "ue"},
      {"é", "e"},  {"è", "e"},  {"ê", "e"},  {"ë", "e"},  {"É", "e"},  {"à", "a"},  {"â", "a"},
      {"ç", "c"},  {"ô", "o"},  {"î", "i"},  {"ï", "i"},  {"å", "a"},  {"Å", "a"},  {"ø", "o"},
      {"Ø", "o"},  {"æ", "ae"}, {"Æ", "ae"}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
      ++i;
      continue;
    }
    bool mapped = false;
    for (const auto& [from, to] : kMap) {
      if (s.substr(i, from.size()) == from) {
        out += to;
        i += from.size();
        mapped = true;
        break;
      }
    }
    if (!mapped) {  // skip an unknown character
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    }
  }
  return out;
}

std::unique_ptr<fb::MoneyT> MoneyOf(int64_t minor, const std::string& currency) {
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = minor;
  m->currency = currency;
  return m;
}

std::unique_ptr<fb::FieldValueT> Field(std::string field, std::string text) {
  auto f = std::make_unique<fb::FieldValueT>();
  f->field = std::move(field);
  f->value = domain::Boxed(domain::TextValue(std::move(text)));
  return f;
}

int32_t DayOf(Micros t) { return static_cast<int32_t>(t >= 0 ? t / kMicrosPerDay : (t - kMicrosPerDay + 1) / kMicrosPerDay); }
bool Weekend(int32_t day) { return ((day % 7) + 7 + 3) % 7 >= 5; }  // 1970-01-01 was a Thursday

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
  template <typename T>
  Status Exec(int user, T body, Micros occurred = 0, int* events = nullptr);
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

template <typename T>
Status Simulation::Exec(int user, T body, Micros occurred, int* events) {
  fb::CommandT c;
  c.command_id = "demo-" + std::to_string(o_.seed) + "-" + std::to_string(commands_ + 1);
  c.occurred_at_us = occurred != 0 ? occurred : now_;
  c.body.Set(std::move(body));
  domain::Actor actor = domain::Actor::System();
  std::string who = "system";
  // Work left by a rep who has left (a contract to start for a deal they won) falls to their manager.
  if (user != kSystem && !users_[static_cast<size_t>(user)].active && users_[static_cast<size_t>(user)].team >= 0) {
    user = ManagerOf(user);
  }
  if (user != kSystem) {
    who = users_[user].id;
    auto a = service_->ActorFor(who);
    if (!a.ok()) return a.status().WithContext("demo: acting as " + who);
    actor = *a;
  }
  clock_->Set(now_);
  auto r = service_->Execute(actor, c, now_);
  if (!r.ok()) {
    return Status(r.status().code(), "demo command " + c.command_id + " (" +
                                         fb::EnumNameCommandBody(c.body.type) + " by " + who + " at " +
                                         FormatIso8601(now_) + ") was refused: " + r.status().message());
  }
  ++commands_;
  if (r->first_position != 0) {
    uint64_t n = r->last_position - r->first_position + 1;
    events_ += n;
    if (events) *events += static_cast<int>(n);
  }
  return Status::Ok();
}

int Simulation::ManagerOf(int user) const {
  int team = users_[user].team;
  for (size_t i = 0; i < users_.size(); ++i) {
    if (users_[i].team == team && users_[i].role == fb::Role::Manager) return static_cast<int>(i);
  }
  return kAdmin;
}

std::vector<int> Simulation::RepsOf(int territory) const {
  std::vector<int> out;
  for (size_t i = 0; i < users_.size(); ++i) {
    const User& u = users_[i];
    if (u.team == territory && u.role == fb::Role::Rep && u.active && !u.leaving) out.push_back(static_cast<int>(i));
  }
  return out;
}

std::unique_ptr<fb::LinksT> Simulation::LinksFor(int contact, int company, int deal, int ticket) const {
  auto l = std::make_unique<fb::LinksT>();
  if (contact >= 0) l->contact_ids.push_back(contacts_[contact].id);
  if (company >= 0) l->company_ids.push_back(companies_[company].id);
  if (deal >= 0) l->deal_ids.push_back(deals_[deal].id);
  if (ticket >= 0) l->ticket_ids.push_back(tickets_[ticket].id);
  return l;
}

// ---- the workspace, its people and its catalogue --------------------------------------------

Status Simulation::Setup() {
  for (size_t i = 0; i < kUsers.size(); ++i) {
    User u;
    u.id = "U-" + std::to_string(i + 1);
    u.name = kUsers[i].name;
    std::string first = u.name.substr(0, u.name.find(' ')), last = u.name.substr(u.name.find(' ') + 1);
    u.email = Fold(first) + "." + Fold(last) + "@acme-robotics.example";
    u.role = kUsers[i].role;
    u.team = kUsers[i].team;
    users_.push_back(u);
    if (kUsers[i].title == std::string("Support engineer")) support_.push_back(static_cast<int>(i));
  }
  {
    fb::CreateWorkspaceT w;
    w.workspace_id = "acme";
    w.name = "Acme Robotics";
    w.home_currency = "EUR";
    w.time_zone = "Europe/Berlin";
    w.admin_user_id = users_[kAdmin].id;
    w.admin_name = users_[kAdmin].name;
    w.admin_email = users_[kAdmin].email;
    RAPPORT_RETURN_IF_ERROR(Exec(kSystem, std::move(w)));
    users_[kAdmin].active = true;
    ++users_created_;
  }
  for (size_t i = 1; i < kUsers.size(); ++i) {
    if (kUsers[i].joins_day == 0) {
      fb::CreateUserT c;
      c.user_id = users_[i].id;
      c.name = users_[i].name;
      c.email = users_[i].email;
      c.role = users_[i].role;
      c.title = kUsers[i].title;
      if (users_[i].team >= 0) c.territory = Territories()[static_cast<size_t>(users_[i].team)].team;
      RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
      users_[i].active = true;
      ++users_created_;
    } else {
      At(WorkTime(Today() + kUsers[i].joins_day), [this, i] { return Hire(static_cast<int>(i)); });
    }
  }
  for (size_t t = 0; t < Territories().size(); ++t) {
    fb::CreateTeamT c;
    c.team_id = "T-" + std::to_string(t + 1);
    c.name = Territories()[t].team;
    c.territory = Territories()[t].team;
    for (size_t i = 0; i < users_.size(); ++i) {
      if (users_[i].team != static_cast<int>(t) || !users_[i].active) continue;
      if (users_[i].role == fb::Role::Manager) c.manager_id = users_[i].id;
      else c.member_ids.push_back(users_[i].id);
    }
    RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
  }
  for (int p = 0; p < 2; ++p) {
    fb::CreatePipelineT c;
    c.pipeline_id = p == 0 ? "PL-1" : "PL-2";
    c.name = p == 0 ? "New business" : "Renewals";
    for (const StageInfo& s : p == 0 ? kNewBusiness : kRenewals) {
      auto st = std::make_unique<fb::StageT>();
      st->stage_id = s.id;
      st->name = s.name;
      st->probability = s.probability;
      c.stages.push_back(std::move(st));
    }
    RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
  }
  for (const ProductInfo& p : kProducts) {
    fb::CreateProductT c;
    c.product_id = p.id;
    c.name = p.name;
    c.code = p.code;
    c.list_price = MoneyOf(p.price_eur * 100, "EUR");
    RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
  }
  // UK & Ireland sells in pounds: a rate from well before the story, then one a month.
  RAPPORT_RETURN_IF_ERROR(SetGbpRate(Today() - 365));
  return Status::Ok();
}

Status Simulation::SetGbpRate(int32_t effective_day) {
  gbp_rate_e9_ += static_cast<int64_t>(Normal() * 8e6);
  gbp_rate_e9_ = std::clamp<int64_t>(gbp_rate_e9_, 1'120'000'000, 1'210'000'000);
  fb::SetExchangeRateT r;
  r.currency = "GBP";
  r.rate_e9 = gbp_rate_e9_ / 100'000 * 100'000;
  r.effective_date = effective_day;
  return Exec(kAdmin, std::move(r));
}

Status Simulation::Hire(int user) {
  fb::CreateUserT c;
  c.user_id = users_[user].id;
  c.name = users_[user].name;
  c.email = users_[user].email;
  c.role = users_[user].role;
  c.title = kUsers[static_cast<size_t>(user)].title;
  c.territory = Territories()[static_cast<size_t>(users_[user].team)].team;
  RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(c)));
  users_[user].active = true;
  ++users_created_;
  fb::AddTeamMemberT a;
  a.team_id = "T-" + std::to_string(users_[user].team + 1);
  a.user_id = users_[user].id;
  return Exec(kAdmin, std::move(a));
}

// A rep leaves: their manager hands every account, contact, open deal and open task to the
// successor, then the admin deactivates them. Contracts stay theirs (sales ops renews them).
Status Simulation::Depart(int leaver, int successor) {
  users_[leaver].leaving = true;
  int manager = ManagerOf(leaver);
  const std::string& to = users_[successor].id;
  auto reassign = [&](const char* type, const std::string& id) {
    fb::UpdateRecordT u;
    u.record_type = type;
    u.record_id = id;
    u.set.push_back(Field("owner_id", to));
    return Exec(manager, std::move(u));
  };
  for (auto& c : companies_) {
    if (c.owner != leaver) continue;
    RAPPORT_RETURN_IF_ERROR(reassign("company", c.id));
    c.owner = successor;
  }
  for (auto& c : contacts_) {
    if (c.owner != leaver) continue;
    RAPPORT_RETURN_IF_ERROR(reassign("contact", c.id));
    c.owner = successor;
  }
  for (auto& d : deals_) {
    if (d.owner != leaver || d.status != DealStatus::kOpen) continue;
    RAPPORT_RETURN_IF_ERROR(reassign("deal", d.id));
    d.owner = successor;
    ++d.events;
  }
  for (auto& t : tasks_) {
    if (t.assignee != leaver || !t.open) continue;
    fb::ReassignTaskT r;
    r.task_id = t.id;
    r.assignee_id = to;
    RAPPORT_RETURN_IF_ERROR(Exec(manager, std::move(r)));
    t.assignee = successor;
  }
  fb::DeactivateUserT d;
  d.user_id = users_[leaver].id;
  d.reason = "left the company; accounts handed to " + users_[successor].name;
  RAPPORT_RETURN_IF_ERROR(Exec(kAdmin, std::move(d)));
  users_[leaver].active = false;
  return Status::Ok();
}

// ---- every day: new companies, new deals, the exchange rate, a newsletter signup or two ----

Status Simulation::Daily(int32_t day) {
  At(static_cast<Micros>(day + 1) * kMicrosPerDay + 6 * kHour, [this, day] { return Daily(day + 1); });
  if (Weekend(day)) return Status::Ok();
  int64_t y;
  unsigned m, d;
  CivilFromDays(day, &y, &m, &d);
  bool first_working_day = true;  // of the month
  for (unsigned k = 1; k < d; ++k) first_working_day = first_working_day && Weekend(day - static_cast<int32_t>(k));
  if (first_working_day) At(WorkTime(day), [this, day] { return SetGbpRate(day); });
  static const double kSeason[] = {0.9, 1.0, 1.1, 1.0, 1.0, 1.0, 0.85, 0.6, 1.1, 1.15, 1.15, 0.8};
  double season = kSeason[m - 1] * (day - DayOf(start_) > 365 ? 1.08 : 0.92);
  for (int i = Poisson(companies_per_day_); i > 0; --i) {
    double u = Uniform(), acc = 0;
    int territory = 0;
    for (size_t t = 0; t < Territories().size(); ++t) {
      acc += Territories()[t].share;
      if (u < acc) {
        territory = static_cast<int>(t);
        break;
      }
    }
    At(WorkTime(day), [this, territory] { return CreateCompany(territory, false); });
  }
  for (int i = Poisson(deals_per_day_ * season); i > 0; --i) {
    At(WorkTime(day), [this] {
      // An existing account: most often one without an open deal, sometimes a customer.
      if (companies_.empty()) return Status::Ok();
      for (int attempt = 0; attempt < 12; ++attempt) {
        int co = !customers_.empty() && Chance(0.15) ? Pick(customers_)
                                                      : static_cast<int>(Between(0, static_cast<int64_t>(companies_.size()) - 1));
        const Company& c = companies_[static_cast<size_t>(co)];
        if (c.open_deal >= 0 || c.contacts.empty() || c.created > now_ - 2 * kMicrosPerDay) continue;
        return OpenDeal(co, c.customer ? "existing customer" : Pick(kSources));
      }
      return Status::Ok();
    });
  }
  for (int i = Poisson(0.25 * o_.scale); i > 0; --i) {
    At(WorkTime(day), [this] {
      const auto& t = Territories()[static_cast<size_t>(Between(0, 3))];
      fb::SubmitFormT f;
      f.activity_id = NextId("A", &n_activities_);
      f.form_name = "Newsletter signup";
      f.email = Fold(Pick(t.first_names)) + "." + Fold(Pick(t.last_names)) + std::to_string(Between(1, 99)) + "@" +
                Pick(std::vector<std::string>{"gmail.com", "outlook.com", "proton.me", "web.de", "yahoo.co.uk"});
      auto kv = std::make_unique<fb::KeyValueT>();
      kv->key = "topics";
      kv->value = Pick(std::vector<std::string>{"cobots", "vision", "warehouse automation", "events"});
      f.fields.push_back(std::move(kv));
      return Exec(kMarketing, std::move(f));
    });
  }
  return Status::Ok();
}

// ---- companies and contacts -----------------------------------------------------------------

// A company name in the territory's style, not used before: "Alpentronik", "Pennine
// Precision", "Ateliers Loire", "Keller & Wolf" (the legal form is added by the caller).
std::string Simulation::CompanyName(const TerritoryInfo& t, const std::string& city) {
  bool french = t.team == std::string("France");
  std::string base;
  for (int attempt = 0; attempt < 8 && (base.empty() || names_.count(base)); ++attempt) {
    int style = static_cast<int>(Between(0, 9));
    if (style < 6) {
      base = !t.tails.empty() ? std::string(Pick(t.roots)) + Pick(t.tails)
             : french         ? std::string(Pick(t.words)) + " " + Pick(t.roots)
                              : std::string(Pick(t.roots)) + " " + Pick(t.words);
    } else if (style < 8) {
      base = french ? std::string(Pick(t.words)) + " " + Pick(t.last_names)
                    : std::string(Pick(t.last_names)) + " " + Pick(t.words);
    } else {
      std::string a = Pick(t.last_names), b = Pick(t.last_names);
      base = a == b ? a + " " + Pick(t.words) : a + " & " + b;
    }
  }
  if (names_.count(base)) base += " " + city;
  std::string stem = base;
  for (int n = 2; names_.count(base); ++n) base = stem + " " + std::to_string(n);
  names_.insert(base);
  return base;
}

Status Simulation::CreateCompany(int territory, bool imported) {
  const TerritoryInfo& t = Territories()[static_cast<size_t>(territory)];
  int total = 0;
  for (const auto& c : t.countries) total += c.weight;
  int w = static_cast<int>(Between(0, total - 1));
  const CountryInfo* country = &t.countries.front();
  for (const auto& c : t.countries) {
    if (w < c.weight) {
      country = &c;
      break;
    }
    w -= c.weight;
  }
  std::vector<int> reps = RepsOf(territory);
  if (reps.empty()) return Status::Ok();
  Company co;
  co.id = NextId("CO", &n_companies_);
  co.territory = territory;
  co.country = country->name;
  co.city = Pick(country->cities);
  co.short_name = CompanyName(t, co.city);
  const char* form = Chance(0.75) ? country->forms.front() : Pick(country->forms);
  co.name = co.short_name + " " + form;
  std::string dom;
  for (char ch : co.short_name) {
    dom += (ch == ' ' || ch == '&') ? std::string("-") : std::string(1, ch);
  }
  std::string folded;
  for (size_t i = 0; i < dom.size();) {  // fold word by word, keeping the dashes
    size_t j = dom.find('-', i);
    if (j == std::string::npos) j = dom.size();
    std::string part = Fold(dom.substr(i, j - i));
    if (!part.empty()) folded += (folded.empty() ? "" : "-") + part;
    i = j + 1;
  }
  co.domain = folded + "." + country->tld;
  for (int n = 2; domains_.count(co.domain); ++n) co.domain = folded + std::to_string(n) + "." + country->tld;
  domains_.insert(co.domain);
  co.currency = t.currency;
  co.owner = Pick(reps);
  co.created = now_;
  std::string source = imported ? "import" : Pick(kSources);

  fb::CreateCompanyT c;
  c.company_id = co.id;
  c.name = co.name;
  c.domain = co.domain;
  c.industry = Pick(kIndustries);
  int64_t employees = static_cast<int64_t>(std::exp(Uniform(std::log(20.0), std::log(20000.0))));
  c.employees = employees;
  c.annual_revenue = MoneyOf(employees * static_cast<int64_t>(Uniform(90'000, 260'000)) / 1000 * 1000 * 100, "EUR");
  c.city = co.city;
  c.country = co.country;
  c.region = t.team;
  c.owner_id = users_[co.owner].id;
  c.source = source;
  if (employees > 5000) c.tags.push_back("enterprise");
  if (Chance(0.1)) c.tags.push_back(Chance(0.5) ? "reference customer wanted" : "trade fair 2025");
  RAPPORT_RETURN_IF_ERROR(Exec(imported ? kAdmin : co.owner, std::move(c)));
  int index = static_cast<int>(companies_.size());
  companies_.push_back(std::move(co));

  int people = static_cast<int>(Between(2, 3));
  if (imported) {
    for (int i = 0; i < people; ++i) RAPPORT_RETURN_IF_ERROR(CreateContact(index, source, false));
    for (int i = static_cast<int>(Between(0, 4)); i > 0; --i) {
      At(WorkTime(DayOf(start_) + static_cast<int32_t>(Between(3, 700))), [this, index] { return Prospect(index); });
    }
  } else {
    Micros t0 = now_;
    for (int i = 0; i < people; ++i) {
      At(t0 + (i + 1) * Between(1, 6) * kMinute, [this, index, source] { return CreateContact(index, source, false); });
    }
    for (int i = static_cast<int>(Between(1, 4)); i > 0; --i) At(After(Uniform(1, 45)), [this, index] { return Prospect(index); });
    if (Chance(0.45)) {
      At(After(Uniform(3, 40)), [this, index, source] {
        return companies_[static_cast<size_t>(index)].open_deal < 0 ? OpenDeal(index, source) : Status::Ok();
      });
    }
  }
  // Later, another stakeholder; now and then someone entered twice (a duplicate to merge).
  if (Chance(0.15)) At(After(Uniform(30, 400)), [this, index] { return CreateContact(index, "referral", false); });
  if (Chance(0.02)) At(After(Uniform(20, 500)), [this, index] { return CreateContact(index, "trade fair", true); });
  return Status::Ok();
}

Status Simulation::CreateContact(int company, const std::string& source, bool duplicate) {
  Company& co = companies_[static_cast<size_t>(company)];
  const TerritoryInfo& t = Territories()[static_cast<size_t>(co.territory)];
  Contact p;
  p.company = company;
  p.owner = co.owner;
  std::string email;
  if (duplicate && !co.contacts.empty()) {
    const Contact& original = contacts_[static_cast<size_t>(Pick(co.contacts))];
    p.first = original.first;
    p.last = original.last;
    email = Chance(0.5) ? original.email : Fold(p.first).substr(0, 1) + "." + Fold(p.last) + "@" + co.domain;
  } else {
    p.first = Pick(t.first_names);
    p.last = Pick(t.last_names);
    int style = static_cast<int>(Between(0, 9));
    std::string local = style < 7 ? Fold(p.first) + "." + Fold(p.last)
                        : style < 9 ? Fold(p.first).substr(0, 1) + "." + Fold(p.last)
                                    : Fold(p.first);
    email = local + "@" + co.domain;
    for (int n = 2;; ++n) {
      bool taken = false;
      for (int c : co.contacts) taken = taken || contacts_[static_cast<size_t>(c)].email == email;
      if (!taken) break;
      email = local + std::to_string(n) + "@" + co.domain;
    }
  }
  p.email = email;
  p.id = NextId("C", &n_contacts_);
  double u = Uniform();
  p.lifecycle = u < 0.2 ? fb::Lifecycle::Subscriber : u < 0.7 ? fb::Lifecycle::Lead
              : u < 0.9 ? fb::Lifecycle::MarketingQualified : fb::Lifecycle::SalesQualified;
  const CountryInfo* country = &t.countries.front();
  for (const auto& c : t.countries) {
    if (co.country == c.name) country = &c;
  }
  fb::CreateContactT c;
  c.contact_id = p.id;
  c.first_name = p.first;
  c.last_name = p.last;
  c.emails = {email};
  if (Chance(0.8)) {
    c.phones = {std::string(country->phone) + " " + std::to_string(Between(20, 99)) + " " +
                std::to_string(Between(1'000'000, 9'999'999))};
  }
  c.title = Pick(kTitles);
  c.company_id = co.id;
  c.owner_id = users_[co.owner].id;
  c.source = source;
  c.lifecycle = p.lifecycle;
  RAPPORT_RETURN_IF_ERROR(Exec(source == "import" ? kAdmin : co.owner, std::move(c)));
  int index = static_cast<int>(contacts_.size());
  contacts_.push_back(std::move(p));
  Touch(company);
  if (duplicate) return Status::Ok();  // not used further: waiting to be merged
  co.contacts.push_back(index);
  if (source == "website" || source == "webinar") RAPPORT_RETURN_IF_ERROR(SubmitForm(index));
  for (int i = Chance(0.25) ? static_cast<int>(Between(1, 2)) : 0; i > 0; --i) {
    At(After(Uniform(10, 600)), [this, index] { return SubmitForm(index); });
  }
  if (Chance(0.01)) {
    At(After(Uniform(30, 600)), [this, index] {
      fb::SetConsentT s;
      s.contact_id = contacts_[static_cast<size_t>(index)].id;
      s.channel = fb::ConsentChannel::Email;
      s.opted_out = true;
      s.source = "unsubscribe link in the newsletter";
      return Exec(kAdmin, std::move(s));
    });
  }
  return Status::Ok();
}

Status Simulation::SubmitForm(int contact) {
  const Contact& p = contacts_[static_cast<size_t>(contact)];
  const Company& co = companies_[static_cast<size_t>(p.company)];
  static const std::vector<std::string> kForms = {
      "Contact us", "Webinar: cobots in logistics", "Whitepaper: the ROI of automation",
      "Trade fair scan: automatica", "Request a demo", "Webinar: vision-guided picking"};
  fb::SubmitFormT f;
  f.activity_id = NextId("A", &n_activities_);
  f.form_name = Pick(kForms);
  f.email = p.email;
  for (auto [k, v] : {std::pair<std::string, std::string>{"name", p.first + " " + p.last}, {"company", co.name},
                      {"country", co.country}}) {
    auto kv = std::make_unique<fb::KeyValueT>();
    kv->key = k;
    kv->value = v;
    f.fields.push_back(std::move(kv));
  }
  f.links = LinksFor(contact, p.company);
  Touch(p.company);
  return Exec(kMarketing, std::move(f));
}

// Outbound prospecting by the account's owner: an email or a call, often unanswered.
Status Simulation::Prospect(int company) {
  const Company& co = companies_[static_cast<size_t>(company)];
  if (co.contacts.empty() || !users_[co.owner].active) return Status::Ok();
  int contact = Pick(co.contacts);
  int owner = co.owner;
  Touch(company);
  return MaybeLate([this, company, contact, owner](Micros occurred) {
    const Company& c = companies_[static_cast<size_t>(company)];
    const Contact& p = contacts_[static_cast<size_t>(contact)];
    int author = ActiveOr(owner, c.owner);
    if (Chance(0.55)) {
      fb::LogEmailT e;
      e.activity_id = NextId("A", &n_activities_);
      e.direction = fb::Direction::Outbound;
      e.subject = Chance(0.5) ? "Intro: Acme Robotics x " + c.short_name
                              : "Automating the " + std::string(Pick(kProjects)) + " at " + c.short_name;
      e.body = "Hello " + p.first + ",\n\nwe help plants like yours in " + c.city +
               " automate repetitive work. Would a 20-minute call next week work for you?\n\n" +
               users_[author].name;
      e.from_address = users_[author].email;
      e.to_addresses = {p.email};
      e.links = LinksFor(contact, company);
      return Exec(author, std::move(e), occurred);
    }
    fb::LogCallT call;
    call.activity_id = NextId("A", &n_activities_);
    call.direction = fb::Direction::Outbound;
    double u = Uniform();
    call.outcome = u < 0.35 ? fb::CallOutcome::Connected : u < 0.7 ? fb::CallOutcome::NoAnswer
                 : u < 0.95 ? fb::CallOutcome::LeftVoicemail : fb::CallOutcome::WrongNumber;
    call.duration_seconds = call.outcome == fb::CallOutcome::Connected ? static_cast<int32_t>(Between(120, 1500))
                                                                       : static_cast<int32_t>(Between(5, 60));
    call.notes = call.outcome == fb::CallOutcome::Connected
                     ? "Spoke with " + p.first + ": interested, asked for references in " + c.country + "."
                     : "Cold call, no answer.";
    call.links = LinksFor(contact, company);
    return Exec(author, std::move(call), occurred);
  });
}

// ---- deals ------------------------------------------------------------------------------------

Status Simulation::OpenDeal(int company, const std::string& source) {
  Company& co = companies_[static_cast<size_t>(company)];
  if (co.contacts.empty() || co.open_deal >= 0) return Status::Ok();
  Deal d;
  d.id = NextId("D", &n_deals_);
  d.company = company;
  d.owner = co.owner;
  d.pipeline = 0;
  d.stage = Chance(0.15) ? 1 : 0;
  d.contacts.push_back(Pick(co.contacts));
  if (co.contacts.size() > 1 && Chance(0.4)) {
    int second = Pick(co.contacts);
    if (second != d.contacts.front()) d.contacts.push_back(second);
  }
  d.currency = co.currency;
  fb::OpenDealT c;
  if (d.currency == "EUR" && Chance(0.55)) {
    // Product lines: robots, often with vision, licences and a service plan.
    int main = static_cast<int>(Between(0, 2));
    int64_t robots = Between(1, 6);
    d.lines.push_back({main, robots});
    if (Chance(0.5)) d.lines.push_back({3, Between(1, robots)});
    if (Chance(0.6)) d.lines.push_back({4, robots});
    if (Chance(0.4)) d.lines.push_back({5, robots});
    for (auto [p, q] : d.lines) {
      auto line = std::make_unique<fb::DealLineT>();
      line->product_id = kProducts[static_cast<size_t>(p)].id;
      line->quantity = q;
      line->unit_price = MoneyOf(kProducts[static_cast<size_t>(p)].price_eur * 100, "EUR");
      c.lines.push_back(std::move(line));
      d.amount += kProducts[static_cast<size_t>(p)].price_eur * 100 * q;
    }
    d.name = co.short_name + ": " + std::to_string(robots) + "× " + kProducts[static_cast<size_t>(main)].code;
  } else {
    double euros = std::clamp(55'000.0 * std::exp(0.8 * Normal()), 6'000.0, 1'200'000.0);
    if (d.currency == "GBP") euros *= 0.86;
    d.amount = static_cast<int64_t>(euros / 500) * 500 * 100;
    d.name = co.short_name + ": " + Pick(kProjects);
    c.amount = MoneyOf(d.amount, d.currency);
  }
  if (co.customer) d.name += " (expansion)";
  d.expected_close = Today() + static_cast<int32_t>(Between(45, 150));
  c.deal_id = d.id;
  c.name = d.name;
  c.pipeline_id = "PL-1";
  c.stage_id = kNewBusiness[static_cast<size_t>(d.stage)].id;
  c.expected_close_date = d.expected_close;
  c.company_id = co.id;
  for (int p : d.contacts) c.contact_ids.push_back(contacts_[static_cast<size_t>(p)].id);
  c.source = source;
  int owner = d.owner;
  int index = static_cast<int>(deals_.size());
  deals_.push_back(std::move(d));
  RAPPORT_RETURN_IF_ERROR(Exec(owner, std::move(c), 0, &deals_.back().events));
  co.open_deal = index;
  Touch(company);
  int primary = deals_.back().contacts.front();
  if (contacts_[static_cast<size_t>(primary)].lifecycle < fb::Lifecycle::Opportunity) {
    At(Soon(), [this, primary] { return ChangeLifecycle(primary, fb::Lifecycle::Opportunity, "deal opened"); });
  }
  return EnterStage(index);
}

Status Simulation::ChangeLifecycle(int contact, fb::Lifecycle stage, const std::string& reason) {
  Contact& p = contacts_[static_cast<size_t>(contact)];
  if (p.lifecycle == stage) return Status::Ok();
  fb::ChangeLifecycleT c;
  c.contact_id = p.id;
  c.stage = stage;
  c.reason = reason;
  RAPPORT_RETURN_IF_ERROR(Exec(ActiveOr(p.owner, kAdmin), std::move(c)));
  p.lifecycle = stage;
  return Status::Ok();
}

// A deal arrives in a stage: activities while it is there, maybe a follow-up task, the
// stage's own business, then the next step.
Status Simulation::EnterStage(int index) {
  Deal& d = deals_[static_cast<size_t>(index)];
  const StageInfo& s = (d.pipeline == 0 ? kNewBusiness : kRenewals)[static_cast<size_t>(d.stage)];
  double dwell;
  if (d.pipeline == 0) {
    dwell = Uniform(s.dwell_min, s.dwell_max);
  } else {  // renewals are paced by the renewal date
    const Contract& k = contracts_[static_cast<size_t>(d.contract)];
    double left = std::max(4.0, static_cast<double>(k.renewal - Today()));
    dwell = d.stage == 0 ? left * Uniform(0.3, 0.45) : d.stage == 1 ? left * Uniform(0.4, 0.6) : left + Uniform(-8, 12);
    dwell = std::max(2.0, dwell);
  }
  int stage = d.stage;
  for (int i = static_cast<int>(Between(s.acts_min, s.acts_max)); i > 0; --i) {
    At(After(Uniform(0.1, dwell)), [this, index, stage] {
      return MaybeLate([this, index, stage](Micros occurred) { return DealActivity(index, stage, occurred); });
    });
  }
  if (Chance(0.35)) {
    const Contact& p = contacts_[static_cast<size_t>(d.contacts.front())];
    static const std::vector<std::string> kTaskTitlesByStage[] = {
        {"Qualify budget and timeline with ", "Send case studies to "},
        {"Book a site visit with ", "Send discovery notes to "},
        {"Send demo recording to ", "Prepare demo cell layout for "},
        {"Send revised proposal to ", "Chase feedback on the proposal from "},
        {"Send order form to ", "Agree payment terms with "}};
    std::string title = d.pipeline == 0 ? Pick(kTaskTitlesByStage[stage]) + p.first + " " + p.last
                                        : "Prepare renewal quote for " + p.first + " " + p.last;
    int assignee = d.owner;
    int actor = Chance(0.1) ? ManagerOf(d.owner) : d.owner;
    Micros due = WorkTime(Today() + static_cast<int32_t>(Between(1, 6)));
    RAPPORT_RETURN_IF_ERROR(NewTask(actor, assignee, title, LinksFor(d.contacts.front(), d.company, index), due, index));
  }
  if (d.pipeline == 0 && stage == kProposal) {
    At(Soon(), [this, index] {
      Deal& x = deals_[static_cast<size_t>(index)];
      if (x.status != DealStatus::kOpen) return Status::Ok();
      if (x.lines.empty() && Chance(0.25)) {  // the scope changed
        int64_t amount = static_cast<int64_t>(static_cast<double>(x.amount) * Uniform(0.75, 1.35)) / 50'000 * 50'000;
        if (amount <= 0 || amount == x.amount) return Status::Ok();
        fb::UpdateRecordT u;
        u.record_type = "deal";
        u.record_id = x.id;
        u.set.push_back(Field("amount", domain::FormatMoney(amount, x.currency)));
        RAPPORT_RETURN_IF_ERROR(Exec(x.owner, std::move(u), 0, &x.events));
        x.amount = amount;
      } else if (!x.lines.empty() && Chance(0.2)) {  // one robot more or fewer
        auto& main = x.lines.front();
        main.second = main.second > 1 && Chance(0.5) ? main.second - 1 : main.second + 1;
        fb::SetDealLinesT s;
        s.deal_id = x.id;
        x.amount = 0;
        for (auto [p, q] : x.lines) {
          auto line = std::make_unique<fb::DealLineT>();
          line->product_id = kProducts[static_cast<size_t>(p)].id;
          line->quantity = q;
          line->unit_price = MoneyOf(kProducts[static_cast<size_t>(p)].price_eur * 100, "EUR");
          s.lines.push_back(std::move(line));
          x.amount += kProducts[static_cast<size_t>(p)].price_eur * 100 * q;
        }
        RAPPORT_RETURN_IF_ERROR(Exec(x.owner, std::move(s), 0, &x.events));
      }
      if (Chance(0.1) && x.category != fb::ForecastCategory::BestCase) {
        fb::SetForecastCategoryT f;
        f.deal_id = x.id;
        f.category = fb::ForecastCategory::BestCase;
        RAPPORT_RETURN_IF_ERROR(Exec(x.owner, std::move(f), 0, &x.events));
        x.category = fb::ForecastCategory::BestCase;
      }
      return Status::Ok();
    });
  }
  if (d.pipeline == 0 && stage == kNegotiation && Chance(0.35) && d.category != fb::ForecastCategory::Commit) {
    At(Soon(), [this, index] {
      Deal& x = deals_[static_cast<size_t>(index)];
      if (x.status != DealStatus::kOpen || x.category == fb::ForecastCategory::Commit) return Status::Ok();
      fb::SetForecastCategoryT f;
      f.deal_id = x.id;
      f.category = fb::ForecastCategory::Commit;
      RAPPORT_RETURN_IF_ERROR(Exec(x.owner, std::move(f), 0, &x.events));
      x.category = fb::ForecastCategory::Commit;
      return Status::Ok();
    });
  }
  // A deal that will still be here on its expected close date gets a new one a few days before.
  Micros step = After(dwell);
  int32_t close = d.expected_close;
  if (close < DayOf(step)) {
    At(WorkTime(std::max(Today(), close - static_cast<int32_t>(Between(0, 4)))), [this, index, stage, close] {
      const Deal& x = deals_[static_cast<size_t>(index)];
      bool unchanged = x.status == DealStatus::kOpen && !x.dormant && x.stage == stage && x.expected_close == close;
      return unchanged ? Slip(index) : Status::Ok();
    });
  }
  At(step, [this, index] { return DealStep(index); });
  return Status::Ok();
}

Status Simulation::DealActivity(int index, int stage, Micros occurred) {
  const Deal& d = deals_[static_cast<size_t>(index)];
  const Company& co = companies_[static_cast<size_t>(d.company)];
  int contact = Pick(d.contacts);
  const Contact& p = contacts_[static_cast<size_t>(contact)];
  int author = d.owner;
  Touch(d.company);
  std::string product = d.lines.empty() ? std::string(kProducts[static_cast<size_t>(Between(0, 2))].code)
                                        : kProducts[static_cast<size_t>(d.lines.front().first)].code;
  double u = Uniform();
  bool renewal = d.pipeline == 1;
  // What a rep does in each stage: [email, call, meeting] thresholds, the rest notes.
  static const double kMix[5][3] = {{0.5, 1.0, 1.0}, {0.4, 0.8, 1.0}, {0.4, 0.6, 1.0}, {0.5, 0.75, 0.85}, {0.4, 0.75, 0.9}};
  const double* mix = renewal ? kMix[3] : kMix[stage];
  if (u < mix[0]) {
    static const std::vector<std::string> kSubjects[] = {
        {"Intro: Acme Robotics x {co}", "Automation at {co}", "Quick question about your line in {city}"},
        {"Follow-up on our call", "Your automation goals", "Site visit in {city}?"},
        {"Demo recap: {product}", "Recording and slides from today's demo", "Next steps after the demo"},
        {"Proposal for {co}", "Revised quote {deal}", "Questions on the proposal"},
        {"Contract draft for review", "Pricing and payment terms", "Order form {co}"}};
    static const std::vector<std::string> kRenewalSubjects = {"Your renewal", "Renewal quote {deal}",
                                                              "Service plan renewal for {co}"};
    std::string subject = renewal ? Pick(kRenewalSubjects) : Pick(kSubjects[stage]);
    for (auto [key, value] : {std::pair<std::string, std::string>{"{co}", co.short_name}, {"{city}", co.city},
                              {"{product}", product}, {"{deal}", d.id}}) {
      for (size_t at; (at = subject.find(key)) != std::string::npos;) subject.replace(at, key.size(), value);
    }
    bool inbound = Chance(0.4);
    fb::LogEmailT e;
    e.activity_id = NextId("A", &n_activities_);
    e.direction = inbound ? fb::Direction::Inbound : fb::Direction::Outbound;
    e.subject = inbound ? "Re: " + subject : subject;
    e.body = inbound ? "Thanks, " + users_[author].name.substr(0, users_[author].name.find(' ')) +
                           ". Let me check with our team and come back to you.\n\n" + p.first
                     : "Hi " + p.first + ",\n\nas discussed, here are the details. Happy to walk you through them.\n\n" +
                           users_[author].name;
    e.from_address = inbound ? p.email : users_[author].email;
    e.to_addresses = {inbound ? users_[author].email : p.email};
    e.links = LinksFor(contact, d.company, index);
    return Exec(author, std::move(e), occurred);
  }
  if (u < mix[1]) {
    fb::LogCallT call;
    call.activity_id = NextId("A", &n_activities_);
    call.direction = Chance(0.3) ? fb::Direction::Inbound : fb::Direction::Outbound;
    call.outcome = Chance(0.75) ? fb::CallOutcome::Connected : Chance(0.6) ? fb::CallOutcome::LeftVoicemail
                                                                           : fb::CallOutcome::NoAnswer;
    call.duration_seconds = call.outcome == fb::CallOutcome::Connected ? static_cast<int32_t>(Between(180, 2700))
                                                                       : static_cast<int32_t>(Between(10, 90));
    const std::vector<std::string> notes = {
        "Discussed timeline and budget; decision expected next month.",
        "Walked through the technical requirements with " + p.first + ".",
        "They compare us with " + std::string(Pick(kCompetitors)) + "; price is the main question.",
        "Agreed next steps; " + p.first + " will loop in purchasing.",
        "Questions about integration with their MES."};
    call.notes = call.outcome == fb::CallOutcome::Connected ? Pick(notes) : "Tried to reach " + p.first + ".";
    call.links = LinksFor(contact, d.company, index);
    return Exec(author, std::move(call), occurred);
  }
  if (u < mix[2]) {
    const std::vector<std::string> titles[] = {
        {"Intro call"}, {"Discovery workshop", "Site visit"}, {"Demo of the " + product, "Live demo at our Munich lab"},
        {"Proposal review"}, {"Negotiation meeting", "Contract review with purchasing"}};
    // The manager joins the big moments.
    int who = (stage >= kNegotiation || renewal) && Chance(0.5) ? ManagerOf(author) : author;
    fb::LogMeetingT m;
    m.activity_id = NextId("A", &n_activities_);
    m.title = renewal ? "Renewal review" : Pick(titles[stage]);
    m.start_us = occurred;
    m.end_us = occurred + Between(2, 6) * 15 * kMinute;
    m.attendees = {users_[who].name, p.first + " " + p.last};
    if (who != author) m.attendees.push_back(users_[author].name);
    m.location = Chance(0.5) ? co.city : "Video call";
    m.notes = Chance(0.5) ? "Good energy; " + p.first + " wants a decision before the end of the quarter." : "";
    m.links = LinksFor(contact, d.company, index);
    return Exec(who, std::move(m), occurred);
  }
  fb::LogNoteT n;
  n.activity_id = NextId("A", &n_activities_);
  static const std::vector<std::string> kNoteBodies = {
      "Champion is {name}; the board decides.", "Competitor in the deal: {competitor}.",
      "Budget confirmed by {name}.", "Legal wants changes to the liability clause.",
      "{name} is on holiday for two weeks."};
  std::string body = Pick(kNoteBodies);
  for (auto [key, value] : {std::pair<std::string, std::string>{"{name}", p.first + " " + p.last},
                            {"{competitor}", Pick(kCompetitors)}}) {
    for (size_t at; (at = body.find(key)) != std::string::npos;) body.replace(at, key.size(), value);
  }
  n.body = body;
  n.links = LinksFor(contact, d.company, index);
  return Exec(author, std::move(n), occurred);
}

Status Simulation::DealStep(int index) {
  Deal& d = deals_[static_cast<size_t>(index)];
  if (d.status != DealStatus::kOpen || d.dormant) return Status::Ok();
  const auto& stages = d.pipeline == 0 ? kNewBusiness : kRenewals;
  bool last = d.stage + 1 == static_cast<int>(stages.size());
  Move move = Move::kAdvance;
  int target = d.stage + 1;
  if (d.pipeline == 0) {
    if (Chance(0.02)) {  // nobody touches it any more
      d.dormant = true;
      At(After(Uniform(90, 220)), [this, index] { return Cleanup(index); });
      return Status::Ok();
    }
    const StageInfo& s = stages[static_cast<size_t>(d.stage)];
    double u = Uniform();
    if (u < s.lose) {
      move = Move::kLose;
    } else if (u < s.lose + s.back) {
      move = Move::kBack;
      target = d.stage - 1;
    } else if (last) {
      move = Move::kWin;
    } else if (d.stage + 2 < static_cast<int>(stages.size()) && Chance(0.05)) {
      target = d.stage + 2;  // skips a stage
    }
  } else if (last) {
    move = Chance(0.86) ? Move::kWin : Move::kLose;
  }
  // A deal that goes on past its expected close date gets a new one.
  bool goes_on = move == Move::kAdvance || move == Move::kBack;
  if (goes_on && (d.expected_close <= Today() + 5 || (d.pipeline == 0 && Chance(0.05)))) {
    RAPPORT_RETURN_IF_ERROR(Slip(index));
  }
  // The rep updates the CRM a few days later. One such change straddles the end of the day a
  // year before the end, so that the board `rapport demo` suggests differs --as-of and --effective.
  bool straddle = d.pipeline == 0 && !year_mark_straddled_ && now_ < year_mark_ && now_ >= year_mark_ - 3 * kMicrosPerDay;
  if (straddle || Chance(kLate)) {
    year_mark_straddled_ = year_mark_straddled_ || straddle;
    Micros occurred = now_;
    Micros when = straddle ? WorkTime(DayOf(year_mark_)) : After(Uniform(1, 4));
    At(when, [this, index, move, target, occurred] {
      ++late_;
      return ApplyMove(index, move, target, occurred);
    });
    return Status::Ok();
  }
  return ApplyMove(index, move, target, now_);
}

Status Simulation::ApplyMove(int index, Move move, int target, Micros occurred) {
  Deal& d = deals_[static_cast<size_t>(index)];
  if (d.status != DealStatus::kOpen) return Status::Ok();
  switch (move) {
    case Move::kAdvance:
    case Move::kBack: {
      fb::MoveDealT m;
      m.deal_id = d.id;
      m.stage_id = (d.pipeline == 0 ? kNewBusiness : kRenewals)[static_cast<size_t>(target)].id;
      RAPPORT_RETURN_IF_ERROR(Exec(d.owner, std::move(m), occurred, &d.events));
      d.stage = target;
      d.moved_back = d.moved_back || move == Move::kBack;
      return EnterStage(index);
    }
    case Move::kWin:
      return Win(index, occurred);
    case Move::kLose:
      return Lose(index, occurred, d.pipeline == 0 ? Pick(kLossReasons) : Pick(kChurnReasons));
  }
  return Status::Ok();
}

// The expected close date slips: the deal will not make it in time.
Status Simulation::Slip(int index) {
  Deal& d = deals_[static_cast<size_t>(index)];
  int32_t next = std::max(Today() + static_cast<int32_t>(Between(10, 40)),
                          d.expected_close + static_cast<int32_t>(Between(14, 45)));
  fb::UpdateRecordT u;
  u.record_type = "deal";
  u.record_id = d.id;
  u.set.push_back(Field("expected_close_date", domain::FormatDate(next)));
  RAPPORT_RETURN_IF_ERROR(Exec(d.owner, std::move(u), 0, &d.events));
  d.expected_close = next;
  ++d.slips;
  return Status::Ok();
}

Status Simulation::Win(int index, Micros occurred) {
  Deal& d = deals_[static_cast<size_t>(index)];
  int64_t unit = d.currency == "EUR" || d.currency == "GBP" ? 10'000 : 100;
  int64_t final_amount = static_cast<int64_t>(static_cast<double>(d.amount) * Uniform(0.88, 1.0)) / unit * unit;
  fb::WinDealT w;
  w.deal_id = d.id;
  w.amount = MoneyOf(std::max(final_amount, unit), d.currency);
  RAPPORT_RETURN_IF_ERROR(Exec(d.owner, std::move(w), occurred, &d.events));
  d.status = DealStatus::kWon;
  d.amount = std::max(final_amount, unit);
  if (!d.tasks.empty()) At(Soon(), [this, index] { return CloseDealTasks(index, "deal won"); });
  Company& co = companies_[static_cast<size_t>(d.company)];
  if (d.pipeline == 0) co.open_deal = -1;
  Touch(d.company);
  int primary = d.contacts.front();
  At(Soon(), [this, primary] { return ChangeLifecycle(primary, fb::Lifecycle::Customer, "deal won"); });
  if (d.pipeline == 1) {
    At(Soon(), [this, index] {
      const Deal& x = deals_[static_cast<size_t>(index)];
      Contract& k = contracts_[static_cast<size_t>(x.contract)];
      if (!k.active) return Status::Ok();
      fb::RenewContractT r;
      r.contract_id = k.id;
      r.renewal_date = AddMonths(k.renewal, k.term);
      r.renewal_deal_id = x.id;
      RAPPORT_RETURN_IF_ERROR(Exec(ActiveOr(k.owner, kAdmin), std::move(r)));
      k.renewal = AddMonths(k.renewal, k.term);
      int contract = x.contract;
      At(WorkTime(k.renewal - static_cast<int32_t>(Between(60, 90))), [this, contract] { return RenewalDue(contract); });
      return Status::Ok();
    });
    return Status::Ok();
  }
  if (Chance(0.75)) At(Soon(), [this, index] { return StartContract(index); });
  if (Chance(0.4)) {
    At(Soon(), [this, index] {
      const Deal& x = deals_[static_cast<size_t>(index)];
      fb::LogNoteT n;
      n.activity_id = NextId("A", &n_activities_);
      n.body = "Closed won: " + domain::FormatMoneyGrouped(x.amount, x.currency) + ". Handover to onboarding.";
      n.links = LinksFor(x.contacts.front(), x.company, index);
      return Exec(x.owner, std::move(n));
    });
  }
  if (!co.customer) {
    co.customer = true;
    customers_.push_back(d.company);
    int company = d.company;
    At(After(Uniform(5, 15)), [this, company] {
      const Company& c = companies_[static_cast<size_t>(company)];
      const Contact& p = contacts_[static_cast<size_t>(c.contacts.front())];
      fb::LogMeetingT m;
      m.activity_id = NextId("A", &n_activities_);
      m.title = "Onboarding kick-off";
      m.start_us = now_;
      m.end_us = now_ + 90 * kMinute;
      m.attendees = {users_[c.owner].name, users_[static_cast<size_t>(support_.front())].name, p.first + " " + p.last};
      m.location = c.city;
      m.links = LinksFor(c.contacts.front(), company);
      Touch(company);
      return Exec(c.owner, std::move(m));
    });
    At(After(Uniform(75, 120)), [this, company] { return CheckIn(company); });
    At(After(Uniform(10, 200)), [this, company] { return OpenTicket(company); });
  }
  return Status::Ok();
}

Status Simulation::Lose(int index, Micros occurred, const std::string& reason) {
  Deal& d = deals_[static_cast<size_t>(index)];
  fb::LoseDealT l;
  l.deal_id = d.id;
  l.reason = reason;
  int actor = d.dormant ? ManagerOf(d.owner) : d.owner;
  RAPPORT_RETURN_IF_ERROR(Exec(actor, std::move(l), occurred, &d.events));
  d.status = DealStatus::kLost;
  Touch(d.company);
  if (!d.tasks.empty()) At(Soon(), [this, index] { return CloseDealTasks(index, "deal lost"); });
  if (d.pipeline == 0) companies_[static_cast<size_t>(d.company)].open_deal = -1;
  if (d.pipeline == 1) {
    At(Soon(), [this, index, reason] {
      Contract& k = contracts_[static_cast<size_t>(deals_[static_cast<size_t>(index)].contract)];
      if (!k.active) return Status::Ok();
      fb::EndContractT e;
      e.contract_id = k.id;
      e.end_date = k.renewal;
      e.reason = "not renewed: " + reason;
      RAPPORT_RETURN_IF_ERROR(Exec(ActiveOr(k.owner, kAdmin), std::move(e)));
      k.active = false;
      return Status::Ok();
    });
  } else if (Chance(0.15) && !d.dormant) {
    const Contact& p = contacts_[static_cast<size_t>(d.contacts.front())];
    RAPPORT_RETURN_IF_ERROR(NewTask(d.owner, d.owner, "Reconnect with " + p.first + " " + p.last + " about next year",
                                    LinksFor(d.contacts.front(), d.company, index),
                                    WorkTime(Today() + static_cast<int32_t>(Between(150, 200)))));
  }
  return Status::Ok();
}

// A manager's pipeline review closes deals that went quiet long ago (or leaves them stale).
Status Simulation::Cleanup(int index) {
  Deal& d = deals_[static_cast<size_t>(index)];
  if (d.status != DealStatus::kOpen) return Status::Ok();
  if (Chance(0.75)) return Lose(index, now_, "no decision: went quiet");
  if (!d.cleanup_skipped) At(After(Uniform(120, 200)), [this, index] { return Cleanup(index); });
  d.cleanup_skipped = true;
  return Status::Ok();
}

// ---- contracts and renewals ----------------------------------------------------------------

Status Simulation::StartContract(int index) {
  const Deal& d = deals_[static_cast<size_t>(index)];
  Contract k;
  k.id = NextId("K", &n_contracts_);
  k.deal = index;
  k.company = d.company;
  k.owner = d.owner;
  double u = Uniform();
  k.term = u < 0.7 ? 12 : u < 0.9 ? 24 : 36;
  k.currency = d.currency;
  k.amount = std::max<int64_t>(static_cast<int64_t>(static_cast<double>(d.amount) * Uniform(0.12, 0.2)) / 10'000 * 10'000, 10'000);
  fb::StartContractT c;
  c.contract_id = k.id;
  c.deal_id = d.id;
  c.term_months = k.term;
  c.amount = MoneyOf(k.amount, k.currency);
  RAPPORT_RETURN_IF_ERROR(Exec(d.owner, std::move(c)));
  k.renewal = AddMonths(Today(), k.term);  // the deal closed today (or a few days ago, if logged late)
  int contract = static_cast<int>(contracts_.size());
  contracts_.push_back(std::move(k));
  Touch(d.company);
  // The contract's renewal date is the close date + term: read it back rather than guess.
  auto rec = service_->Get("contract", contracts_.back().id);
  if (rec.ok()) contracts_.back().renewal = static_cast<int32_t>(rec->Int("renewal_date"));
  At(WorkTime(contracts_.back().renewal - static_cast<int32_t>(Between(60, 90))),
     [this, contract] { return RenewalDue(contract); });
  return Status::Ok();
}

Status Simulation::RenewalDue(int contract) {
  const Contract& k = contracts_[static_cast<size_t>(contract)];
  if (!k.active) return Status::Ok();
  Company& co = companies_[static_cast<size_t>(k.company)];
  Deal d;
  d.id = NextId("D", &n_deals_);
  d.company = k.company;
  d.owner = co.owner;
  d.pipeline = 1;
  d.stage = 0;
  d.contacts = {co.contacts.front()};
  d.currency = k.currency;
  d.amount = static_cast<int64_t>(static_cast<double>(k.amount) * Uniform(1.0, 1.08)) / 10'000 * 10'000;
  d.contract = contract;
  int64_t y;
  unsigned m, day;
  CivilFromDays(k.renewal, &y, &m, &day);
  d.name = co.short_name + ": renewal " + std::to_string(y);
  d.expected_close = k.renewal;
  fb::OpenDealT c;
  c.deal_id = d.id;
  c.name = d.name;
  c.pipeline_id = "PL-2";
  c.stage_id = kRenewals.front().id;
  c.amount = MoneyOf(d.amount, d.currency);
  c.expected_close_date = d.expected_close;
  c.company_id = co.id;
  c.contact_ids = {contacts_[static_cast<size_t>(d.contacts.front())].id};
  c.source = "renewal of " + k.id;
  int owner = d.owner;
  int index = static_cast<int>(deals_.size());
  deals_.push_back(std::move(d));
  RAPPORT_RETURN_IF_ERROR(Exec(owner, std::move(c), 0, &deals_.back().events));
  Touch(k.company);
  return EnterStage(index);
}

// ---- customers: check-ins and support tickets ----------------------------------------------

Status Simulation::CheckIn(int company) {
  At(After(Uniform(60, 100)), [this, company] { return CheckIn(company); });
  const Company& co = companies_[static_cast<size_t>(company)];
  int contact = Pick(co.contacts);
  Touch(company);
  if (co.open_deal < 0 && Chance(0.12)) {
    At(After(Uniform(2, 20)), [this, company] { return OpenDeal(company, "existing customer"); });
  }
  return MaybeLate([this, company, contact](Micros occurred) {
    const Company& c = companies_[static_cast<size_t>(company)];
    const Contact& p = contacts_[static_cast<size_t>(contact)];
    if (Chance(0.6)) {
      fb::LogMeetingT m;
      m.activity_id = NextId("A", &n_activities_);
      m.title = "Quarterly business review";
      m.start_us = occurred;
      m.end_us = occurred + 60 * kMinute;
      m.attendees = {users_[c.owner].name, p.first + " " + p.last};
      m.location = Chance(0.4) ? c.city : "Video call";
      m.notes = Chance(0.5) ? "Uptime above 98%; they ask about adding a second cell." : "Open tickets reviewed.";
      m.links = LinksFor(contact, company);
      return Exec(c.owner, std::move(m), occurred);
    }
    fb::LogCallT call;
    call.activity_id = NextId("A", &n_activities_);
    call.direction = fb::Direction::Outbound;
    call.outcome = fb::CallOutcome::Connected;
    call.duration_seconds = static_cast<int32_t>(Between(300, 1800));
    call.notes = "Check-in with " + p.first + ": happy with the robots, asked about training for the night shift.";
    call.links = LinksFor(contact, company);
    return Exec(c.owner, std::move(call), occurred);
  });
}

Status Simulation::OpenTicket(int company) {
  At(After(Uniform(20, 260)), [this, company] { return OpenTicket(company); });
  const Company& co = companies_[static_cast<size_t>(company)];
  Ticket t;
  t.id = NextId("TKT", &n_tickets_);
  t.company = company;
  t.contact = Pick(co.contacts);
  t.assignee = Pick(support_);
  double u = Uniform();
  t.priority = u < 0.2 ? fb::Priority::Low : u < 0.7 ? fb::Priority::Normal : u < 0.92 ? fb::Priority::High
                                                                                       : fb::Priority::Urgent;
  static const std::vector<std::string> kSubjects = {
      "{product} stops with error E-{n}", "Gripper calibration drifts", "Vision system misreads labels",
      "Cannot log in to the fleet manager", "Request: operator training for the night shift",
      "Spare parts order for {product}", "Firmware update failed on {product}", "Safety scanner stops the cell",
      "Invoice question", "{product} overheats in three-shift operation"};
  std::string subject = Pick(kSubjects);
  for (auto [key, value] : {std::pair<std::string, std::string>{"{product}", kProducts[static_cast<size_t>(Between(0, 2))].code},
                            {"{n}", std::to_string(Between(100, 999))}}) {
    for (size_t at; (at = subject.find(key)) != std::string::npos;) subject.replace(at, key.size(), value);
  }
  t.subject = subject;
  fb::OpenTicketT c;
  c.ticket_id = t.id;
  c.subject = subject;
  c.description = "Reported by " + contacts_[static_cast<size_t>(t.contact)].first + " " +
                  contacts_[static_cast<size_t>(t.contact)].last + " at " + co.name + ".";
  c.priority = t.priority;
  c.contact_id = contacts_[static_cast<size_t>(t.contact)].id;
  c.company_id = co.id;
  c.assignee_id = users_[t.assignee].id;
  c.channel = Pick(std::vector<std::string>{"email", "phone", "portal"});
  RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(c)));
  int index = static_cast<int>(tickets_.size());
  tickets_.push_back(std::move(t));
  Touch(company);
  double respond_h, resolve_d;
  switch (tickets_.back().priority) {
    case fb::Priority::Urgent: respond_h = Uniform(0.2, 2), resolve_d = Uniform(0.3, 2); break;
    case fb::Priority::High: respond_h = Uniform(1, 6), resolve_d = Uniform(1, 5); break;
    case fb::Priority::Low: respond_h = Uniform(4, 48), resolve_d = Uniform(3, 20); break;
    default: respond_h = Uniform(2, 24), resolve_d = Uniform(2, 10); break;
  }
  Micros respond_at = Working(now_ + static_cast<Micros>(respond_h * static_cast<double>(kHour)));
  Micros resolve_at = Working(std::max(respond_at + 4 * kHour, now_ + static_cast<Micros>(resolve_d * static_cast<double>(kMicrosPerDay))));
  At(respond_at, [this, index, resolve_at] { return TicketRespond(index, resolve_at); });
  return Status::Ok();
}

Status Simulation::TicketStatus(int index, fb::TicketStatus status) {
  Ticket& t = tickets_[static_cast<size_t>(index)];
  if (t.status == status || t.status == fb::TicketStatus::Closed) return Status::Ok();
  fb::ChangeTicketStatusT c;
  c.ticket_id = t.id;
  c.status = status;
  RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(c)));
  t.status = status;
  return Status::Ok();
}

// The first answer, maybe a wait for the customer, the fix, closing (and now and then a reopen).
Status Simulation::TicketRespond(int index, Micros resolve_at) {
  Ticket& t = tickets_[static_cast<size_t>(index)];
  if (Chance(0.1)) {  // handed to a colleague who knows the product better
    int other = Pick(support_);
    if (other != t.assignee) {
      fb::AssignTicketT a;
      a.ticket_id = t.id;
      a.assignee_id = users_[other].id;
      RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(a)));
      t.assignee = other;
    }
  }
  const Contact& p = contacts_[static_cast<size_t>(t.contact)];
  fb::LogEmailT e;
  e.activity_id = NextId("A", &n_activities_);
  e.direction = fb::Direction::Outbound;
  e.subject = "Re: " + t.subject + " [" + t.id + "]";
  e.body = "Hello " + p.first + ",\n\nthanks for the report. Could you send us the controller log?\n\n" +
           users_[t.assignee].name;
  e.from_address = users_[t.assignee].email;
  e.to_addresses = {p.email};
  e.links = LinksFor(t.contact, t.company, -1, index);
  RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(e)));
  if (Chance(0.55)) {
    RAPPORT_RETURN_IF_ERROR(TicketStatus(index, fb::TicketStatus::Pending));
    At(After(Uniform(0.5, 3)), [this, index] {
      Ticket& x = tickets_[static_cast<size_t>(index)];
      if (x.status != fb::TicketStatus::Pending) return Status::Ok();
      const Contact& c = contacts_[static_cast<size_t>(x.contact)];
      fb::LogEmailT reply;
      reply.activity_id = NextId("A", &n_activities_);
      reply.direction = fb::Direction::Inbound;
      reply.subject = "Re: " + x.subject + " [" + x.id + "]";
      reply.body = "Log attached. The problem happened again this morning.\n\n" + c.first;
      reply.from_address = c.email;
      reply.to_addresses = {users_[x.assignee].email};
      reply.links = LinksFor(x.contact, x.company, -1, index);
      RAPPORT_RETURN_IF_ERROR(Exec(x.assignee, std::move(reply)));
      return TicketStatus(index, fb::TicketStatus::Open);
    });
  }
  At(std::max(resolve_at, now_ + kHour), [this, index] {
    RAPPORT_RETURN_IF_ERROR(TicketStatus(index, fb::TicketStatus::Resolved));
    if (Chance(0.06)) {
      At(After(Uniform(1, 4)), [this, index] {
        Ticket& x = tickets_[static_cast<size_t>(index)];
        if (x.status != fb::TicketStatus::Resolved) return Status::Ok();
        fb::ReopenTicketT r;
        r.ticket_id = x.id;
        RAPPORT_RETURN_IF_ERROR(Exec(x.assignee, std::move(r)));
        x.status = fb::TicketStatus::Open;
        At(After(Uniform(1, 4)), [this, index] { return TicketStatus(index, fb::TicketStatus::Resolved); });
        return Status::Ok();
      });
    } else if (Chance(0.75)) {
      At(After(Uniform(3, 7)), [this, index] {
        return tickets_[static_cast<size_t>(index)].status == fb::TicketStatus::Resolved
                   ? TicketStatus(index, fb::TicketStatus::Closed)
                   : Status::Ok();
      });
    }
    return Status::Ok();
  });
  return Status::Ok();
}

// ---- tasks ----------------------------------------------------------------------------------

Status Simulation::NewTask(int actor, int assignee, std::string title, std::unique_ptr<fb::LinksT> links, Micros due,
                           int deal) {
  Task t;
  t.id = NextId("TSK", &n_tasks_);
  t.assignee = assignee;
  fb::CreateTaskT c;
  c.task_id = t.id;
  c.title = std::move(title);
  c.due_us = due;
  c.assignee_id = users_[assignee].id;
  c.priority = Chance(0.2) ? fb::Priority::High : fb::Priority::Normal;
  c.links = std::move(links);
  RAPPORT_RETURN_IF_ERROR(Exec(actor, std::move(c)));
  int index = static_cast<int>(tasks_.size());
  tasks_.push_back(std::move(t));
  if (deal >= 0) deals_[static_cast<size_t>(deal)].tasks.push_back(index);
  // Most tasks get done around their due date; some are moved, dropped or forgotten.
  double u = Uniform();
  int fate = u < 0.80 ? 0 : u < 0.88 ? 1 : u < 0.94 ? 2 : 3;
  return TaskFate(index, fate, due);
}

Status Simulation::TaskFate(int index, int fate, Micros due) {
  auto when = [&](double early, double late) {
    return Working(std::max(now_ + 10 * kMinute,
                            due + static_cast<Micros>(Uniform(-early, late) * static_cast<double>(kMicrosPerDay))));
  };
  switch (fate) {
    case 0:  // done
      At(when(2, 1.5), [this, index] {
        Task& t = tasks_[static_cast<size_t>(index)];
        if (!t.open) return Status::Ok();
        fb::CompleteTaskT c;
        c.task_id = t.id;
        RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(c)));
        t.open = false;
        return Status::Ok();
      });
      return Status::Ok();
    case 1:  // moved, then done or forgotten
      At(when(1, 0.5), [this, index, due] {
        Task& t = tasks_[static_cast<size_t>(index)];
        if (!t.open) return Status::Ok();
        Micros next = WorkTime(DayOf(std::max(due, now_)) + static_cast<int32_t>(Between(2, 10)));
        fb::RescheduleTaskT r;
        r.task_id = t.id;
        r.due_us = next;
        RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(r)));
        return TaskFate(index, Chance(0.9) ? 0 : 3, next);
      });
      return Status::Ok();
    case 2:  // no longer needed
      At(when(0, 5), [this, index] { return CancelTask(index, "no longer needed"); });
      return Status::Ok();
    default:  // forgotten: overdue until a clean-up, or for good
      if (Chance(0.5)) At(when(-20, 90), [this, index] { return CancelTask(index, "old task, cleaned up"); });
      return Status::Ok();
  }
}

Status Simulation::CancelTask(int index, const std::string& reason) {
  Task& t = tasks_[static_cast<size_t>(index)];
  if (!t.open) return Status::Ok();
  fb::CancelTaskT c;
  c.task_id = t.id;
  c.reason = reason;
  RAPPORT_RETURN_IF_ERROR(Exec(t.assignee, std::move(c)));
  t.open = false;
  return Status::Ok();
}

// A closed deal's open follow-ups are dropped.
Status Simulation::CloseDealTasks(int deal, const std::string& reason) {
  for (int task : deals_[static_cast<size_t>(deal)].tasks) RAPPORT_RETURN_IF_ERROR(CancelTask(task, reason));
  return Status::Ok();
}

// ---- the whole story --------------------------------------------------------------------------

Status Simulation::Run(DemoSummary* out) {
  now_ = WorkTime(DayOf(start_));
  now_ = static_cast<Micros>(DayOf(now_)) * kMicrosPerDay + 8 * kHour;  // 08:00 on the first working day
  RAPPORT_RETURN_IF_ERROR(Setup());

  double companies = 2500 * o_.scale;
  double deals = 3000 * o_.scale;
  double working_days = static_cast<double>(DayOf(end_) - DayOf(start_)) * 5 / 7;
  // 40 % of the accounts come from the old system on the first day; the rest arrive over time.
  int imported = static_cast<int>(companies * 0.4 + 0.5);
  companies_per_day_ = companies * 0.6 / working_days;
  deals_per_day_ = std::max(0.0, deals - companies * 0.6 * 0.45) / (working_days - 10);
  Micros t = now_ + 30 * kMinute;
  for (int i = 0; i < imported; ++i) {
    double u = Uniform(), acc = 0;
    int territory = 0;
    for (size_t k = 0; k < Territories().size(); ++k) {
      acc += Territories()[k].share;
      if (u < acc) {
        territory = static_cast<int>(k);
        break;
      }
    }
    t += Between(2, 8) * kMicrosPerSecond;
    At(t, [this, territory] { return CreateCompany(territory, true); });
  }
  At(static_cast<Micros>(DayOf(now_) + 7) * kMicrosPerDay + 6 * kHour, [this] { return Daily(DayOf(now_)); });
  At(WorkTime(DayOf(start_) + kLeaveDay), [this] { return Depart(kLeaver, kSuccessor); });

  int last_permille = -1;
  while (!jobs_.empty() && jobs_.top().at < end_) {
    Job job = std::move(const_cast<Job&>(jobs_.top()));
    jobs_.pop();
    now_ = job.at;
    RAPPORT_RETURN_IF_ERROR(job.fn());
    int permille = static_cast<int>((now_ - start_) * 1000 / (end_ - start_));
    if (progress_ && permille != last_permille) {
      last_permille = permille;
      progress_(permille / 1000.0);
    }
  }
  clock_->Set(end_);

  DemoSummary& s = *out;
  s = DemoSummary{};
  s.start = start_;
  s.end = end_;
  s.commands = commands_;
  s.events = events_;
  s.users = users_created_;
  s.teams = Territories().size();
  s.companies = companies_.size();
  s.contacts = contacts_.size();
  s.deals = deals_.size();
  for (const Deal& d : deals_) {
    (d.status == DealStatus::kOpen ? s.deals_open : d.status == DealStatus::kWon ? s.deals_won : s.deals_lost)++;
  }
  s.activities = n_activities_;
  s.late_entries = late_;
  s.tasks = tasks_.size();
  s.contracts = contracts_.size();
  s.tickets = tickets_.size();
  s.new_business_pipeline = "PL-1";
  s.renewals_pipeline = "PL-2";
  uint32_t most = 0;
  for (const Company& c : companies_) {
    if (c.touches > most) most = c.touches, s.busiest_company = c.id;
  }
  int best = -1;
  for (const Deal& d : deals_) {
    if (d.slips > 0 && d.moved_back && d.events > best) best = d.events, s.storied_deal = d.id;
  }
  std::vector<int> open_tasks(users_.size(), 0);
  for (const Task& x : tasks_) open_tasks[static_cast<size_t>(x.assignee)] += x.open ? 1 : 0;
  int max_open = 0;
  for (size_t i = 0; i < users_.size(); ++i) {
    if (users_[i].active && open_tasks[i] > max_open) max_open = open_tasks[i], s.busy_rep = users_[i].id;
  }
  return Status::Ok();
}

}  // namespace

int32_t DemoStartDay(int32_t until_day) { return AddMonths(until_day, -24); }

Status GenerateDemo(domain::CommandService* service, ManualClock* clock, const DemoOptions& options,
                    DemoSummary* summary, const std::function<void(double)>& progress) {
  if (!(options.scale > 0 && options.scale <= 20)) {
    return Status::InvalidArgument("scale must be greater than 0 and at most 20");
  }
  if (options.until_day < DaysFromCivil(1972, 1, 1) || options.until_day > DaysFromCivil(9000, 1, 1)) {
    return Status::InvalidArgument("until must be a date between 1972 and 9000");
  }
  if (service->initialised()) {
    return Status::AlreadyExists("the data directory already holds a workspace");
  }
  Simulation sim(service, clock, options, progress);
  return sim.Run(summary);
}

}  // namespace rapport::cli
