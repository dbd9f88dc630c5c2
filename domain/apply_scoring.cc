// Apply() for lead-scoring events: the model (on scoring/lead) and scores (on contacts).
#include "domain/apply_internal.h"
#include "domain/scoring.h"

namespace rapport::domain::internal {
namespace {

std::string Packed(const fb::ScoringModel* m) {
  if (m == nullptr) return "";
  fb::ScoringModelT t;
  m->UnPackTo(&t);
  flatbuffers::FlatBufferBuilder b;
  b.Finish(fb::ScoringModel::Pack(b, &t));
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

}  // namespace

bool ApplyScoring(const events::EventView& e, RecordState* s, Status* st) {
  switch (e.type()) {
    case fb::Payload::ScoringModelSet: {
      auto* p = e.payload_as<fb::ScoringModelSet>();
      if (!s->created) *st = Created(s, e);
      s->packed_definition = Packed(p->new_model());
      fb::ScoringModelT m = ScoringModelOf(*s);
      s->Set("criteria", NumberValue(static_cast<int64_t>(m.criteria.size())));
      s->Set("half_life_days", NumberValue(m.half_life_days));
      s->Set("max_age_days", NumberValue(ScoreMaxAgeDays(m)));
      s->Set("cap", NumberValue(ScoreCap(m)));
      return true;
    }
    case fb::Payload::LeadScored: {
      auto* p = e.payload_as<fb::LeadScored>();
      s->Set("score", NumberValue(p->score()));
      s->score_basis = p->basis_position();
      s->score_computed_at = p->computed_at_us();
      s->score_reasons = ReasonsKey(p->reasons());
      return true;
    }
    default:
      return false;
  }
}

}  // namespace rapport::domain::internal
