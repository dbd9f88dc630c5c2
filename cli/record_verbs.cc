#include "cli/record_verbs.h"

#include <deque>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/record_verb_specs.h"
#include "cli/record_printing.h"
#include "cli/session.h"
#include "domain/money.h"
#include "domain/value.h"
#include "events/clock.h"
#include "events/command_json.h"

namespace rapport::cli {
namespace {

using Json = nlohmann::ordered_json;

// What the user typed for one verb; lives as long as the CLI11 app.
struct VerbArgs {
  const VerbSpec* spec = nullptr;
  std::string id;
  std::map<std::string, std::string> text;                // by flag name
  std::map<std::string, std::vector<std::string>> lists;  // by flag name
  std::map<std::string, bool> flags;                      // kBool, by flag name
  std::string occurred, command_id;
  std::vector<std::string> contacts, companies, deals, tickets;  // links
};

std::string LongName(const std::string& name) {
  auto comma = name.find(',');
  return comma == std::string::npos ? name : name.substr(comma + 1);
}

std::string Normalise(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string SnakeCase(const std::string& id) {
  std::string out;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i > 0) out += '_';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> EnumValue(const FlagSpec& f, const std::string& text) {
  std::vector<std::string> ids = events::EnumIdentifiers(f.enum_name);
  std::string names;
  for (const auto& id : ids) {
    if (Normalise(id) == Normalise(text) && id != "Unspecified") return id;
    if (id == "Unspecified") continue;
    names += (names.empty() ? "" : ", ") + SnakeCase(id);
  }
  return Status::InvalidArgument(LongName(f.name) + ": '" + text + "' is not one of " + names);
}

Result<std::pair<std::string, std::string>> KeyValue(const FlagSpec& f, const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument(LongName(f.name) + ": '" + text + "' is not KEY=VALUE");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

Result<Json> StageJson(const FlagSpec& f, const std::string& text) {
  // ID:Name:Probability
  auto a = text.find(':');
  auto b = a == std::string::npos ? std::string::npos : text.find(':', a + 1);
  if (a == std::string::npos || b == std::string::npos) {
    return Status::InvalidArgument(LongName(f.name) + ": '" + text +
                                   "' is not ID:Name:Probability (e.g. qualify:Qualify:20)");
  }
  Json s;
  s["stage_id"] = text.substr(0, a);
  s["name"] = text.substr(a + 1, b - a - 1);
  try {
    size_t used = 0;
    std::string p = text.substr(b + 1);
    s["probability"] = std::stoi(p, &used);
    if (used != p.size()) throw std::invalid_argument(p);
  } catch (...) {
    return Status::InvalidArgument(LongName(f.name) + ": probability in '" + text + "' is not a whole number");
  }
  return s;
}

Json MoneyJson(const domain::MoneyAmount& m) {
  return Json{{"amount_minor", m.amount_minor}, {"currency", m.currency}};
}

Result<Json> LineJson(const FlagSpec& f, const std::string& text, const std::string& ccy) {
  // PRODUCT:QUANTITY[:UNIT PRICE]
  auto a = text.find(':');
  if (a == std::string::npos) {
    return Status::InvalidArgument(LongName(f.name) + ": '" + text +
                                   "' is not PRODUCT:QUANTITY[:UNIT PRICE] (e.g. P-1:3:1200 EUR)");
  }
  auto b = text.find(':', a + 1);
  Json l;
  l["product_id"] = text.substr(0, a);
  std::string qty = text.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  try {
    size_t used = 0;
    l["quantity"] = std::stoll(qty, &used);
    if (used != qty.size()) throw std::invalid_argument(qty);
  } catch (...) {
    return Status::InvalidArgument(LongName(f.name) + ": quantity '" + qty + "' is not a whole number");
  }
  if (b != std::string::npos) {
    auto m = domain::ParseMoney(text.substr(b + 1), ccy, LongName(f.name));
    if (!m.ok()) return m.status();
    l["unit_price"] = MoneyJson(*m);
  }
  return l;
}

Result<int64_t> ParseWhole(const std::string& flag, const std::string& text) {
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return static_cast<int64_t>(v);
  } catch (...) {
    return Status::InvalidArgument(flag + ": '" + text + "' is not a whole number");
  }
}

Result<int64_t> ParseDecimal9(const std::string& flag, const std::string& text) {
  auto v = domain::ParseValue(fb::ValueKind::Number, text, flag, "");
  if (!v.ok()) return v.status();
  int64_t units = v->int_value;
  for (int s = v->scale; s < 9; ++s) units *= 10;
  for (int s = v->scale; s > 9; --s) units /= 10;
  return units;
}

// Converts the flags of one verb into the command's JSON body.
Status FillBody(const VerbArgs& a, const std::string& home_ccy, Json* body) {
  const VerbSpec& spec = *a.spec;
  for (const auto& [k, val] : spec.fixed) (*body)[k] = val;
  if (!spec.id_field.empty() && !a.id.empty()) (*body)[spec.id_field] = a.id;
  for (const FlagSpec& f : spec.flags) {
    const std::string flag = LongName(f.name);
    switch (f.kind) {
      case ArgKind::kBool: {
        auto it = a.flags.find(f.name);
        if (it != a.flags.end() && it->second) (*body)[f.field] = true;
        continue;
      }
      case ArgKind::kList: case ArgKind::kStages: case ArgKind::kLines: case ArgKind::kCustom:
      case ArgKind::kKeyValues: {
        auto it = a.lists.find(f.name);
        if (it == a.lists.end() || it->second.empty()) {
          if (f.required) return Status::InvalidArgument(flag + " is required");
          continue;
        }
        Json arr = Json::array();
        for (const std::string& item : it->second) {
          if (f.kind == ArgKind::kList) {
            arr.push_back(item);
          } else if (f.kind == ArgKind::kStages) {
            auto s = StageJson(f, item);
            if (!s.ok()) return s.status();
            arr.push_back(*s);
          } else if (f.kind == ArgKind::kLines) {
            auto l = LineJson(f, item, home_ccy);
            if (!l.ok()) return l.status();
            arr.push_back(*l);
          } else {
            auto kv = KeyValue(f, item);
            if (!kv.ok()) return kv.status();
            if (f.kind == ArgKind::kKeyValues) {
              arr.push_back(Json{{"key", kv->first}, {"value", kv->second}});
            } else {
              // Text; the domain converts it to the field's type.
              arr.push_back(Json{{"field", kv->first}, {"value", {{"kind", "Text"}, {"text", kv->second}}}});
            }
          }
        }
        (*body)[f.field] = arr;
        continue;
      }
      default:
        break;
    }
    auto it = a.text.find(f.name);
    if (it == a.text.end() || it->second.empty()) {
      if (f.required) return Status::InvalidArgument(flag + " is required");
      continue;
    }
    const std::string& t = it->second;
    switch (f.kind) {
      case ArgKind::kText: (*body)[f.field] = t; break;
      case ArgKind::kInt: {
        auto v = ParseWhole(flag, t);
        if (!v.ok()) return v.status();
        (*body)[f.field] = *v;
        break;
      }
      case ArgKind::kDecimal9: {
        auto v = ParseDecimal9(flag, t);
        if (!v.ok()) return v.status();
        (*body)[f.field] = *v;
        break;
      }
      case ArgKind::kMoney: {
        auto m = domain::ParseMoney(t, home_ccy, flag);
        if (!m.ok()) return m.status();
        (*body)[f.field] = MoneyJson(*m);
        break;
      }
      case ArgKind::kDate: {
        auto d = domain::ParseDate(t, flag);
        if (!d.ok()) return d.status();
        (*body)[f.field] = *d;
        break;
      }
      case ArgKind::kInstant: {
        auto i = ParseIso8601(t);
        if (!i.ok()) return Status::InvalidArgument(flag + ": " + i.status().message());
        (*body)[f.field] = *i;
        break;
      }
      case ArgKind::kEnum: {
        auto e = EnumValue(f, t);
        if (!e.ok()) return e.status();
        (*body)[f.field] = *e;
        break;
      }
      case ArgKind::kStage: {
        auto s = StageJson(f, t);
        if (!s.ok()) return s.status();
        (*body)[f.field] = *s;
        break;
      }
      default:
        break;
    }
  }
  if (spec.links) {
    Json links = Json::object();
    if (!a.contacts.empty()) links["contact_ids"] = a.contacts;
    if (!a.companies.empty()) links["company_ids"] = a.companies;
    if (!a.deals.empty()) links["deal_ids"] = a.deals;
    if (!a.tickets.empty()) links["ticket_ids"] = a.tickets;
    if (!links.empty()) (*body)["links"] = links;
  }
  return Status::Ok();
}

Result<fb::CommandT> BuildCommand(const VerbArgs& a, const std::string& home_ccy) {
  Json body = Json::object();
  RAPPORT_RETURN_IF_ERROR(FillBody(a, home_ccy, &body));
  Json cmd;
  if (!a.command_id.empty()) cmd["command_id"] = a.command_id;
  if (!a.occurred.empty()) {
    auto t = ParseIso8601(a.occurred);
    if (!t.ok()) return Status::InvalidArgument("--occurred: " + t.status().message());
    cmd["occurred_at_us"] = *t;
  }
  cmd["body_type"] = a.spec->command;
  cmd["body"] = body;
  return events::CommandFromJson(cmd.dump());
}

int RunVerb(const GlobalOptions& g, const VerbArgs& a) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  auto cmd = BuildCommand(a, session->directory().home_currency());
  if (!cmd.ok()) return ReportError(g, cmd.status().WithContext(a.spec->record + " " + a.spec->verb));
  auto r = session->Execute(std::move(*cmd));
  if (!r.ok()) return ReportError(g, r.status());
  PrintCommandResult(g, a.spec->record, a.spec->verb, *r);
  return kExitOk;
}

void AddVerb(CLI::App* parent, const VerbSpec& spec, const GlobalOptions* g, int* exit_code,
             std::deque<VerbArgs>* store) {
  VerbArgs& a = store->emplace_back();
  a.spec = &spec;
  CLI::App* cmd = parent->add_subcommand(spec.verb, spec.help);
  if (!spec.id_field.empty()) {
    if (spec.creates) {
      cmd->add_option("--id", a.id, "Id of the new " + spec.record + " (default: allocated)");
    } else {
      cmd->add_option("id", a.id, "The " + spec.record + "'s id")->required();
    }
  }
  for (const FlagSpec& f : spec.flags) {
    std::string help = f.help + (f.required ? " (required)" : "");
    switch (f.kind) {
      case ArgKind::kBool:
        cmd->add_flag(f.name, a.flags[f.name], help);
        break;
      case ArgKind::kList:
        cmd->add_option(f.name, a.lists[f.name], help)->delimiter(',');
        break;
      case ArgKind::kStages: case ArgKind::kLines: case ArgKind::kCustom: case ArgKind::kKeyValues:
        cmd->add_option(f.name, a.lists[f.name], help);
        break;
      default:
        cmd->add_option(f.name, a.text[f.name], help);
        break;
    }
  }
  if (spec.links) {
    cmd->add_option("--contact", a.contacts, "About this contact (repeatable)")->delimiter(',');
    cmd->add_option("--company", a.companies, "About this company (repeatable)")->delimiter(',');
    cmd->add_option("--deal", a.deals, "About this deal (repeatable)")->delimiter(',');
    cmd->add_option("--ticket", a.tickets, "About this ticket (repeatable)")->delimiter(',');
  }
  cmd->add_option("--occurred", a.occurred,
                  "When it happened, if not now (ISO 8601): a call made last week, a backdated change");
  cmd->add_option("--command-id", a.command_id,
                  "Idempotency key: a retry with the same id changes nothing");
  cmd->callback([g, exit_code, &a] { *exit_code = RunVerb(*g, a); });
}

}  // namespace

void SetupRecordCommands(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static std::deque<VerbArgs> store;
  for (const std::string& record : RecordTypes()) {
    CLI::App* rec = app->add_subcommand(record, RecordHelp(record));
    rec->require_subcommand(1);
    for (const VerbSpec& spec : RecordVerbs()) {
      if (spec.record == record) AddVerb(rec, spec, g, exit_code, &store);
    }
    AddShowAndList(rec, record, g, exit_code);
  }
}

namespace {

struct ExecArgs {
  std::string file = "-";
  bool keep_going = false;
};

int RunExec(const GlobalOptions& g, const ExecArgs& a) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.file != "-") {
    file.open(a.file);
    if (!file) return ReportError(g, Status::NotFound("cannot open " + a.file));
    in = &file;
  }
  std::string line;
  int line_no = 0, failed = 0, worst = kExitOk;
  while (std::getline(*in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto cmd = events::CommandFromJson(line);
    Result<fb::CommandResultT> r = cmd.ok() ? session->Execute(std::move(*cmd))
                                            : Result<fb::CommandResultT>(cmd.status());
    Json j;
    j["line"] = line_no;
    if (r.ok()) {
      j["code"] = "ok";
      j["record_type"] = r->record_type;
      j["record_id"] = r->record_id;
      j["version"] = r->version;
      j["first_position"] = r->first_position;
      j["last_position"] = r->last_position;
      j["duplicate"] = r->duplicate;
      j["command_id"] = r->command_id;
    } else {
      ++failed;
      worst = ExitCodeFor(r.status());
      j["code"] = std::string(StatusCodeName(r.status().code()));
      j["message"] = r.status().message();
    }
    if (g.json) {
      std::cout << j.dump() << "\n";
    } else if (r.ok()) {
      std::cout << "line " << line_no << ": ok " << r->record_type << " " << r->record_id << " v"
                << r->version << (r->duplicate ? " (already done)" : "") << "\n";
    } else {
      std::cout << "line " << line_no << ": " << StatusCodeName(r.status().code()) << ": "
                << r.status().message() << "\n";
    }
    if (!r.ok() && !a.keep_going) break;
  }
  std::cout.flush();
  if (failed > 0 && !g.json) std::cerr << "rapport: exec: " << failed << " command(s) failed\n";
  return worst;
}

}  // namespace

void SetupExecCommand(CLI::App* app, const GlobalOptions* g, int* exit_code) {
  static ExecArgs args;
  CLI::App* cmd = app->add_subcommand(
      "exec", "Run commands given as JSON Lines (see docs/cli.md), one result a line");
  cmd->add_option("file", args.file, "File of commands, - for standard input (default)");
  cmd->add_flag("--keep-going", args.keep_going, "Go on after a failed command");
  cmd->callback([g, exit_code] { *exit_code = RunExec(*g, args); });
}

}  // namespace rapport::cli
