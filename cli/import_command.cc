#include "cli/import_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

#include "cli/csv_reader.h"
#include "cli/import_support.h"
#include "cli/maven_import.h"
#include "cli/session.h"
#include "domain/enums.h"
#include "domain/money.h"
#include "domain/text.h"
#include "domain/value.h"
#include "events/clock.h"

namespace rapport::cli {
namespace {

// Header aliases (compared by MatchKey: case, spaces and punctuation ignored) -> field.
const std::map<std::string, std::vector<std::string>>& Aliases(const std::string& kind) {
  static const std::map<std::string, std::vector<std::string>> contacts = {
      {"id", {"id", "record id", "contact id"}},
      {"first_name", {"first name", "firstname", "first", "given name"}},
      {"last_name", {"last name", "lastname", "last", "surname", "family name"}},
      {"name", {"name", "full name", "contact name"}},
      {"email", {"email", "email address", "e-mail", "work email", "primary email"}},
      {"phone", {"phone", "phone number", "mobile phone number", "mobile", "mobilephone", "business phone"}},
      {"title", {"title", "job title", "jobtitle"}},
      {"company", {"company", "company name", "account name", "associated company", "account"}},
      {"owner", {"owner", "contact owner", "owner id", "hubspot owner", "owner email"}},
      {"source", {"source", "lead source", "original source", "original source type"}},
      {"lifecycle", {"lifecycle", "lifecycle stage", "lifecyclestage", "lead status"}},
      {"tags", {"tags", "tag"}},
      {"created", {"created", "create date", "createdate", "created date", "createddate", "created at"}},
  };
  static const std::map<std::string, std::vector<std::string>> companies = {
      {"id", {"id", "record id", "company id", "account id"}},
      {"name", {"name", "company name", "account name", "company"}},
      {"domain", {"domain", "company domain name", "website", "website url"}},
      {"industry", {"industry", "sector"}},
      {"employees", {"employees", "number of employees", "numberofemployees"}},
      {"annual_revenue", {"annual revenue", "annualrevenue", "revenue"}},
      {"currency", {"currency", "currency code", "currencyisocode"}},
      {"city", {"city", "billing city", "billingcity"}},
      {"country", {"country", "country/region", "billing country", "billingcountry"}},
      {"region", {"region", "state", "state/region", "billing state", "billingstate"}},
      {"parent", {"parent", "parent company", "parent account", "subsidiary of"}},
      {"owner", {"owner", "company owner", "account owner", "owner email"}},
      {"source", {"source", "lead source", "original source"}},
      {"tags", {"tags", "tag"}},
      {"created", {"created", "create date", "createdate", "created date", "createddate", "created at"}},
  };
  static const std::map<std::string, std::vector<std::string>> deals = {
      {"id", {"id", "record id", "deal id", "opportunity id"}},
      {"name", {"name", "deal name", "dealname", "opportunity name"}},
      {"pipeline", {"pipeline"}},
      {"stage", {"stage", "deal stage", "dealstage", "stagename", "stage name"}},
      {"amount", {"amount", "deal amount", "value"}},
      {"currency", {"currency", "currency code", "currencyisocode"}},
      {"close_date", {"close date", "closedate", "expected close date"}},
      {"owner", {"owner", "deal owner", "opportunity owner", "owner email"}},
      {"company", {"company", "associated company", "account name", "account"}},
      {"contact_email", {"contact email", "associated contact email", "contact"}},
      {"source", {"source", "lead source", "original source"}},
      {"lost_reason", {"lost reason", "closed lost reason", "loss reason"}},
      {"created", {"created", "create date", "createdate", "created date", "createddate", "created at"}},
  };
  if (kind == "contacts") return contacts;
  if (kind == "companies") return companies;
  return deals;
}

// Users, companies, contacts and pipelines by the names a CSV uses for them.
class Lookups {
 public:
  Status Load(Session* s, bool companies, bool contacts) {
    dir_ = s->directory();
    for (const auto& [id, u] : dir_.users()) {
      users_[MatchKey(id)] = id;
      users_[MatchKey(u.Text("email"))] = id;
      users_[MatchKey(u.Text("name"))] = id;
    }
    if (companies) RAPPORT_RETURN_IF_ERROR(Scan(s, "company", [&](const domain::RecordState& r) { AddCompany(r.Text("name"), r.id); }));
    if (contacts) {
      RAPPORT_RETURN_IF_ERROR(Scan(s, "contact", [&](const domain::RecordState& r) {
        for (const auto& e : r.List("emails")) contacts_[domain::NormalizeEmail(e)] = r.id;
      }));
    }
    return Status::Ok();
  }
  void AddCompany(const std::string& name, const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    companies_[MatchKey(name)] = id;
    companies_[MatchKey(id)] = id;
  }
  std::string User(const std::string& text) const { return Find(users_, MatchKey(text)); }
  std::string Company(const std::string& text) const {
    std::lock_guard<std::mutex> lock(mu_);
    return Find(companies_, MatchKey(text));
  }
  std::string ContactByEmail(const std::string& email) const {
    return Find(contacts_, domain::NormalizeEmail(email));
  }
  const domain::Directory& dir() const { return dir_; }

 private:
  template <typename F>
  Status Scan(Session* s, const char* type, F f) {
    std::string after;
    while (true) {
      auto ids = s->ListIds(type, after, 1000);
      if (!ids.ok()) return ids.status();
      if (ids->empty()) return Status::Ok();
      for (const auto& id : *ids) {
        after = id;
        auto r = s->Get(type, id);
        if (!r.ok()) return r.status();
        if (r->live()) f(*r);
      }
    }
  }
  static std::string Find(const std::map<std::string, std::string>& m, const std::string& k) {
    if (k.empty()) return "";
    auto it = m.find(k);
    return it == m.end() ? "" : it->second;
  }
  domain::Directory dir_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> users_, companies_, contacts_;
};

struct ImportArgs {
  std::string kind, file;
  std::vector<std::string> map;
  int threads = 8;
  std::string pipeline;
  bool include_deleted = false;
};

// Column index -> field, from the header and --map.
Result<std::map<size_t, std::string>> MapColumns(const std::string& kind, const std::vector<std::string>& header,
                                                 const std::vector<std::string>& overrides,
                                                 std::vector<std::string>* ignored) {
  std::map<std::string, std::string> over;  // MatchKey(header) -> field
  for (const auto& m : overrides) {
    auto eq = m.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      return Status::InvalidArgument("--map: '" + m + "' is not 'Column header=field' (e.g. 'Mobile=phone')");
    }
    over[MatchKey(m.substr(0, eq))] = m.substr(eq + 1);
  }
  std::map<std::string, std::string> alias;  // MatchKey(alias) -> field
  for (const auto& [field, names] : Aliases(kind)) {
    for (const auto& n : names) alias[MatchKey(n)] = field;
  }
  std::map<size_t, std::string> cols;
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string key = MatchKey(header[i]);
    std::string field;
    if (auto it = over.find(key); it != over.end()) {
      field = it->second;
      if (field != "ignore" && field.rfind("custom.", 0) != 0 && Aliases(kind).count(field) == 0) {
        std::string known;
        for (const auto& [f, names] : Aliases(kind)) known += (known.empty() ? "" : ", ") + f;
        return Status::InvalidArgument("--map: '" + field + "' is not a " + kind + " field; use one of " + known +
                                       ", custom.KEY or ignore");
      }
    } else if (auto a = alias.find(key); a != alias.end()) {
      field = a->second;
    }
    if (field.empty() || field == "ignore") {
      if (!header[i].empty()) ignored->push_back(header[i]);
      continue;
    }
    if (seen.count(field) != 0) {
      return Status::InvalidArgument("columns '" + header[seen[field]] + "' and '" + header[i] + "' both map to " +
                                     field + ": --map one of them to another field or to ignore");
    }
    seen[field] = i;
    cols[i] = field;
  }
  return cols;
}

using Row = std::map<std::string, std::string>;  // field -> trimmed text

std::string Trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string Get(const Row& r, const char* f) {
  auto it = r.find(f);
  return it == r.end() ? "" : it->second;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ";") {
    if (c == ';' || c == ',') {
      cur = Trimmed(cur);
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

Result<Micros> Created(const Row& r) {
  std::string c = Get(r, "created");
  if (c.empty()) return Micros{0};
  auto t = ParseIso8601(c);
  if (!t.ok()) return Status::InvalidArgument("created: '" + c + "' is not an ISO 8601 date or instant");
  return *t;
}

Result<std::string> Owner(const Lookups& l, const Row& r) {
  std::string o = Get(r, "owner");
  if (o.empty()) return std::string();
  std::string id = l.User(o);
  if (id.empty()) return Status::NotFound("owner: no user '" + o + "' (by id, email or name): add them with `rapport user add`");
  return id;
}

std::vector<fb::FieldValueT> Custom(const Row& r) {
  std::vector<fb::FieldValueT> out;
  for (const auto& [f, v] : r) {
    if (f.rfind("custom.", 0) != 0 || v.empty()) continue;
    fb::FieldValueT fv;
    fv.field = f.substr(7);
    fv.value = std::make_unique<fb::ValueT>(domain::TextValue(v));
    out.push_back(std::move(fv));
  }
  return out;
}

std::vector<std::unique_ptr<fb::FieldValueT>> Boxed(std::vector<fb::FieldValueT> v) {
  std::vector<std::unique_ptr<fb::FieldValueT>> out;
  for (auto& x : v) out.push_back(std::make_unique<fb::FieldValueT>(std::move(x)));
  return out;
}

fb::CommandT Command(std::string id, Micros occurred) {
  fb::CommandT c;
  c.command_id = std::move(id);
  c.occurred_at_us = occurred;
  return c;
}

Result<std::vector<fb::CommandT>> ContactCommands(const Lookups& l, const Row& r, const std::string& cmd_id) {
  fb::CreateContactT c;
  c.first_name = Get(r, "first_name");
  c.last_name = Get(r, "last_name");
  if (c.first_name.empty() && c.last_name.empty() && !Get(r, "name").empty()) {
    std::string n = Get(r, "name");
    auto sp = n.rfind(' ');
    c.first_name = sp == std::string::npos ? n : n.substr(0, sp);
    c.last_name = sp == std::string::npos ? "" : n.substr(sp + 1);
  }
  c.emails = SplitList(Get(r, "email"));
  c.phones = SplitList(Get(r, "phone"));
  c.title = Get(r, "title");
  if (std::string co = Get(r, "company"); !co.empty()) {
    c.company_id = l.Company(co);
    if (c.company_id.empty()) return Status::NotFound("company: no company '" + co + "': import companies first");
  }
  auto owner = Owner(l, r);
  if (!owner.ok()) return owner.status();
  c.owner_id = *owner;
  c.source = Get(r, "source");
  if (std::string lc = Get(r, "lifecycle"); !lc.empty()) {
    auto stage = domain::ParseLifecycle(lc);
    if (!stage) return Status::InvalidArgument("lifecycle: '" + lc + "' is not one of " + domain::LifecycleNames());
    c.lifecycle = *stage;
  }
  c.tags = SplitList(Get(r, "tags"));
  c.custom = Boxed(Custom(r));
  auto created = Created(r);
  if (!created.ok()) return created.status();
  std::vector<fb::CommandT> out;
  out.push_back(Command(cmd_id, *created));
  out.back().body.Set(std::move(c));
  return out;
}

Result<std::vector<fb::CommandT>> CompanyCommands(const Lookups& l, const Row& r, const std::string& cmd_id) {
  fb::CreateCompanyT c;
  c.name = Get(r, "name");
  if (std::string d = Get(r, "domain"); !d.empty()) {
    auto nd = domain::NormalizeDomain(d, "domain");
    if (!nd.ok()) return nd.status();
    c.domain = *nd;
  }
  c.industry = Get(r, "industry");
  if (std::string e = Get(r, "employees"); !e.empty()) {
    auto v = domain::ParseValue(fb::ValueKind::Number, e, "employees", "");
    if (!v.ok()) return v.status();
    int64_t n = v->int_value;
    for (int s = 0; s < v->scale; ++s) n /= 10;
    c.employees = n;
  }
  if (std::string rev = Get(r, "annual_revenue"); !rev.empty()) {
    std::string ccy = Get(r, "currency").empty() ? l.dir().home_currency() : Get(r, "currency");
    auto m = domain::ParseMoney(rev, ccy, "annual_revenue");
    if (!m.ok()) return m.status();
    c.annual_revenue = std::make_unique<fb::MoneyT>();
    c.annual_revenue->amount_minor = m->amount_minor;
    c.annual_revenue->currency = m->currency;
  }
  c.city = Get(r, "city");
  c.country = Get(r, "country");
  c.region = Get(r, "region");
  if (std::string p = Get(r, "parent"); !p.empty()) {
    c.parent_company_id = l.Company(p);
    if (c.parent_company_id.empty()) {
      return Status::NotFound("parent: no company '" + p + "' yet: list parents before their subsidiaries");
    }
  }
  auto owner = Owner(l, r);
  if (!owner.ok()) return owner.status();
  c.owner_id = *owner;
  c.source = Get(r, "source");
  c.tags = SplitList(Get(r, "tags"));
  c.custom = Boxed(Custom(r));
  auto created = Created(r);
  if (!created.ok()) return created.status();
  std::vector<fb::CommandT> out;
  out.push_back(Command(cmd_id, *created));
  out.back().body.Set(std::move(c));
  return out;
}

Result<std::vector<fb::CommandT>> DealCommands(const Lookups& l, const Row& r, const std::string& cmd_id,
                                               const std::string& default_pipeline) {
  const domain::Directory& d = l.dir();
  std::string pl_text = Get(r, "pipeline").empty() ? default_pipeline : Get(r, "pipeline");
  const domain::RecordState* pipeline = nullptr;
  for (const auto& [id, p] : d.pipelines()) {
    if (p.Text("archived") == "true") continue;
    if (pl_text.empty() || MatchKey(id) == MatchKey(pl_text) || MatchKey(p.Text("name")) == MatchKey(pl_text)) {
      if (pipeline == nullptr || p.created_position < pipeline->created_position) pipeline = &p;
    }
  }
  if (pipeline == nullptr) {
    return Status::NotFound("pipeline: no pipeline '" + pl_text + "': create one with `rapport pipeline add`");
  }
  fb::OpenDealT o;
  o.deal_id = "";
  o.name = Get(r, "name");
  o.pipeline_id = pipeline->id;
  std::string stage = Get(r, "stage"), outcome;
  std::string sk = MatchKey(stage);
  if (sk == "closedwon" || sk == "won") {
    outcome = "won";
  } else if (sk == "closedlost" || sk == "lost") {
    outcome = "lost";
  } else if (!stage.empty()) {
    for (const auto& s : pipeline->stages) {
      if (MatchKey(s.id) == sk || MatchKey(s.name) == sk) o.stage_id = s.id;
    }
    if (o.stage_id.empty()) {
      std::string names;
      for (const auto& s : pipeline->stages) names += (names.empty() ? "" : ", ") + s.name;
      return Status::InvalidArgument("stage: '" + stage + "' is not a stage of " + pipeline->Text("name") + " (" +
                                     names + ", Closed Won, Closed Lost)");
    }
  }
  std::string ccy = Get(r, "currency").empty() ? d.home_currency() : Get(r, "currency");
  if (std::string a = Get(r, "amount"); !a.empty()) {
    auto m = domain::ParseMoney(a, ccy, "amount");
    if (!m.ok()) return m.status();
    o.amount = std::make_unique<fb::MoneyT>();
    o.amount->amount_minor = m->amount_minor;
    o.amount->currency = m->currency;
  }
  std::optional<int32_t> close;
  if (std::string cd = Get(r, "close_date"); !cd.empty()) {
    auto t = ParseIso8601(cd);
    if (!t.ok()) return Status::InvalidArgument("close_date: '" + cd + "' is not an ISO 8601 date");
    close = static_cast<int32_t>(*t / kMicrosPerDay);
    o.expected_close_date = close;
  }
  auto owner = Owner(l, r);
  if (!owner.ok()) return owner.status();
  o.owner_id = *owner;
  if (std::string co = Get(r, "company"); !co.empty()) {
    o.company_id = l.Company(co);
    if (o.company_id.empty()) return Status::NotFound("company: no company '" + co + "': import companies first");
  }
  if (std::string ce = Get(r, "contact_email"); !ce.empty()) {
    std::string c = l.ContactByEmail(ce);
    if (c.empty()) return Status::NotFound("contact_email: no contact with email '" + ce + "': import contacts first");
    o.contact_ids.push_back(c);
  }
  o.source = Get(r, "source");
  o.custom = Boxed(Custom(r));
  auto created = Created(r);
  if (!created.ok()) return created.status();
  if (!Get(r, "id").empty()) {
    Status ok = domain::ValidateRecordId(Get(r, "id"), "id");
    if (ok.ok()) o.deal_id = Get(r, "id");
  }
  std::vector<fb::CommandT> out;
  out.push_back(Command(cmd_id, *created));
  out.back().body.Set(std::move(o));
  if (!outcome.empty()) {
    // Closed at its close date (midnight UTC), or when it was created.
    Micros when = close ? *close * kMicrosPerDay : *created;
    if (when != 0 && *created != 0 && when < *created) when = *created;
    out.push_back(Command(cmd_id + "-" + outcome, when));
    // The deal id is allocated by the first command: filled in by the runner (below).
    if (outcome == "won") {
      fb::WinDealT w;
      if (close) w.close_date = close;
      out.back().body.Set(std::move(w));
    } else {
      fb::LoseDealT lz;
      // The domain requires a reason; a file without one says so rather than inventing one.
      lz.reason = Get(r, "lost_reason").empty() ? "not given in the imported file" : Get(r, "lost_reason");
      if (close) lz.close_date = close;
      out.back().body.Set(std::move(lz));
    }
  }
  return out;
}

int RunImport(const GlobalOptions& g, const ImportArgs& a) {
  auto started = std::chrono::steady_clock::now();
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  std::ifstream in(a.file, std::ios::binary);
  if (!in) return ReportError(g, Status::NotFound("cannot open " + a.file + ": check the path"));
  std::error_code ec;
  uint64_t total = std::filesystem::file_size(a.file, ec);
  CsvReader csv(&in);
  std::vector<std::string> header;
  Status row_error;
  if (!csv.Next(&header, &row_error)) return ReportError(g, Status::InvalidArgument(a.file + " is empty"));
  if (!row_error.ok()) return ReportError(g, row_error.WithContext(a.file + ": header"));
  std::vector<std::string> ignored;
  auto cols = MapColumns(a.kind, header, a.map, &ignored);
  if (!cols.ok()) return ReportError(g, cols.status());
  if (!g.json && !ignored.empty()) {
    std::string list;
    for (const auto& i : ignored) list += (list.empty() ? "" : ", ") + i;
    std::cerr << "ignoring columns: " << list << " (use --map 'Header=field' to import them)\n";
  }
  Lookups lookups;
  s = lookups.Load(session.get(), /*companies=*/true, /*contacts=*/a.kind == "deals");
  if (!s.ok()) return ReportError(g, s);
  ImportReport report(g, a.kind + " from " + a.file);
  ProgressLine progress("importing " + a.kind);
  {
    ImportRunner runner(session.get(), a.threads, [&](const RowOutcome& o) { report.Row(o); });
    std::vector<std::string> fields;
    uint64_t rows = 0;
    while (csv.Next(&fields, &row_error)) {
      uint64_t line = csv.line();
      progress.Update(csv.bytes_read(), total, ++rows);
      if (fields.size() == 1 && Trimmed(fields[0]).empty()) continue;  // a blank line
      if (!row_error.ok()) {
        runner.Refuse(line, row_error);
        continue;
      }
      if (fields.size() > header.size()) {
        runner.Refuse(line, Status::InvalidArgument("has " + std::to_string(fields.size()) + " fields, the header " +
                                                    std::to_string(header.size())));
        continue;
      }
      Row row;
      for (const auto& [i, f] : *cols) {
        if (i < fields.size()) row[f] = Trimmed(fields[i]);
      }
      std::vector<std::string> parts{a.kind};
      for (const auto& [f, v] : row) {
        parts.push_back(f);
        parts.push_back(v);
      }
      std::string cmd_id = StableCommandId(a.kind, parts);
      Result<std::vector<fb::CommandT>> cmds =
          a.kind == "contacts" ? ContactCommands(lookups, row, cmd_id)
          : a.kind == "companies" ? CompanyCommands(lookups, row, cmd_id)
                                  : DealCommands(lookups, row, cmd_id, a.pipeline);
      if (!cmds.ok()) {
        runner.Refuse(line, cmds.status());
        continue;
      }
      std::string company_name = a.kind == "companies" ? row["name"] : "";
      runner.Submit(
          line, std::move(*cmds),
          [&lookups, company_name](const fb::CommandResultT& r) {
            if (!company_name.empty()) lookups.AddCompany(company_name, r.record_id);
          },
          [](const fb::CommandResultT& opened, fb::CommandT* close) {  // the deal the row opened
            if (auto* w = close->body.AsWinDeal()) w->deal_id = opened.record_id;
            if (auto* l = close->body.AsLoseDeal()) l->deal_id = opened.record_id;
          });
    }
    runner.Drain();
  }
  progress.Done();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report.Finish(secs);
}

}  // namespace

void SetupImportCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static ImportArgs args;
  CLI::App* imp = app->add_subcommand("import", "Import contacts, companies or deals from CSV, or the Maven CRM data set");
  imp->require_subcommand(1);
  for (const char* kind : {"contacts", "companies", "deals"}) {
    CLI::App* cmd = imp->add_subcommand(kind, std::string("Import ") + kind + " from a CSV file with a header row");
    cmd->add_option("file", args.file, "The CSV file")->required();
    cmd->add_option("--map", args.map, "'Column header=field' for a column not recognised (repeatable; "
                                       "field 'ignore' skips it, custom.KEY fills a custom field)");
    cmd->add_option("--threads", args.threads, "Rows in flight (default 8): they share the log's group commit");
    if (std::string(kind) == "deals") {
      cmd->add_option("--pipeline", args.pipeline, "Pipeline of rows without a pipeline column (default: the first)");
    }
    cmd->callback([g, exit_code, cmd, kind] {
      args.kind = kind;
      *exit_code = RunImport(*g, args);
    });
  }
  SetupMavenImport(imp, g, exit_code);
}

}  // namespace rapport::cli
