// The demo's activities: outbound prospecting, web forms, what reps log while a deal is in a
// stage, and customers' quarterly check-ins. A few percent are logged days late (MaybeLate).
#include "cli/demo_generator_internal.h"
#include "domain/money.h"
#include "domain/value.h"

namespace rapport::cli::demo {

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

}  // namespace rapport::cli::demo
