#include "cli/record_printing.h"

#include <deque>
#include <iostream>

#include "cli/display_names.h"
#include "cli/session.h"
#include "cli/table.h"
#include "cli/view_context.h"
#include "domain/money.h"
#include "domain/value.h"
#include "events/clock.h"

namespace rapport::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string PastTense(const std::string& verb) {
  if (verb == "add") return "added";
  if (verb == "update") return "updated";
  if (verb == "delete") return "deleted";
  if (verb == "merge") return "merged";
  if (verb == "done") return "completed";
  if (verb == "win") return "won";
  if (verb == "lose") return "lost";
  if (verb == "move") return "moved";
  if (verb == "reopen") return "reopened";
  if (verb == "email" || verb == "call" || verb == "meeting" || verb == "note" || verb == "form") {
    return "logged " + verb + ":";
  }
  return verb + ":";
}

std::string Cell(const domain::RecordState& r, const std::string& field, const DisplayNames& names) {
  std::string text = domain::FormatValue(r.Get(field));
  return HoldsUserId(field) ? names.Label(text) : text;
}

// The columns `list` shows for a record type (the id comes first).
std::vector<std::pair<std::string, std::string>> ListColumns(const std::string& type) {
  if (type == "contact") return {{"name", "NAME"}, {"emails", "EMAIL"}, {"company_id", "COMPANY"},
                                 {"owner_id", "OWNER"}, {"lifecycle", "LIFECYCLE"}};
  if (type == "company") return {{"name", "NAME"}, {"domain", "DOMAIN"}, {"industry", "INDUSTRY"},
                                 {"country", "COUNTRY"}, {"owner_id", "OWNER"}};
  if (type == "deal") return {{"name", "NAME"}, {"pipeline_id", "PIPELINE"}, {"stage_id", "STAGE"},
                              {"status", "STATUS"}, {"amount", "AMOUNT"}, {"expected_close_date", "CLOSE"},
                              {"owner_id", "OWNER"}};
  if (type == "task") return {{"title", "TITLE"}, {"due", "DUE"}, {"assignee_id", "ASSIGNEE"},
                              {"status", "STATUS"}, {"priority", "PRIORITY"}};
  if (type == "ticket") return {{"subject", "SUBJECT"}, {"priority", "PRIORITY"}, {"status", "STATUS"},
                                {"assignee_id", "ASSIGNEE"}, {"company_id", "COMPANY"}};
  if (type == "user") return {{"name", "NAME"}, {"email", "EMAIL"}, {"role", "ROLE"}, {"territory", "TERRITORY"},
                              {"active", "ACTIVE"}};
  if (type == "team") return {{"name", "NAME"}, {"manager_id", "MANAGER"}, {"territory", "TERRITORY"},
                              {"members", "MEMBERS"}};
  if (type == "pipeline") return {{"name", "NAME"}, {"stages", "STAGES"}, {"archived", "ARCHIVED"}};
  if (type == "product") return {{"name", "NAME"}, {"code", "CODE"}, {"list_price", "LIST PRICE"},
                                 {"retired", "RETIRED"}};
  if (type == "contract") return {{"deal_id", "DEAL"}, {"start_date", "START"}, {"renewal_date", "RENEWAL"},
                                  {"amount", "AMOUNT"}, {"status", "STATUS"}};
  if (type == "activity") return {{"kind", "KIND"}, {"author_id", "AUTHOR"}, {"summary", "SUMMARY"}};
  if (type == "field") return {{"record_type", "RECORD"}, {"key", "KEY"}, {"kind", "KIND"}, {"label", "LABEL"}};
  return {{"name", "NAME"}};
}

std::string ListCell(const domain::RecordState& r, const std::string& col, const DisplayNames& names) {
  if (col == "name" && r.type == "contact") {
    std::string n = r.Text("first_name");
    if (!r.Text("last_name").empty()) n += (n.empty() ? "" : " ") + r.Text("last_name");
    return n;
  }
  if (col == "emails") {
    const auto& l = r.List("emails");
    return l.empty() ? "" : l.front() + (l.size() > 1 ? " (+" + std::to_string(l.size() - 1) + ")" : "");
  }
  if (col == "members") return std::to_string(r.members.size());
  if (col == "stages") {
    std::string s;
    for (const auto& st : r.stages) s += (s.empty() ? "" : " › ") + st.name;
    return s;
  }
  if (col == "summary") {
    for (const char* f : {"subject", "title", "body", "notes", "form_name"}) {
      if (!r.Text(f).empty()) return r.Text(f);
    }
    return "";
  }
  return Cell(r, col, names);
}

bool Matches(const domain::RecordState& r, const std::vector<std::pair<std::string, std::string>>& where) {
  for (const auto& [field, want] : where) {
    const domain::Value& v = r.Get(field);
    if (v.kind == fb::ValueKind::List) {
      bool any = false;
      for (const auto& item : v.list) any = any || item == want;
      if (!any) return false;
    } else if (domain::FormatValue(v) != want && v.text != want) {
      return false;
    }
  }
  return true;
}

struct ShowArgs {
  std::string id;
};

int RunShow(const GlobalOptions& g, const std::string& type, const ShowArgs& a) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  std::string id = a.id;
  if (type == "workspace" && id.empty()) id = std::string(domain::kWorkspaceId);
  if (id.empty()) return ReportError(g, Status::InvalidArgument("show: which " + type + "? Pass its id"));
  auto r = session->Get(type, id);
  if (!r.ok()) return ReportError(g, r.status());
  if (!r->created) {
    return ReportError(g, Status::NotFound(type + " " + id + " does not exist (list them with `rapport " +
                                           type + " list`)"));
  }
  if (g.json) {
    PrintJson(RecordToJson(*r));
    return kExitOk;
  }
  DisplayNames names(session->directory());
  Table t({{"FIELD"}, {"VALUE", Table::Align::kLeft, 80}});
  t.AddRow({"id", type + " " + r->id});
  std::string state = r->deleted ? "deleted" : !r->merged_into.empty() ? "merged into " + r->merged_into : "live";
  t.AddRow({"state", state});
  t.AddRow({"version", std::to_string(r->version)});
  t.AddRow({"created", FormatIso8601(r->created_at_us) + " by " + names.Label(r->created_by)});
  t.AddRow({"updated", FormatIso8601(r->updated_at_us)});
  for (const auto& [field, v] : r->fields) {
    t.AddRow({field, HoldsUserId(field) ? names.Label(domain::FormatValue(v)) : domain::FormatValue(v)});
  }
  for (size_t i = 0; i < r->stages.size(); ++i) {
    const auto& st = r->stages[i];
    t.AddRow({"stage " + std::to_string(i + 1), st.id + ": " + st.name + " (" + std::to_string(st.probability) + "%)"});
  }
  for (const auto& m : r->members) t.AddRow({"member", names.Label(m)});
  for (const auto& l : r->lines) {
    std::string price = l.unit_price ? domain::FormatMoney(l.unit_price->amount_minor, l.unit_price->currency) : "";
    t.AddRow({"line", l.product_id + " × " + std::to_string(l.quantity) + (price.empty() ? "" : " at " + price)});
  }
  t.Print(std::cout);
  std::cout << "History: rapport history " << type << "/" << r->id << "\n";
  return kExitOk;
}

struct ListArgs {
  std::vector<std::string> where;
  size_t limit = 50;
  std::string after;
  bool all = false;
};

int RunList(const GlobalOptions& g, const std::string& type, const ListArgs& a) {
  std::unique_ptr<Session> session;
  Status s = OpenSession(g, false, false, &session);
  if (!s.ok()) return ReportError(g, s);
  std::vector<std::pair<std::string, std::string>> where;
  for (const auto& w : a.where) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) {
      return ReportError(g, Status::InvalidArgument("--where: '" + w + "' is not FIELD=VALUE (e.g. owner_id=U-3)"));
    }
    where.emplace_back(w.substr(0, eq), w.substr(eq + 1));
  }
  std::vector<domain::RecordState> rows;
  std::string cursor = a.after, next;
  bool more = false;
  while (!more) {
    auto ids = session->ListIds(type, cursor, 1000);
    if (!ids.ok()) return ReportError(g, ids.status());
    if (ids->empty()) break;
    for (const std::string& id : *ids) {
      cursor = id;
      auto r = session->Get(type, id);
      if (!r.ok()) return ReportError(g, r.status());
      if (!r->created || (!a.all && !r->live()) || !Matches(*r, where)) continue;
      if (rows.size() == a.limit) {
        more = true;
        break;
      }
      next = id;
      rows.push_back(std::move(*r));
    }
  }
  if (g.json) {
    Json j;
    j["type"] = type;
    Json items = Json::array();
    for (const auto& r : rows) items.push_back(RecordToJson(r));
    j["items"] = items;
    j["next_after"] = more ? Json(next) : Json(nullptr);
    PrintJson(j);
    return kExitOk;
  }
  auto cols = ListColumns(type);
  DisplayNames names(session->directory());
  std::vector<Table::Column> header{{"ID"}};
  for (const auto& [field, h] : cols) {
    bool right = field == "amount" || field == "list_price" || field == "members";
    header.push_back({h, right ? Table::Align::kRight : Table::Align::kLeft, 40});
  }
  Table t(header);
  for (const auto& r : rows) {
    std::vector<std::string> cells{r.id};
    for (const auto& [field, h] : cols) cells.push_back(ListCell(r, field, names));
    t.AddRow(std::move(cells));
  }
  if (rows.empty()) {
    std::cout << "No " << type << " records" << (where.empty() ? "" : " match") << ".\n";
  } else {
    t.Print(std::cout);
  }
  if (more) std::cout << "More: rapport " << type << " list --after " << next << "\n";
  return kExitOk;
}

}  // namespace

Json ValueToJson(const domain::Value& v) {
  switch (v.kind) {
    case fb::ValueKind::Null: return nullptr;
    case fb::ValueKind::Text: case fb::ValueKind::Choice: case fb::ValueKind::Ref: return v.text;
    case fb::ValueKind::Number:
      if (v.scale == 0) return v.int_value;
      return domain::FormatValue(v);
    case fb::ValueKind::Money:
      return Json{{"amount", domain::FormatMoney(v.int_value, v.currency)}, {"amount_minor", v.int_value},
                  {"currency", v.currency}};
    case fb::ValueKind::Date: return domain::FormatValue(v);
    case fb::ValueKind::Bool: return v.int_value != 0;
    case fb::ValueKind::List: return v.list;
    case fb::ValueKind::Instant: return FormatIso8601(v.int_value);
  }
  return domain::FormatValue(v);
}

Json RecordToJson(const domain::RecordState& r) {
  Json j;
  j["type"] = r.type;
  j["id"] = r.id;
  j["version"] = r.version;
  j["state"] = r.deleted ? "deleted" : !r.merged_into.empty() ? "merged" : "live";
  if (!r.merged_into.empty()) j["merged_into"] = r.merged_into;
  j["created_at"] = FormatIso8601(r.created_at_us);
  j["created_by"] = r.created_by;
  j["updated_at"] = FormatIso8601(r.updated_at_us);
  Json fields = Json::object();
  for (const auto& [f, v] : r.fields) fields[f] = ValueToJson(v);
  j["fields"] = fields;
  if (!r.stages.empty()) {
    Json st = Json::array();
    for (const auto& s : r.stages) st.push_back({{"stage_id", s.id}, {"name", s.name}, {"probability", s.probability}});
    j["stages"] = st;
  }
  if (!r.members.empty()) j["members"] = r.members;
  if (!r.lines.empty()) {
    Json ls = Json::array();
    for (const auto& l : r.lines) {
      Json x{{"product_id", l.product_id}, {"quantity", l.quantity}};
      if (l.unit_price) x["unit_price"] = ValueToJson(domain::MoneyValue(l.unit_price->amount_minor, l.unit_price->currency));
      ls.push_back(x);
    }
    j["lines"] = ls;
  }
  return j;
}

void PrintCommandResult(const GlobalOptions& g, const std::string& record, const std::string& verb,
                        const fb::CommandResultT& r) {
  if (g.json) {
    Json j;
    j["code"] = "ok";
    j["record_type"] = r.record_type;
    j["record_id"] = r.record_id;
    j["version"] = r.version;
    j["first_position"] = r.first_position;
    j["last_position"] = r.last_position;
    j["duplicate"] = r.duplicate;
    j["command_id"] = r.command_id;
    std::cout << j.dump() << std::endl;
    return;
  }
  std::string type = r.record_type.empty() ? record : r.record_type;
  std::cout << PastTense(verb) << " " << type << " " << r.record_id;
  if (r.duplicate) {
    std::cout << " (already done by command " << r.command_id << ": nothing new written)";
  } else if (r.first_position == 0) {
    std::cout << " (no change)";
  } else {
    std::cout << " (version " << r.version << "; log position " << r.first_position;
    if (r.last_position != r.first_position) std::cout << "–" << r.last_position;
    std::cout << ")";
  }
  std::cout << std::endl;
}

void AddShowAndList(CLI::App* rec, const std::string& record, const GlobalOptions* g, int* exit_code) {
  static std::deque<ShowArgs> shows;
  static std::deque<ListArgs> lists;
  ShowArgs& sa = shows.emplace_back();
  CLI::App* show = rec->add_subcommand("show", "Show a " + record + " with every field");
  auto* id = show->add_option("id", sa.id, "The " + record + "'s id");
  if (record != "workspace") id->required();
  show->callback([g, exit_code, record, &sa] { *exit_code = RunShow(*g, record, sa); });
  if (record == "workspace") return;
  ListArgs& la = lists.emplace_back();
  CLI::App* list = rec->add_subcommand("list", "List " + record + " records");
  list->add_option("--where", la.where, "Only records whose FIELD equals VALUE (repeatable), e.g. owner_id=U-3");
  list->add_option("--limit", la.limit, "At most this many (default 50)");
  list->add_option("--after", la.after, "Start after this id (paging: the 'More:' line gives it)");
  list->add_flag("--all", la.all, "Include deleted and merged records");
  list->callback([g, exit_code, record, &la] { *exit_code = RunList(*g, record, la); });
}

}  // namespace rapport::cli
