// How pipeline, deal and contract events change their records.
#include "domain/apply_internal.h"
#include "domain/enums.h"

namespace rapport::domain::internal {
namespace {

StageState StageOf(const fb::Stage* st) {
  return st ? StageState{Str(st->stage_id()), Str(st->name()), st->probability()} : StageState{};
}

std::vector<fb::DealLineT> LinesOf(const flatbuffers::Vector<flatbuffers::Offset<fb::DealLine>>* v) {
  std::vector<fb::DealLineT> out;
  if (v) {
    for (const auto* l : *v) {
      fb::DealLineT t;
      l->UnPackTo(&t);
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace

bool ApplySales(const events::EventView& e, RecordState* s, Status* st) {
  switch (e.type()) {
    case fb::Payload::PipelineCreated: {
      auto* p = e.payload_as<fb::PipelineCreated>();
      *st = Created(s, e);
      s->Set("name", TextValue(Str(p->name())));
      if (p->stages()) {
        for (const auto* stage : *p->stages()) s->stages.push_back(StageOf(stage));
      }
      return true;
    }
    case fb::Payload::PipelineUpdated:
      ApplyChanges(e.payload_as<fb::PipelineUpdated>()->changes(), s);
      return true;
    case fb::Payload::PipelineStageAdded: {
      auto* p = e.payload_as<fb::PipelineStageAdded>();
      size_t at = std::min<size_t>(static_cast<size_t>(std::max(0, p->index())), s->stages.size());
      s->stages.insert(s->stages.begin() + static_cast<long>(at), StageOf(p->stage()));
      return true;
    }
    case fb::Payload::PipelineStageUpdated: {
      auto* p = e.payload_as<fb::PipelineStageUpdated>();
      for (auto& stage : s->stages) {
        if (stage.id != Str(p->stage_id())) continue;
        if (p->changes()) {
          for (const auto* c : *p->changes()) {
            Value v = ValueOf(c->new_value());
            if (Str(c->field()) == "name") stage.name = v.text;
            if (Str(c->field()) == "probability") stage.probability = static_cast<int>(v.int_value);
          }
        }
      }
      return true;
    }
    case fb::Payload::PipelineStageRemoved: {
      std::string id = Str(e.payload_as<fb::PipelineStageRemoved>()->stage_id());
      std::erase_if(s->stages, [&](const StageState& x) { return x.id == id; });
      return true;
    }
    case fb::Payload::PipelineStagesReordered: {
      std::vector<StageState> reordered;
      for (const auto& id : Strs(e.payload_as<fb::PipelineStagesReordered>()->new_order())) {
        if (const StageState* x = s->Stage(id)) reordered.push_back(*x);
      }
      s->stages = std::move(reordered);
      return true;
    }
    case fb::Payload::PipelineArchived:
      s->Set("archived", BoolValue(true));
      return true;

    case fb::Payload::DealOpened: {
      auto* p = e.payload_as<fb::DealOpened>();
      *st = Created(s, e);
      s->Set("name", TextValue(Str(p->name())));
      s->Set("pipeline_id", RefValue(Str(p->pipeline_id())));
      s->Set("stage_id", RefValue(Str(p->stage_id())));
      s->Set("status", ChoiceValue("open"));
      s->Set("amount", MoneyOf(p->amount()));
      if (p->expected_close_date()) {
        s->Set("expected_close_date", DateValue(*p->expected_close_date()));
      }
      s->Set("owner_id", RefValue(Str(p->owner_id())));
      s->Set("company_id", RefValue(Str(p->company_id())));
      s->Set("contact_ids", ListValue(Strs(p->contact_ids())));
      s->Set("source", TextValue(Str(p->source())));
      s->lines = LinesOf(p->lines());
      ApplyCustom(p->custom(), s);
      return true;
    }
    case fb::Payload::DealStageMoved:
      s->Set("stage_id", RefValue(Str(e.payload_as<fb::DealStageMoved>()->to_stage_id())));
      return true;
    case fb::Payload::DealAmountChanged:
      s->Set("amount", MoneyOf(e.payload_as<fb::DealAmountChanged>()->new_amount()));
      return true;
    case fb::Payload::DealCloseDateChanged: {
      auto d = e.payload_as<fb::DealCloseDateChanged>()->new_date();
      s->Set("expected_close_date", d ? DateValue(*d) : NullValue());
      return true;
    }
    case fb::Payload::DealOwnerChanged:
      s->Set("owner_id", RefValue(Str(e.payload_as<fb::DealOwnerChanged>()->new_owner_id())));
      return true;
    case fb::Payload::DealUpdated:
      ApplyChanges(e.payload_as<fb::DealUpdated>()->changes(), s);
      return true;
    case fb::Payload::DealLinesSet:
      s->lines = LinesOf(e.payload_as<fb::DealLinesSet>()->new_lines());
      return true;
    case fb::Payload::DealForecastCategorySet: {
      auto c = e.payload_as<fb::DealForecastCategorySet>()->new_category();
      s->Set("forecast_category",
             c == fb::ForecastCategory::Auto ? NullValue() : ChoiceValue(ForecastCategoryName(c)));
      return true;
    }
    case fb::Payload::DealWon: {
      auto* p = e.payload_as<fb::DealWon>();
      s->Set("status", ChoiceValue("won"));
      s->Set("amount", MoneyOf(p->amount()));
      s->Set("close_date", DateValue(p->close_date()));
      s->Set("lost_reason", NullValue());
      return true;
    }
    case fb::Payload::DealLost: {
      auto* p = e.payload_as<fb::DealLost>();
      s->Set("status", ChoiceValue("lost"));
      s->Set("close_date", DateValue(p->close_date()));
      s->Set("lost_reason", TextValue(Str(p->reason())));
      return true;
    }
    case fb::Payload::DealReopened: {
      auto* p = e.payload_as<fb::DealReopened>();
      s->Set("status", ChoiceValue("open"));
      s->Set("stage_id", RefValue(Str(p->stage_id())));
      s->Set("close_date", NullValue());
      s->Set("lost_reason", NullValue());
      return true;
    }

    case fb::Payload::ContractStarted: {
      auto* p = e.payload_as<fb::ContractStarted>();
      *st = Created(s, e);
      s->Set("deal_id", RefValue(Str(p->deal_id())));
      s->Set("company_id", RefValue(Str(p->company_id())));
      s->Set("owner_id", RefValue(Str(p->owner_id())));
      s->Set("amount", MoneyOf(p->amount()));
      s->Set("start_date", DateValue(p->start_date()));
      s->Set("renewal_date", DateValue(p->renewal_date()));
      s->Set("term_months", NumberValue(p->term_months()));
      s->Set("status", ChoiceValue("active"));
      return true;
    }
    case fb::Payload::ContractRenewed: {
      auto* p = e.payload_as<fb::ContractRenewed>();
      s->Set("renewal_date", DateValue(p->new_renewal_date()));
      s->Set("renewal_deal_id", RefValue(Str(p->renewal_deal_id())));
      return true;
    }
    case fb::Payload::ContractEnded: {
      auto* p = e.payload_as<fb::ContractEnded>();
      s->Set("status", ChoiceValue("ended"));
      s->Set("end_date", DateValue(p->end_date()));
      s->Set("end_reason", TextValue(Str(p->reason())));
      return true;
    }
    default:
      return false;
  }
}

}  // namespace rapport::domain::internal
