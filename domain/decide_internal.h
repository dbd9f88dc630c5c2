// Helpers shared by the decide_*.cc files (internal to domain/).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/decide.h"
#include "domain/enums.h"
#include "domain/permissions.h"
#include "domain/text.h"
#include "domain/value.h"

namespace rapport::domain::internal {

// One decision in progress: the actor, the context, the source, and the events so far.
class Env {
 public:
  Env(const Actor& actor, const DecideContext& ctx, RecordSource* src)
      : actor(actor), ctx(ctx), src(src), dir(src->directory()) {}

  const Actor& actor;
  const DecideContext& ctx;
  RecordSource* src;
  const Directory& dir;
  Decision decision;

  // A record that must exist and be writable: not_found if it never existed, and a clear
  // error naming the survivor if it was merged, or saying it was deleted.
  Result<const RecordState*> Live(std::string_view type, std::string_view id,
                                  std::string_view field);
  // nullptr when absent; errors only from the store.
  Result<const RecordState*> Maybe(std::string_view type, std::string_view id);

  // The id to create a record with: the given one (validated, must not exist) or a new one.
  Result<std::string> NewRecordId(std::string_view type, const std::string& given,
                                  std::string_view field);

  // Appends `event` to the stream type/id, which must be at `expected` before the command.
  template <typename T>
  void Emit(std::string_view type, std::string_view id, events::ExpectedVersion expected, T event,
            std::string data_subject = {}) {
    fb::PayloadUnion u;
    u.Set(std::move(event));
    events::NewEvent ev = events::NewEvent::From(std::move(u), ctx.occurred_at, std::move(data_subject));
    for (auto& w : decision.writes) {
      if (w.stream.type == type && w.stream.id == id) {
        w.events.push_back(std::move(ev));
        return;
      }
    }
    events::StreamWrite w;
    w.stream = {std::string(type), std::string(id)};
    w.expected = expected;
    w.events.push_back(std::move(ev));
    decision.writes.push_back(std::move(w));
  }
  // Emit on an existing record, expecting its current version.
  template <typename T>
  void EmitOn(const RecordState& r, T event, std::string data_subject = {}) {
    Emit(r.type, r.id, events::ExpectedVersion::Exact(r.version), std::move(event),
         std::move(data_subject));
  }
  // Emit on a new record.
  template <typename T>
  void EmitNew(std::string_view type, std::string_view id, T event, std::string data_subject = {}) {
    Emit(type, id, events::ExpectedVersion::NoStream(), std::move(event), std::move(data_subject));
  }

  Decision Done(std::string_view type, std::string_view id) {
    decision.record_type = std::string(type);
    decision.record_id = std::string(id);
    return std::move(decision);
  }
};

// An IANA time zone name ("Europe/Berlin") or "UTC" or empty.
Status CheckTimeZone(const std::string& tz);

// Validates an optional reference to a live record ("" passes).
Status CheckRef(Env& env, std::string_view type, const std::string& id, std::string_view field);
// Validates a list of references (each live, no duplicates).
Status CheckRefs(Env& env, std::string_view type, const std::vector<std::string>& ids,
                 std::string_view field);
// Emails / phones / tags lists: each valid, duplicates (normalised) refused.
Status CheckEmails(const std::vector<std::string>& emails, std::string_view field);
Status CheckPhones(const std::vector<std::string>& phones, std::string_view field);
Status CheckTags(const std::vector<std::string>& tags, std::string_view field);
// Money: known currency, amount >= 0 unless `allow_negative`.
Status CheckMoney(const fb::MoneyT* m, std::string_view field, bool required,
                  bool allow_negative = false);
// Links of an activity, task: every id live.
Status CheckLinks(Env& env, const fb::LinksT* links);
// A user that must exist and be active.
Status CheckActiveUser(Env& env, const std::string& user_id, std::string_view field);
// Custom field values at creation: defined for `record_type`, of the right kind.
Result<std::vector<std::unique_ptr<fb::FieldValueT>>> CheckCustom(
    Env& env, std::string_view record_type,
    const std::vector<std::unique_ptr<fb::FieldValueT>>& values);
// Converts a value given for custom field `key` of `record_type` to its kind and checks it.
Result<Value> CheckCustomValue(Env& env, std::string_view record_type, std::string_view key,
                               const Value& given);

std::unique_ptr<fb::MoneyT> CloneMoney(const fb::MoneyT* m);
std::unique_ptr<fb::LinksT> CloneLinks(const fb::LinksT* l);
Value MoneyValueOf(const fb::MoneyT* m);

// The data subject of a contact event (its id), for crypto-shredding later.
inline std::string Subject(std::string_view contact_id) { return std::string(contact_id); }

// Area deciders: each decides its command types and returns nullopt for the others.
using MaybeDecision = std::optional<Result<Decision>>;
MaybeDecision DecidePeople(Env& env, const fb::CommandBodyUnion& body);
MaybeDecision DecideRecords(Env& env, const fb::CommandBodyUnion& body);
MaybeDecision DecideSales(Env& env, const fb::CommandBodyUnion& body);
MaybeDecision DecideService(Env& env, const fb::CommandBodyUnion& body);
MaybeDecision DecideAutomation(Env& env, const fb::CommandBodyUnion& body);
MaybeDecision DecideScoring(Env& env, const fb::CommandBodyUnion& body);
Result<Decision> DecideUpdate(Env& env, const fb::UpdateRecordT& cmd);

}  // namespace rapport::domain::internal
