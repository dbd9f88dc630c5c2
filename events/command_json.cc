#include "events/command_json.h"

#include <flatbuffers/idl.h>

#include <mutex>

namespace rapport::events {

extern const char* const kSchemaText;

namespace {

// Parsing JSON writes into the parser's builder, so the parser is shared under a mutex.
std::mutex parser_mu;

flatbuffers::Parser* CommandParser() {  // REQUIRES: parser_mu held
  static flatbuffers::Parser* parser = [] {
    flatbuffers::IDLOptions opts;
    opts.strict_json = false;
    auto* p = new flatbuffers::Parser(opts);
    if (!p->Parse(kSchemaText) || !p->SetRootType("rapport.fb.Command")) {
      std::fprintf(stderr, "rapport: embedded command schema does not parse: %s\n", p->error_.c_str());
      std::abort();
    }
    return p;
  }();
  return parser;
}

}  // namespace

Result<fb::CommandT> CommandFromJson(std::string_view json) {
  std::string text(json);  // the parser wants a terminated string
  std::lock_guard<std::mutex> lock(parser_mu);
  flatbuffers::Parser* p = CommandParser();
  if (!p->ParseJson(text.c_str())) {
    return Status::InvalidArgument("command JSON: " + p->error_);
  }
  const uint8_t* buf = p->builder_.GetBufferPointer();
  flatbuffers::Verifier v(buf, p->builder_.GetSize());
  if (!fb::VerifyCommandBuffer(v)) return Status::InvalidArgument("command JSON: not a valid command");
  fb::CommandT cmd;
  fb::GetCommand(buf)->UnPackTo(&cmd);
  return cmd;
}

std::vector<std::string> EnumIdentifiers(std::string_view enum_name) {
  std::lock_guard<std::mutex> lock(parser_mu);
  const flatbuffers::EnumDef* e = CommandParser()->enums_.Lookup("rapport.fb." + std::string(enum_name));
  std::vector<std::string> out;
  if (e == nullptr) return out;
  for (const flatbuffers::EnumVal* v : e->Vals()) out.push_back(v->name);
  return out;
}

}  // namespace rapport::events
