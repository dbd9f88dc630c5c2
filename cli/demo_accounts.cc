// The demo's companies and contacts: named in their territory's style, owned by one of its
// reps, imported on day one or arriving over time; contacts move through lifecycle stages.
#include "cli/demo_generator_internal.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli::demo {

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

}  // namespace rapport::cli::demo
