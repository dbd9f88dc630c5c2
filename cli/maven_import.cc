#include "cli/maven_import.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/csv_reader.h"
#include "cli/import_support.h"
#include "cli/session.h"
#include "domain/money.h"
#include "domain/text.h"
#include "domain/value.h"
#include "events/clock.h"

namespace rapport::cli {
namespace {

using Table = std::vector<std::map<std::string, std::string>>;

struct CsvFile {
  std::vector<std::string> header;
  std::vector<std::pair<uint64_t, std::map<std::string, std::string>>> rows;  // line, column -> text
};

// The data set's small files, read whole (the pipeline is 8,800 rows).
Status ReadCsv(const std::string& path, ImportReport* report, CsvFile* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path + ": is this a Maven CRM data set directory?");
  CsvReader csv(&in);
  Status row_error;
  if (!csv.Next(&out->header, &row_error) || !row_error.ok()) return Status::InvalidArgument(path + ": no header row");
  std::vector<std::string> fields;
  while (csv.Next(&fields, &row_error)) {
    if (fields.size() == 1 && fields[0].empty()) continue;
    if (!row_error.ok() || fields.size() != out->header.size()) {
      RowOutcome o;
      o.line = csv.line();
      o.status = !row_error.ok() ? row_error.WithContext(path)
                                 : Status::InvalidArgument(path + ": " + std::to_string(fields.size()) +
                                                           " fields, the header has " +
                                                           std::to_string(out->header.size()));
      report->Row(o);
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < fields.size(); ++i) row[out->header[i]] = fields[i];
    out->rows.emplace_back(csv.line(), std::move(row));
  }
  return Status::Ok();
}

std::unique_ptr<fb::MoneyT> Usd(int64_t minor) {
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = minor;
  m->currency = "USD";
  return m;
}

fb::CommandT Cmd(const std::vector<std::string>& parts, Micros occurred = 0) {
  fb::CommandT c;
  c.command_id = StableCommandId("maven", parts);
  c.occurred_at_us = occurred;
  return c;
}

Result<Micros> Day(const std::string& text, const std::string& field) {
  auto d = domain::ParseDate(text, field);
  if (!d.ok()) return d.status();
  return static_cast<Micros>(*d) * kMicrosPerDay;
}

std::string Email(const std::string& name) {
  std::string out;
  for (char c : domain::FoldName(name)) out += c == ' ' ? '.' : c;
  return out + "@maventech.example";
}

// Known misspellings of the data set, corrected where the intent is clear.
std::string Corrected(const std::string& text, const char* what, ImportReport* report) {
  static const std::map<std::string, std::string> fixes = {{"technolgy", "technology"}, {"Philipines", "Philippines"}};
  auto it = fixes.find(text);
  if (it == fixes.end()) return text;
  report->Note(std::string(what) + " '" + text + "' read as '" + it->second + "'");
  return it->second;
}

class MavenImport {
 public:
  MavenImport(const GlobalOptions& g, Session* s, std::string dir, int threads)
      : g_(g), s_(s), dir_(std::move(dir)), threads_(threads), report_(g, "the Maven CRM data set from " + dir_) {}

  int Run() {
    auto started = std::chrono::steady_clock::now();
    Status st = RunPhases();
    if (!st.ok()) return ReportError(g_, st);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!g_.json) {
      uint64_t total = 0;
      std::string parts;
      for (const char* st : {"Won", "Lost", "Engaging", "Prospecting"}) {
        total += deals_[st];
        parts += (parts.empty() ? "" : ", ") + std::to_string(deals_[st]) + " " + st;
      }
      std::cout << "deals: " << total << " (" << parts << ")\n";
    } else {
      for (const char* st : {"Won", "Lost", "Engaging", "Prospecting"}) report_.Count(std::string("deals_") + st, deals_[st]);
    }
    int rc = report_.Finish(secs);
    if (!g_.json) {
      std::cout << "Try: rapport --data " << ResolveDataDir(g_) << " report winrate"
                << "   |   rapport --data " << ResolveDataDir(g_) << " board --as-of 2017-06-30 --effective\n";
    }
    return rc;
  }

 private:
  // Runs `cmds` one row each, waiting for all; results by row index.
  void RunAll(std::vector<std::pair<uint64_t, std::vector<fb::CommandT>>> rows,
              std::vector<std::string>* ids = nullptr, ImportRunner::Chain chain = nullptr,
              const std::map<uint64_t, std::string>* tally_by_line = nullptr) {
    if (ids != nullptr) ids->assign(rows.size(), "");
    std::mutex mu;
    ImportRunner runner(s_, threads_, [&](const RowOutcome& o) {
      report_.Row(o);
      if (tally_by_line != nullptr && o.status.ok()) ++deals_[tally_by_line->at(o.line)];
    });
    for (size_t i = 0; i < rows.size(); ++i) {
      runner.Submit(rows[i].first, std::move(rows[i].second),
                    [ids, i, &mu](const fb::CommandResultT& r) {
                      std::lock_guard<std::mutex> lock(mu);
                      if (ids != nullptr && (*ids)[i].empty()) (*ids)[i] = r.record_id;
                    },
                    chain);
    }
    runner.Drain();
  }

  Status Workspace() {
    if (s_->directory().workspace() != nullptr) {
      if (s_->directory().home_currency() != "USD") {
        report_.Note("amounts are in USD; the workspace's home currency is " + s_->directory().home_currency() +
                     " (reports convert with its exchange rates)");
      }
      return Status::Ok();
    }
    fb::CommandT c = Cmd({"workspace"}, setup_at_);
    fb::CreateWorkspaceT w;
    w.workspace_id = "main";
    w.name = "MavenTech";
    w.home_currency = "USD";
    w.time_zone = "UTC";
    w.admin_name = "Maven importer";
    w.admin_email = "importer@maventech.example";
    c.body.Set(std::move(w));
    auto r = s_->Execute(std::move(c));
    if (!r.ok()) return r.status().WithContext("creating the workspace");
    if (!g_.json) std::cout << "created workspace MavenTech (USD) in " << ResolveDataDir(g_) << "\n";
    return Status::Ok();
  }

  Status Teams() {
    CsvFile f;
    RAPPORT_RETURN_IF_ERROR(ReadCsv(dir_ + "/sales_teams.csv", &report_, &f));
    // Managers first (team leads), then agents.
    std::map<std::string, std::string> manager_office;
    std::map<std::string, uint64_t> manager_line;
    for (const auto& [line, r] : f.rows) {
      manager_office[r.at("manager")] = r.at("regional_office");
      manager_line.emplace(r.at("manager"), line);
    }
    std::vector<std::pair<uint64_t, std::vector<fb::CommandT>>> rows;
    std::vector<std::string> names;
    auto add_user = [&](uint64_t line, const std::string& name, fb::Role role, const std::string& office) {
      fb::CreateUserT u;
      u.name = name;
      u.email = Email(name);
      u.role = role;
      u.title = role == fb::Role::Manager ? "Sales manager, " + office : "Sales agent";
      u.territory = office;
      fb::CommandT c = Cmd({"user", name}, setup_at_);
      c.body.Set(std::move(u));
      std::vector<fb::CommandT> v;
      v.push_back(std::move(c));
      rows.emplace_back(line, std::move(v));
      names.push_back(name);
    };
    for (const auto& [m, office] : manager_office) add_user(manager_line[m], m, fb::Role::Manager, office);
    for (const auto& [line, r] : f.rows) add_user(line, r.at("sales_agent"), fb::Role::Rep, r.at("regional_office"));
    std::vector<std::string> ids;
    RunAll(std::move(rows), &ids);
    for (size_t i = 0; i < names.size(); ++i) {
      if (!ids[i].empty()) users_[names[i]] = ids[i];
    }
    // One team per manager, territory its regional office.
    rows.clear();
    for (const auto& [m, office] : manager_office) {
      if (users_.count(m) == 0) continue;
      fb::CreateTeamT t;
      t.name = office + " (" + m + ")";
      t.manager_id = users_[m];
      t.territory = office;
      for (const auto& [line, r] : f.rows) {
        if (r.at("manager") == m && users_.count(r.at("sales_agent")) != 0) t.member_ids.push_back(users_[r.at("sales_agent")]);
      }
      fb::CommandT c = Cmd({"team", m}, setup_at_);
      c.body.Set(std::move(t));
      std::vector<fb::CommandT> v;
      v.push_back(std::move(c));
      rows.emplace_back(manager_line[m], std::move(v));
    }
    RunAll(std::move(rows));
    return Status::Ok();
  }

  Status Products() {
    CsvFile f;
    RAPPORT_RETURN_IF_ERROR(ReadCsv(dir_ + "/products.csv", &report_, &f));
    std::vector<std::pair<uint64_t, std::vector<fb::CommandT>>> rows;
    std::vector<std::string> names;
    for (const auto& [line, r] : f.rows) {
      auto price = domain::ParseMoney(r.at("sales_price"), "USD", "sales_price");
      if (!price.ok()) {
        report_.Row(RowOutcome{line, price.status().WithContext("products.csv"), 0, 0});
        continue;
      }
      fb::CreateProductT p;
      p.name = r.at("product");
      p.code = r.at("product");
      p.list_price = Usd(price->amount_minor);
      p.description = r.at("series") + " series";
      fb::CommandT c = Cmd({"product", p.name}, setup_at_);
      c.body.Set(std::move(p));
      std::vector<fb::CommandT> v;
      v.push_back(std::move(c));
      rows.emplace_back(line, std::move(v));
      names.push_back(r.at("product"));
      prices_[MatchKey(r.at("product"))] = price->amount_minor;
      product_names_[MatchKey(r.at("product"))] = r.at("product");
    }
    std::vector<std::string> ids;
    RunAll(std::move(rows), &ids);
    for (size_t i = 0; i < names.size(); ++i) {
      if (!ids[i].empty()) products_[MatchKey(names[i])] = ids[i];
    }
    return Status::Ok();
  }

  Status Accounts() {
    // year_established is kept in a custom field.
    {
      fb::CommandT c = Cmd({"field", "company", "year_established"}, setup_at_);
      fb::DefineFieldT d;
      d.record_type = "company";
      d.key = "year_established";
      d.label = "Year established";
      d.kind = fb::FieldKind::Number;
      c.body.Set(std::move(d));
      auto r = s_->Execute(std::move(c));
      if (!r.ok() && r.status().code() != StatusCode::kAlreadyExists) return r.status().WithContext("defining year_established");
    }
    CsvFile f;
    RAPPORT_RETURN_IF_ERROR(ReadCsv(dir_ + "/accounts.csv", &report_, &f));
    // Parents before subsidiaries: two rounds.
    for (int round = 0; round < 2; ++round) {
      std::vector<std::pair<uint64_t, std::vector<fb::CommandT>>> rows;
      std::vector<std::string> names;
      for (const auto& [line, r] : f.rows) {
        bool subsidiary = !r.at("subsidiary_of").empty();
        if (subsidiary != (round == 1)) continue;
        fb::CreateCompanyT c;
        c.name = r.at("account");
        c.industry = Corrected(r.at("sector"), "sector", &report_);
        c.country = Corrected(r.at("office_location"), "office_location", &report_);
        try {
          c.employees = std::stoll(r.at("employees"));
        } catch (...) {
          report_.Row(RowOutcome{line, Status::InvalidArgument("accounts.csv: employees '" + r.at("employees") + "' is not a number"), 0, 0});
          continue;
        }
        // revenue is in USD millions.
        auto rev = domain::ParseMoney(r.at("revenue"), "USD", "revenue");
        if (!rev.ok()) {
          report_.Row(RowOutcome{line, rev.status().WithContext("accounts.csv"), 0, 0});
          continue;
        }
        c.annual_revenue = Usd(rev->amount_minor * 1'000'000);
        if (subsidiary) {
          auto p = companies_.find(r.at("subsidiary_of"));
          if (p == companies_.end()) {
            report_.Row(RowOutcome{line, Status::NotFound("accounts.csv: parent '" + r.at("subsidiary_of") + "' is not an account"), 0, 0});
            continue;
          }
          c.parent_company_id = p->second;
        }
        fb::FieldValueT year;
        year.field = "year_established";
        year.value = std::make_unique<fb::ValueT>(domain::TextValue(r.at("year_established")));
        c.custom.push_back(std::make_unique<fb::FieldValueT>(std::move(year)));
        c.source = "Maven CRM data set";
        fb::CommandT cmd = Cmd({"account", c.name}, setup_at_);
        cmd.body.Set(std::move(c));
        std::vector<fb::CommandT> v;
        v.push_back(std::move(cmd));
        rows.emplace_back(line, std::move(v));
        names.push_back(r.at("account"));
      }
      std::vector<std::string> ids;
      RunAll(std::move(rows), &ids);
      for (size_t i = 0; i < names.size(); ++i) {
        if (!ids[i].empty()) companies_[names[i]] = ids[i];
      }
    }
    return Status::Ok();
  }

  Status Pipeline() {
    fb::CommandT c = Cmd({"pipeline", "Sales"}, setup_at_);
    fb::CreatePipelineT p;
    p.name = "Sales";
    for (auto [id, name, prob] : {std::tuple{"prospecting", "Prospecting", 10}, std::tuple{"engaging", "Engaging", 40}}) {
      auto s = std::make_unique<fb::StageT>();
      s->stage_id = id;
      s->name = name;
      s->probability = prob;
      p.stages.push_back(std::move(s));
    }
    c.body.Set(std::move(p));
    auto r = s_->Execute(std::move(c));
    if (!r.ok()) return r.status().WithContext("creating the Sales pipeline");
    pipeline_ = r->record_id;
    return Status::Ok();
  }

  Status Opportunities() {
    CsvFile f;
    RAPPORT_RETURN_IF_ERROR(ReadCsv(dir_ + "/sales_pipeline.csv", &report_, &f));
    std::vector<std::pair<uint64_t, std::vector<fb::CommandT>>> rows;
    std::map<uint64_t, std::string> stage_by_line;
    for (const auto& [line, r] : f.rows) {
      stage_by_line[line] = r.at("deal_stage");
      auto cmds = Opportunity(r);
      if (!cmds.ok()) {
        report_.Row(RowOutcome{line, cmds.status().WithContext("sales_pipeline.csv"), 0, 0});
        continue;
      }
      rows.emplace_back(line, std::move(*cmds));
    }
    RunAll(std::move(rows), nullptr, nullptr, &stage_by_line);
    return Status::Ok();
  }

  Result<std::vector<fb::CommandT>> Opportunity(const std::map<std::string, std::string>& r) {
    const std::string& id = r.at("opportunity_id");
    const std::string& stage = r.at("deal_stage");
    auto agent = users_.find(r.at("sales_agent"));
    if (agent == users_.end()) return Status::NotFound("sales_agent '" + r.at("sales_agent") + "' is not in sales_teams.csv");
    std::string pkey = MatchKey(r.at("product"));
    auto product = products_.find(pkey);
    if (product == products_.end()) return Status::NotFound("product '" + r.at("product") + "' is not in products.csv");
    if (r.at("product") != product_names_[pkey]) {
      report_.Note("product '" + r.at("product") + "' read as '" + product_names_[pkey] + "'");
    }
    fb::OpenDealT o;
    o.deal_id = id;
    o.pipeline_id = pipeline_;
    o.stage_id = stage == "Prospecting" ? "prospecting" : "engaging";
    o.owner_id = agent->second;
    o.amount = Usd(prices_[pkey]);
    o.source = "Maven CRM data set";
    auto line = std::make_unique<fb::DealLineT>();
    line->product_id = product->second;
    line->quantity = 1;
    line->unit_price = Usd(prices_[pkey]);
    o.lines.push_back(std::move(line));
    const std::string& account = r.at("account");
    if (!account.empty()) {
      auto co = companies_.find(account);
      if (co == companies_.end()) return Status::NotFound("account '" + account + "' is not in accounts.csv");
      o.company_id = co->second;
      o.name = account + " – " + product_names_[pkey];
    } else {
      report_.Note("opportunity without an account kept as a deal without a company");
      o.name = product_names_[pkey] + " (" + id + ")";
    }
    if (stage != "Prospecting" && stage != "Engaging" && stage != "Won" && stage != "Lost") {
      return Status::InvalidArgument("deal_stage '" + stage + "' is not Prospecting, Engaging, Won or Lost");
    }
    Micros engaged = 0;
    if (!r.at("engage_date").empty()) {
      auto t = Day(r.at("engage_date"), "engage_date");
      if (!t.ok()) return t.status();
      engaged = *t;
    } else if (stage != "Prospecting") {
      return Status::InvalidArgument(stage + " opportunity without an engage_date");
    } else {
      report_.Note("Prospecting opportunity without dates opened at import time");
    }
    std::vector<fb::CommandT> out;
    if (stage == "Won" || stage == "Lost") {
      if (r.at("close_date").empty()) return Status::InvalidArgument(stage + " opportunity without a close_date");
      auto closed = Day(r.at("close_date"), "close_date");
      if (!closed.ok()) return closed.status();
      if (*closed < engaged) return Status::InvalidArgument("close_date is before engage_date");
      int32_t close_day = static_cast<int32_t>(*closed / kMicrosPerDay);
      o.expected_close_date = close_day;
      out.push_back(Cmd({"opportunity", id}, engaged));
      out.back().body.Set(std::move(o));
      int64_t value = 0;
      if (!r.at("close_value").empty()) {
        auto v = domain::ParseMoney(r.at("close_value"), "USD", "close_value");
        if (!v.ok()) return v.status();
        value = v->amount_minor;
      }
      if (stage == "Won") {
        fb::WinDealT w;
        w.deal_id = id;
        w.amount = Usd(value);
        w.close_date = close_day;
        out.push_back(Cmd({"opportunity", id, "won"}, *closed));
        out.back().body.Set(std::move(w));
      } else {
        fb::LoseDealT l;
        l.deal_id = id;
        l.reason = "not recorded in the data set";
        report_.Note("Lost opportunity without a loss reason: reason 'not recorded in the data set'");
        l.close_date = close_day;
        out.push_back(Cmd({"opportunity", id, "lost"}, *closed));
        out.back().body.Set(std::move(l));
      }
    } else {
      if (!r.at("close_date").empty()) report_.Note(stage + " opportunity with a close_date: kept open");
      out.push_back(Cmd({"opportunity", id}, engaged));
      out.back().body.Set(std::move(o));
    }
    return out;
  }

  Status RunPhases() {
    for (const char* f : {"sales_teams.csv", "accounts.csv", "products.csv", "sales_pipeline.csv"}) {
      if (!std::filesystem::exists(dir_ + "/" + f)) {
        return Status::NotFound(dir_ + " has no " + f + ": pass the directory of the Maven CRM data set");
      }
    }
    // The workspace, people, products, accounts and pipeline exist from the day before the
    // first engagement, so effective views of the history have them.
    {
      CsvFile f;
      ImportReport scratch(g_, "");
      RAPPORT_RETURN_IF_ERROR(ReadCsv(dir_ + "/sales_pipeline.csv", &scratch, &f));
      Micros first = 0;
      for (const auto& [line, r] : f.rows) {
        auto t = Day(r.at("engage_date"), "engage_date");
        if (t.ok() && (first == 0 || *t < first)) first = *t;
      }
      setup_at_ = first == 0 ? 0 : first - kMicrosPerDay;
    }
    RAPPORT_RETURN_IF_ERROR(Workspace());
    RAPPORT_RETURN_IF_ERROR(Teams());
    RAPPORT_RETURN_IF_ERROR(Products());
    RAPPORT_RETURN_IF_ERROR(Accounts());
    RAPPORT_RETURN_IF_ERROR(Pipeline());
    return Opportunities();
  }

  const GlobalOptions& g_;
  Session* s_;
  std::string dir_;
  int threads_;
  ImportReport report_;
  std::string pipeline_;
  Micros setup_at_ = 0;  // occurred_at of the records the opportunities need
  std::map<std::string, uint64_t> deals_;             // opportunities imported, by final stage
  std::map<std::string, std::string> users_;          // name -> id
  std::map<std::string, std::string> companies_;      // account -> id
  std::map<std::string, std::string> products_;       // MatchKey(name) -> id
  std::map<std::string, int64_t> prices_;             // MatchKey(name) -> cents
  std::map<std::string, std::string> product_names_;  // MatchKey(name) -> name
};

struct MavenArgs {
  std::string dir;
  int threads = 8;
};

}  // namespace

void SetupMavenImport(CLI::App* import, const GlobalOptions* g, int* exit_code) {
  static MavenArgs args;
  CLI::App* cmd = import->add_subcommand("maven", "Import the Maven Analytics CRM data set (a directory of its CSV files)");
  cmd->add_option("dir", args.dir, "Directory holding sales_teams.csv, accounts.csv, products.csv, sales_pipeline.csv")
      ->required();
  cmd->add_option("--threads", args.threads, "Rows in flight (default 8)");
  cmd->callback([g, exit_code] {
    std::unique_ptr<Session> session;
    Status s = OpenSession(*g, true, true, &session);
    if (!s.ok()) {
      *exit_code = ReportError(*g, s);
      return;
    }
    MavenImport m(*g, session.get(), args.dir, args.threads);
    *exit_code = m.Run();
  });
}

}  // namespace rapport::cli
