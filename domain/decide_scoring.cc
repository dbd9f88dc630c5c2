// Deciding lead-scoring commands: the model, and the scores automation computes.
#include <cmath>

#include "domain/decide_internal.h"
#include "domain/scoring.h"

namespace rapport::domain::internal {
namespace {

template <typename T>
std::unique_ptr<T> Clone(const T& t) {
  flatbuffers::FlatBufferBuilder b;
  b.Finish(T::TableType::Pack(b, &t));
  auto out = std::make_unique<T>();
  flatbuffers::GetRoot<typename T::TableType>(b.GetBufferPointer())->UnPackTo(out.get());
  return out;
}

Result<Decision> SetScoringModel(Env& env, const fb::SetScoringModelT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "the scoring model"));
  if (!c.model) return Status::InvalidArgument("model is required");
  auto m = Clone(*c.model);
  for (auto& crit : m->criteria) {
    if (crit) crit->label = Trim(crit->label);
  }
  for (const auto& crit : m->criteria) {
    if (!crit) return Status::InvalidArgument("criteria: a criterion is missing");
  }
  RAPPORT_RETURN_IF_ERROR(CheckScoringModel(*m));
  auto current = env.Maybe(kScoring, kLeadModel);
  if (!current.ok()) return current.status();
  fb::ScoringModelSetT e;
  e.model_id = std::string(kLeadModel);
  e.new_model = std::move(m);
  if (*current == nullptr) {
    env.EmitNew(kScoring, kLeadModel, std::move(e));
  } else {
    fb::ScoringModelT old = ScoringModelOf(**current);
    if (old == *e.new_model) return env.Done(kScoring, kLeadModel);  // the same model: nothing to write
    e.old_model = Clone(old);
    env.EmitOn(**current, std::move(e));
  }
  return env.Done(kScoring, kLeadModel);
}

Result<Decision> RecordScore(Env& env, const fb::RecordScoreT& c) {
  if (!env.actor.system) return Status::PermissionDenied("only rapport's automation records lead scores");
  auto contact = env.Live(kContact, c.contact_id, "contact_id");
  if (!contact.ok()) return contact.status();
  auto model_record = env.Maybe(kScoring, kLeadModel);
  if (!model_record.ok()) return model_record.status();
  if (*model_record == nullptr) return Status::FailedPrecondition("there is no scoring model: set one first");
  // Within any cap a model may have (a runner catching up scores with the model of the time).
  if (c.score < 0 || c.score > 1000) return Status::InvalidArgument("score must be between 0 and 1000");
  if (c.reasons.size() > 1000) return Status::InvalidArgument("reasons: at most 1000");
  for (size_t i = 0; i < c.reasons.size(); ++i) {
    if (!c.reasons[i]) return Status::InvalidArgument("reasons[" + std::to_string(i) + "] is missing");
    RAPPORT_RETURN_IF_ERROR(ValidateText(c.reasons[i]->label, "reasons[" + std::to_string(i) + "].label", 100, true));
    if (!std::isfinite(c.reasons[i]->points)) {
      return Status::InvalidArgument("reasons[" + std::to_string(i) + "].points is not a number");
    }
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.cause, "cause", 200, false));
  const RecordState& r = **contact;
  // A score from an earlier point than the one the contact has (a runner catching up after a
  // restart) would put an old score back: nothing to write.
  if (ScoredLater(r, c.basis_position, c.computed_at_us)) return env.Done(kContact, c.contact_id);
  const bool scored = r.Get("score").kind != ValueKind::Null;
  const int32_t previous = static_cast<int32_t>(r.Int("score"));
  std::string key = ReasonsKey(c.reasons);
  if (scored && previous == c.score && key == r.score_reasons) return env.Done(kContact, c.contact_id);
  fb::LeadScoredT e;
  e.contact_id = c.contact_id;
  e.score = c.score;
  e.previous_score = previous;
  for (const auto& reason : c.reasons) e.reasons.push_back(Clone(*reason));
  e.cause = c.cause;
  e.basis_position = c.basis_position;
  e.computed_at_us = c.computed_at_us;
  env.EmitOn(r, std::move(e), Subject(r.id));
  return env.Done(kContact, c.contact_id);
}

}  // namespace

MaybeDecision DecideScoring(Env& env, const fb::CommandBodyUnion& b) {
  switch (b.type) {
    case fb::CommandBody::SetScoringModel: return SetScoringModel(env, *b.AsSetScoringModel());
    case fb::CommandBody::RecordScore: return RecordScore(env, *b.AsRecordScore());
    default: return std::nullopt;
  }
}

}  // namespace rapport::domain::internal
