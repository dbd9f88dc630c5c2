// The table of record verbs: which command each `rapport <record> <verb>` runs and how its
// flags map onto the command's fields. Data only; record_verbs.cc interprets it.
#pragma once

#include <string>
#include <vector>

namespace rapport::cli {

// How a flag's text becomes a command field.
enum class ArgKind {
  kText,     // string
  kInt,      // integer
  kDecimal9, // decimal -> integer x 10^9 (exchange rates)
  kMoney,    // "1200.50 EUR" (the workspace currency when omitted) -> Money
  kDate,     // ISO 8601 date -> days since 1970-01-01
  kInstant,  // ISO 8601 instant or date -> microseconds since the epoch
  kList,     // repeated flag or "a,b" -> [string]
  kBool,     // flag without value -> true
  kEnum,     // an enum value by name, case-insensitive ("best_case", "BestCase")
  kStages,   // repeated "ID:Name:Probability" -> [Stage]
  kStage,    // one "ID:Name:Probability" -> Stage
  kLines,    // repeated "PRODUCT:QUANTITY[:UNIT PRICE]" -> [DealLine]
  kCustom,   // repeated "key=value" -> [FieldValue] (custom fields, text converted)
  kKeyValues,// repeated "key=value" -> [KeyValue] (form fields)
};

struct FlagSpec {
  std::string name;   // "--amount" (a leading "-x," gives a short form: "-n,--name")
  std::string field;  // the command field: "amount"
  ArgKind kind;
  std::string help;
  std::string enum_name = "";  // kEnum: the schema enum ("Role")
  bool required = false;
};

struct VerbSpec {
  std::string record;   // "deal"
  std::string verb;     // "move"
  std::string command;  // the command table: "MoveDeal"
  std::string help;
  // The record id: a positional argument naming the field ("deal_id"), or, for verbs that
  // create, the optional --id flag filling it. "" when the command names no record.
  std::string id_field;
  bool creates = false;
  std::vector<FlagSpec> flags;
  // Fixed fields: {"record_type", "contact"} for generic commands.
  std::vector<std::pair<std::string, std::string>> fixed = {};
  bool links = false;   // --contact/--company/--deal/--ticket fill "links"
};

const std::vector<VerbSpec>& RecordVerbs();

// The record types with show/list, in help order.
const std::vector<std::string>& RecordTypes();

// One-line help of a record type's command ("Contacts: people you sell to").
std::string RecordHelp(const std::string& record);

}  // namespace rapport::cli
