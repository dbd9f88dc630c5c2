#include "cli/record_verb_specs.h"

namespace rapport::cli {
namespace {

using K = ArgKind;

FlagSpec F(std::string name, std::string field, K kind, std::string help, bool required = false) {
  return FlagSpec{std::move(name), std::move(field), kind, std::move(help), "", required};
}
FlagSpec E(std::string name, std::string field, std::string enum_name, std::string help,
           bool required = false) {
  return FlagSpec{std::move(name), std::move(field), K::kEnum, std::move(help), std::move(enum_name), required};
}

std::vector<VerbSpec> Build() {
  std::vector<VerbSpec> v;
  auto update = [&](const std::string& record) {
    v.push_back({record, "update", "UpdateRecord",
                 "Set or clear fields of a " + record + " (--set title=CTO --unset phones)",
                 "record_id", false,
                 {F("--set", "set", K::kCustom, "FIELD=VALUE to set (repeatable); custom fields as custom.KEY"),
                  F("--unset", "unset", K::kList, "FIELD to clear (repeatable)"),
                  F("--if-version", "expected_version", K::kInt, "Only if the record is still at this version")},
                 {{"record_type", record}}});
  };
  auto del = [&](const std::string& record) {
    v.push_back({record, "delete", "DeleteRecord", "Delete a " + record + " (its history stays in the log)",
                 "record_id", false, {F("--reason", "reason", K::kText, "Why")}, {{"record_type", record}}});
  };
  auto merge = [&](const std::string& record) {
    v.push_back({record, "merge", "MergeRecords",
                 "Fold a duplicate " + record + " into another (both histories stay)", "merged_id", false,
                 {F("--into", "survivor_id", K::kText, "The " + record + " that remains", true)},
                 {{"record_type", record}}});
  };

  // Workspace
  v.push_back({"workspace", "rate", "SetExchangeRate", "Set an exchange rate into the home currency", "",
               false,
               {F("--currency", "currency", K::kText, "ISO 4217 code, e.g. USD", true),
                F("--rate", "rate_e9", K::kDecimal9, "Home-currency units per unit, e.g. 0.92", true),
                F("--from", "effective_date", K::kDate, "First day the rate applies (ISO date)", true)}});

  // Users and teams
  v.push_back({"user", "add", "CreateUser", "Add a user", "user_id", true,
               {F("--name", "name", K::kText, "Full name", true), F("--email", "email", K::kText, "Email", true),
                E("--role", "role", "Role", "admin, manager, rep or analyst", true),
                F("--title", "title", K::kText, "Job title"), F("--territory", "territory", K::kText, "Territory")}});
  update("user");
  v.push_back({"user", "role", "ChangeUserRole", "Change a user's role", "user_id", false,
               {E("--role", "role", "Role", "admin, manager, rep or analyst", true)}});
  v.push_back({"user", "deactivate", "DeactivateUser", "Deactivate a user (history stays)", "user_id", false,
               {F("--reason", "reason", K::kText, "Why")}});
  v.push_back({"user", "reactivate", "ReactivateUser", "Reactivate a user", "user_id", false, {}});

  v.push_back({"team", "add", "CreateTeam", "Add a team", "team_id", true,
               {F("--name", "name", K::kText, "Team name", true), F("--manager", "manager_id", K::kText, "Manager (user id)"),
                F("--territory", "territory", K::kText, "Territory"),
                F("--member", "member_ids", K::kList, "Member user id (repeatable)")}});
  update("team");
  v.push_back({"team", "add-member", "AddTeamMember", "Add a user to a team", "team_id", false,
               {F("--user", "user_id", K::kText, "User id", true)}});
  v.push_back({"team", "remove-member", "RemoveTeamMember", "Remove a user from a team", "team_id", false,
               {F("--user", "user_id", K::kText, "User id", true)}});
  v.push_back({"team", "manager", "ChangeTeamManager", "Change a team's manager", "team_id", false,
               {F("--manager", "manager_id", K::kText, "Manager (user id)", true)}});

  // Companies and contacts
  v.push_back({"company", "add", "CreateCompany", "Add a company", "company_id", true,
               {F("--name", "name", K::kText, "Company name", true), F("--domain", "domain", K::kText, "Web domain"),
                F("--industry", "industry", K::kText, "Industry"), F("--employees", "employees", K::kInt, "Employees"),
                F("--revenue", "annual_revenue", K::kMoney, "Annual revenue, e.g. '12000000 USD'"),
                F("--city", "city", K::kText, "City"), F("--country", "country", K::kText, "Country"),
                F("--region", "region", K::kText, "Region"),
                F("--parent", "parent_company_id", K::kText, "Parent company id"),
                F("--owner", "owner_id", K::kText, "Owner (user id)"), F("--source", "source", K::kText, "Lead source"),
                F("--tag", "tags", K::kList, "Tag (repeatable)"),
                F("--field", "custom", K::kCustom, "Custom field KEY=VALUE (repeatable)")}});
  update("company");
  merge("company");
  del("company");

  v.push_back({"contact", "add", "CreateContact", "Add a contact", "contact_id", true,
               {F("--first", "first_name", K::kText, "First name"), F("--last", "last_name", K::kText, "Last name"),
                F("--email", "emails", K::kList, "Email (repeatable)"), F("--phone", "phones", K::kList, "Phone (repeatable)"),
                F("--title", "title", K::kText, "Job title"), F("--company", "company_id", K::kText, "Company id"),
                F("--owner", "owner_id", K::kText, "Owner (user id)"), F("--source", "source", K::kText, "Lead source"),
                E("--lifecycle", "lifecycle", "Lifecycle", "subscriber, lead, marketing_qualified, ..."),
                F("--tag", "tags", K::kList, "Tag (repeatable)"),
                F("--field", "custom", K::kCustom, "Custom field KEY=VALUE (repeatable)"),
                F("--email-opt-out", "email_opt_out", K::kBool, "Do not email"),
                F("--phone-opt-out", "phone_opt_out", K::kBool, "Do not call")}});
  update("contact");
  v.push_back({"contact", "lifecycle", "ChangeLifecycle", "Move a contact to a lifecycle stage", "contact_id", false,
               {E("--stage", "stage", "Lifecycle", "subscriber, lead, marketing_qualified, sales_qualified, "
                                                   "opportunity, customer, churned", true),
                F("--reason", "reason", K::kText, "Why")}});
  v.push_back({"contact", "consent", "SetConsent", "Record an opt-out or opt-in", "contact_id", false,
               {E("--channel", "channel", "ConsentChannel", "email or phone", true),
                F("--opt-out", "opted_out", K::kBool, "Opted out (omit to record an opt-in)"),
                F("--source", "source", K::kText, "Where the consent came from")}});
  merge("contact");
  del("contact");

  // Products, custom fields
  v.push_back({"product", "add", "CreateProduct", "Add a product", "product_id", true,
               {F("--name", "name", K::kText, "Product name", true), F("--code", "code", K::kText, "Product code (SKU)"),
                F("--price", "list_price", K::kMoney, "List price, e.g. '1200 EUR'"),
                F("--description", "description", K::kText, "Description")}});
  update("product");
  v.push_back({"product", "retire", "RetireProduct", "Retire a product", "product_id", false, {}});

  v.push_back({"field", "add", "DefineField", "Define a custom field", "", false,
               {F("--record-type", "record_type", K::kText, "contact, company, deal, ...", true),
                F("--key", "key", K::kText, "Key (used as custom.KEY)", true), F("--label", "label", K::kText, "Label"),
                E("--kind", "kind", "FieldKind", "text, number, money, date, choice or bool", true),
                F("--choice", "choices", K::kList, "Allowed value of a choice field (repeatable)")}});
  v.push_back({"field", "retire", "RetireField", "Retire a custom field", "", false,
               {F("--record-type", "record_type", K::kText, "contact, company, deal, ...", true),
                F("--key", "key", K::kText, "Key", true)}});

  // Pipelines and deals
  v.push_back({"pipeline", "add", "CreatePipeline", "Add a pipeline", "pipeline_id", true,
               {F("--name", "name", K::kText, "Pipeline name", true),
                F("--stage", "stages", K::kStages, "Stage ID:Name:Probability, in order (repeatable)", true)}});
  update("pipeline");
  v.push_back({"pipeline", "add-stage", "AddStage", "Add a stage", "pipeline_id", false,
               {F("--stage", "stage", K::kStage, "ID:Name:Probability", true),
                F("--index", "index", K::kInt, "Position (0 = first; default: last)")}});
  v.push_back({"pipeline", "update-stage", "UpdateStage", "Rename a stage or change its probability",
               "pipeline_id", false,
               {F("--stage", "stage_id", K::kText, "Stage id", true), F("--name", "name", K::kText, "New name"),
                F("--probability", "probability", K::kInt, "Win probability, percent")}});
  v.push_back({"pipeline", "remove-stage", "RemoveStage", "Remove a stage (no open deal may be in it)",
               "pipeline_id", false, {F("--stage", "stage_id", K::kText, "Stage id", true)}});
  v.push_back({"pipeline", "reorder", "ReorderStages", "Reorder the stages", "pipeline_id", false,
               {F("--order", "order", K::kList, "Every stage id, in the new order", true)}});
  v.push_back({"pipeline", "archive", "ArchivePipeline", "Archive a pipeline", "pipeline_id", false, {}});

  v.push_back({"deal", "add", "OpenDeal", "Open a deal", "deal_id", true,
               {F("--name", "name", K::kText, "Deal name", true), F("--pipeline", "pipeline_id", K::kText, "Pipeline id", true),
                F("--stage", "stage_id", K::kText, "Stage id (default: the first)"),
                F("--amount", "amount", K::kMoney, "Amount, e.g. '12000 EUR'"),
                F("--close", "expected_close_date", K::kDate, "Expected close date"),
                F("--owner", "owner_id", K::kText, "Owner (user id; default: you)"),
                F("--company", "company_id", K::kText, "Company id"),
                F("--contact", "contact_ids", K::kList, "Contact id (repeatable)"),
                F("--source", "source", K::kText, "Lead source"),
                F("--line", "lines", K::kLines, "Product line PRODUCT:QUANTITY[:UNIT PRICE] (repeatable)"),
                F("--field", "custom", K::kCustom, "Custom field KEY=VALUE (repeatable)")}});
  update("deal");
  v.push_back({"deal", "move", "MoveDeal", "Move a deal to another stage", "deal_id", false,
               {F("--stage", "stage_id", K::kText, "Stage id", true)}});
  v.push_back({"deal", "lines", "SetDealLines", "Replace a deal's product lines", "deal_id", false,
               {F("--line", "lines", K::kLines, "PRODUCT:QUANTITY[:UNIT PRICE] (repeatable; none clears)")}});
  v.push_back({"deal", "forecast", "SetForecastCategory", "Override a deal's forecast category", "deal_id", false,
               {E("--category", "category", "ForecastCategory", "auto, pipeline, best_case, commit or omitted", true)}});
  v.push_back({"deal", "win", "WinDeal", "Mark a deal won", "deal_id", false,
               {F("--amount", "amount", K::kMoney, "Final amount (default: the deal's)"),
                F("--close-date", "close_date", K::kDate, "Close date (default: today)")}});
  v.push_back({"deal", "lose", "LoseDeal", "Mark a deal lost", "deal_id", false,
               {F("--reason", "reason", K::kText, "Why it was lost"),
                F("--close-date", "close_date", K::kDate, "Close date (default: today)")}});
  v.push_back({"deal", "reopen", "ReopenDeal", "Reopen a won or lost deal", "deal_id", false,
               {F("--stage", "stage_id", K::kText, "Stage to reopen into (default: the first)")}});

  v.push_back({"contract", "add", "StartContract", "Start a contract from a won deal", "contract_id", true,
               {F("--deal", "deal_id", K::kText, "The won deal", true), F("--start", "start_date", K::kDate, "Start date"),
                F("--renewal", "renewal_date", K::kDate, "Renewal date (default: start + term)"),
                F("--term", "term_months", K::kInt, "Term in months (default 12)"),
                F("--amount", "amount", K::kMoney, "Contract value")}});
  v.push_back({"contract", "renew", "RenewContract", "Renew a contract", "contract_id", false,
               {F("--renewal", "renewal_date", K::kDate, "Next renewal date", true),
                F("--deal", "renewal_deal_id", K::kText, "The renewal deal")}});
  v.push_back({"contract", "end", "EndContract", "End a contract", "contract_id", false,
               {F("--end-date", "end_date", K::kDate, "End date (default: today)"), F("--reason", "reason", K::kText, "Why")}});

  // Activities
  v.push_back({"activity", "email", "LogEmail", "Log an email", "activity_id", true,
               {F("--author", "author_id", K::kText, "Who sent or received it (default: you)"),
                E("--direction", "direction", "Direction", "outbound or inbound"),
                F("--subject", "subject", K::kText, "Subject"), F("--body", "body", K::kText, "Body"),
                F("--from", "from_address", K::kText, "From address"), F("--to", "to_addresses", K::kList, "To address (repeatable)")},
               {}, true});
  v.push_back({"activity", "call", "LogCall", "Log a call", "activity_id", true,
               {F("--author", "author_id", K::kText, "Who called (default: you)"),
                E("--direction", "direction", "Direction", "outbound or inbound"),
                F("--duration", "duration_seconds", K::kInt, "Duration in seconds"),
                E("--outcome", "outcome", "CallOutcome", "connected, no_answer, left_voicemail, busy, wrong_number"),
                F("--notes", "notes", K::kText, "Notes")},
               {}, true});
  v.push_back({"activity", "meeting", "LogMeeting", "Log a meeting", "activity_id", true,
               {F("--author", "author_id", K::kText, "Organiser (default: you)"), F("--title", "title", K::kText, "Title", true),
                F("--start", "start_us", K::kInstant, "Start (ISO 8601)"), F("--end", "end_us", K::kInstant, "End (ISO 8601)"),
                F("--attendee", "attendees", K::kList, "Attendee (repeatable)"), F("--location", "location", K::kText, "Location"),
                F("--notes", "notes", K::kText, "Notes")},
               {}, true});
  v.push_back({"activity", "note", "LogNote", "Log a note", "activity_id", true,
               {F("--author", "author_id", K::kText, "Author (default: you)"), F("--body", "body", K::kText, "Text", true)},
               {}, true});
  v.push_back({"activity", "form", "SubmitForm", "Record a form submission", "activity_id", true,
               {F("--form", "form_name", K::kText, "Form name", true), F("--value", "fields", K::kKeyValues, "KEY=VALUE (repeatable)"),
                F("--email", "email", K::kText, "Submitter's email")},
               {}, true});
  update("activity");
  del("activity");

  // Tasks and tickets
  v.push_back({"task", "add", "CreateTask", "Create a follow-up task", "task_id", true,
               {F("--title", "title", K::kText, "Title", true), F("--notes", "notes", K::kText, "Notes"),
                F("--due", "due_us", K::kInstant, "Due (ISO 8601 date or instant)"),
                F("--assignee", "assignee_id", K::kText, "Assignee (user id; default: you)"),
                E("--priority", "priority", "Priority", "low, normal, high or urgent")},
               {}, true});
  update("task");
  v.push_back({"task", "done", "CompleteTask", "Complete a task", "task_id", false, {}});
  v.push_back({"task", "reopen", "ReopenTask", "Reopen a task", "task_id", false, {}});
  v.push_back({"task", "reschedule", "RescheduleTask", "Change a task's due time", "task_id", false,
               {F("--due", "due_us", K::kInstant, "New due (ISO 8601)", true)}});
  v.push_back({"task", "reassign", "ReassignTask", "Give a task to someone else", "task_id", false,
               {F("--assignee", "assignee_id", K::kText, "User id", true)}});
  v.push_back({"task", "cancel", "CancelTask", "Cancel a task", "task_id", false,
               {F("--reason", "reason", K::kText, "Why")}});

  v.push_back({"ticket", "add", "OpenTicket", "Open a support ticket", "ticket_id", true,
               {F("--subject", "subject", K::kText, "Subject", true), F("--description", "description", K::kText, "Description"),
                E("--priority", "priority", "Priority", "low, normal, high or urgent"),
                F("--contact", "contact_id", K::kText, "Contact id"), F("--company", "company_id", K::kText, "Company id"),
                F("--assignee", "assignee_id", K::kText, "Assignee (user id)"),
                F("--channel", "channel", K::kText, "email, phone, chat, ...")}});
  update("ticket");
  v.push_back({"ticket", "assign", "AssignTicket", "Assign a ticket", "ticket_id", false,
               {F("--assignee", "assignee_id", K::kText, "User id", true)}});
  v.push_back({"ticket", "status", "ChangeTicketStatus", "Change a ticket's status", "ticket_id", false,
               {E("--status", "status", "TicketStatus", "open, pending, resolved or closed", true)}});
  v.push_back({"ticket", "reopen", "ReopenTicket", "Reopen a ticket", "ticket_id", false, {}});
  return v;
}

}  // namespace

const std::vector<VerbSpec>& RecordVerbs() {
  static const std::vector<VerbSpec> verbs = Build();
  return verbs;
}

const std::vector<std::string>& RecordTypes() {
  static const std::vector<std::string> types = {"workspace", "user", "team", "company", "contact", "product",
                                                 "field", "pipeline", "deal", "contract", "activity", "task",
                                                 "ticket"};
  return types;
}

std::string RecordHelp(const std::string& record) {
  if (record == "workspace") return "The workspace: currency, exchange rates";
  if (record == "user") return "Users: who works in the CRM";
  if (record == "team") return "Teams of users, with a manager and a territory";
  if (record == "company") return "Companies (accounts)";
  if (record == "contact") return "Contacts: the people you sell to and support";
  if (record == "product") return "Products you sell";
  if (record == "field") return "Custom fields of a record type";
  if (record == "pipeline") return "Pipelines and their stages";
  if (record == "deal") return "Deals: add, move, win, lose, reopen";
  if (record == "contract") return "Contracts and their renewals";
  if (record == "activity") return "Log emails, calls, meetings, notes and form submissions";
  if (record == "task") return "Follow-up tasks";
  if (record == "ticket") return "Support tickets";
  return record;
}

}  // namespace rapport::cli
