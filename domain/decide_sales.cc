// Decisions about pipelines, deals and contracts.
#include <set>

#include "domain/decide_internal.h"
#include "domain/money.h"

namespace rapport::domain::internal {
namespace {

int32_t Today(const Env& env) { return static_cast<int32_t>(env.ctx.occurred_at / kMicrosPerDay); }

// A money field of a record as a Money table (nullptr when it has none).
std::unique_ptr<fb::MoneyT> MoneyOf(const RecordState& r, std::string_view field) {
  const Value& v = r.Get(field);
  if (IsNull(v)) return nullptr;
  auto m = std::make_unique<fb::MoneyT>();
  m->amount_minor = v.int_value;
  m->currency = v.currency;
  return m;
}

Status CheckStage(const fb::StageT& s, std::string_view field) {
  RAPPORT_RETURN_IF_ERROR(ValidateRecordId(s.stage_id, std::string(field) + " stage"));
  if (s.stage_id == "won" || s.stage_id == "lost") {
    return Status::InvalidArgument(std::string(field) + ": '" + s.stage_id +
                                   "' is reserved: won and lost are implicit; close deals with "
                                   "win or lose");
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(s.name, std::string(field) + " name", 100, true));
  if (s.probability < 0 || s.probability > 100) {
    return Status::InvalidArgument(std::string(field) + " probability must be 0 to 100, got " +
                                   std::to_string(s.probability));
  }
  return Status::Ok();
}

Status CheckUniqueStage(const RecordState& p, const fb::StageT& s) {
  for (const auto& x : p.stages) {
    if (x.id == s.stage_id) {
      return Status::AlreadyExists("pipeline " + p.id + " already has a stage " + s.stage_id);
    }
    if (FoldName(x.name) == FoldName(s.name)) {
      return Status::AlreadyExists("pipeline " + p.id + " already has a stage named '" + x.name + "'");
    }
  }
  return Status::Ok();
}

Result<const RecordState*> AdminPipeline(Env& env, const std::string& id) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "pipelines"));
  auto p = env.Live(kPipeline, id, "pipeline_id");
  if (!p.ok()) return p.status();
  if ((*p)->Int("archived")) {
    return Status::FailedPrecondition("pipeline " + id + " is archived");
  }
  return p;
}

Result<Decision> CreatePipeline(Env& env, const fb::CreatePipelineT& c) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(env.actor, "pipelines"));
  auto id = env.NewRecordId(kPipeline, c.pipeline_id, "pipeline_id");
  if (!id.ok()) return id.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.name, "name", 200, true));
  if (c.stages.empty()) return Status::InvalidArgument("stages: a pipeline needs at least one stage");
  if (c.stages.size() > 30) return Status::InvalidArgument("stages: at most 30");
  fb::PipelineCreatedT e;
  e.pipeline_id = *id;
  e.name = Trim(c.name);
  RecordState probe;
  probe.id = *id;
  for (size_t i = 0; i < c.stages.size(); ++i) {
    fb::StageT s = c.stages[i] ? *c.stages[i] : fb::StageT();
    if (s.stage_id.empty()) s.stage_id = "S" + std::to_string(i + 1);
    s.name = Trim(s.name);
    std::string field = "stages[" + std::to_string(i) + "]";
    RAPPORT_RETURN_IF_ERROR(CheckStage(s, field));
    RAPPORT_RETURN_IF_ERROR(CheckUniqueStage(probe, s));
    probe.stages.push_back({s.stage_id, s.name, s.probability});
    e.stages.push_back(std::make_unique<fb::StageT>(s));
  }
  env.EmitNew(kPipeline, *id, std::move(e));
  return env.Done(kPipeline, *id);
}

Result<Decision> AddStage(Env& env, const fb::AddStageT& c) {
  auto p = AdminPipeline(env, c.pipeline_id);
  if (!p.ok()) return p.status();
  if (!c.stage) return Status::InvalidArgument("stage is required");
  fb::StageT s = *c.stage;
  if (s.stage_id.empty()) s.stage_id = "S" + std::to_string((*p)->stages.size() + 1);
  s.name = Trim(s.name);
  RAPPORT_RETURN_IF_ERROR(CheckStage(s, "stage"));
  RAPPORT_RETURN_IF_ERROR(CheckUniqueStage(**p, s));
  int n = static_cast<int>((*p)->stages.size());
  if (c.index < -1 || c.index > n) {
    return Status::InvalidArgument("index must be -1 (the end) or 0 to " + std::to_string(n));
  }
  fb::PipelineStageAddedT e;
  e.pipeline_id = c.pipeline_id;
  e.stage = std::make_unique<fb::StageT>(s);
  e.index = c.index < 0 ? n : c.index;
  env.EmitOn(**p, std::move(e));
  return env.Done(kPipeline, c.pipeline_id);
}

Result<Decision> UpdateStage(Env& env, const fb::UpdateStageT& c) {
  auto p = AdminPipeline(env, c.pipeline_id);
  if (!p.ok()) return p.status();
  const StageState* old = (*p)->Stage(c.stage_id);
  if (!old) return Status::NotFound("pipeline " + c.pipeline_id + " has no stage " + c.stage_id);
  fb::PipelineStageUpdatedT e;
  e.pipeline_id = c.pipeline_id;
  e.stage_id = c.stage_id;
  std::string name = Trim(c.name);
  if (!name.empty() && name != old->name) {
    RAPPORT_RETURN_IF_ERROR(ValidateText(name, "name", 100, true));
    for (const auto& x : (*p)->stages) {
      if (x.id != old->id && FoldName(x.name) == FoldName(name)) {
        return Status::AlreadyExists("pipeline " + c.pipeline_id + " already has a stage named '" +
                                     x.name + "'");
      }
    }
    e.changes.push_back(std::make_unique<fb::FieldChangeT>(
        MakeChange("name", TextValue(old->name), TextValue(name))));
  }
  if (c.probability != -1 && c.probability != old->probability) {
    if (c.probability < 0 || c.probability > 100) {
      return Status::InvalidArgument("probability must be 0 to 100");
    }
    e.changes.push_back(std::make_unique<fb::FieldChangeT>(MakeChange(
        "probability", NumberValue(old->probability), NumberValue(c.probability))));
  }
  if (e.changes.empty()) {
    return Status::FailedPrecondition("stage " + c.stage_id + " already looks like that");
  }
  env.EmitOn(**p, std::move(e));
  return env.Done(kPipeline, c.pipeline_id);
}

Result<Decision> RemoveStage(Env& env, const fb::RemoveStageT& c) {
  auto p = AdminPipeline(env, c.pipeline_id);
  if (!p.ok()) return p.status();
  if (!(*p)->Stage(c.stage_id)) {
    return Status::NotFound("pipeline " + c.pipeline_id + " has no stage " + c.stage_id);
  }
  if ((*p)->stages.size() == 1) {
    return Status::FailedPrecondition("stage " + c.stage_id +
                                      " is the pipeline's only stage: add another first");
  }
  fb::PipelineStageRemovedT e;
  e.pipeline_id = c.pipeline_id;
  e.stage_id = c.stage_id;
  env.EmitOn(**p, std::move(e));
  return env.Done(kPipeline, c.pipeline_id);
}

Result<Decision> ReorderStages(Env& env, const fb::ReorderStagesT& c) {
  auto p = AdminPipeline(env, c.pipeline_id);
  if (!p.ok()) return p.status();
  std::vector<std::string> old;
  for (const auto& s : (*p)->stages) old.push_back(s.id);
  std::vector<std::string> a = old, b = c.order;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if (a != b) {
    std::string all;
    for (const auto& s : old) all += (all.empty() ? "" : ", ") + s;
    return Status::InvalidArgument("order must list every stage of " + c.pipeline_id +
                                   " exactly once: " + all);
  }
  if (old == c.order) return Status::FailedPrecondition("the stages are already in that order");
  fb::PipelineStagesReorderedT e;
  e.pipeline_id = c.pipeline_id;
  e.old_order = old;
  e.new_order = c.order;
  env.EmitOn(**p, std::move(e));
  return env.Done(kPipeline, c.pipeline_id);
}

Result<Decision> ArchivePipeline(Env& env, const fb::ArchivePipelineT& c) {
  auto p = AdminPipeline(env, c.pipeline_id);
  if (!p.ok()) return p.status();
  fb::PipelineArchivedT e;
  e.pipeline_id = c.pipeline_id;
  env.EmitOn(**p, std::move(e));
  return env.Done(kPipeline, c.pipeline_id);
}

// Product lines: products exist and are not retired, quantities positive, prices valid and in
// one currency. Returns the lines' total in minor units.
Result<int64_t> CheckLines(Env& env, const std::vector<std::unique_ptr<fb::DealLineT>>& lines,
                           std::string* currency) {
  __int128 total = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string f = "lines[" + std::to_string(i) + "]";
    if (!lines[i]) return Status::InvalidArgument(f + " is empty");
    const auto& l = *lines[i];
    const RecordState* prod = env.dir.product(l.product_id);
    if (!prod) return Status::NotFound(f + ": there is no product " + l.product_id);
    if (prod->Int("retired")) {
      return Status::FailedPrecondition(f + ": product " + l.product_id + " is retired");
    }
    if (l.quantity <= 0 || l.quantity > 1'000'000'000) {
      return Status::InvalidArgument(f + ": quantity must be positive");
    }
    RAPPORT_RETURN_IF_ERROR(CheckMoney(l.unit_price.get(), f + ".unit_price", true));
    if (currency->empty()) *currency = l.unit_price->currency;
    if (l.unit_price->currency != *currency) {
      return Status::InvalidArgument(f + ": all lines must be in one currency (" + *currency + ")");
    }
    total += static_cast<__int128>(l.unit_price->amount_minor) * l.quantity;
    if (total > kMaxAmountMinor) {
      return Status::InvalidArgument(f + ": the lines' total exceeds the largest amount rapport takes (" +
                                     FormatMoneyGrouped(kMaxAmountMinor, *currency) + ")");
    }
  }
  return static_cast<int64_t>(total);
}

Result<Decision> OpenDeal(Env& env, const fb::OpenDealT& c) {
  auto id = env.NewRecordId(kDeal, c.deal_id, "deal_id");
  if (!id.ok()) return id.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.name, "name", 200, true));
  if (c.expected_close_date) {
    RAPPORT_RETURN_IF_ERROR(CheckDate(*c.expected_close_date, "expected_close_date"));
  }
  auto p = env.Live(kPipeline, c.pipeline_id, "pipeline_id");
  if (!p.ok()) return p.status();
  if ((*p)->Int("archived")) {
    return Status::FailedPrecondition("pipeline " + c.pipeline_id + " is archived: open deals in another");
  }
  std::string stage = c.stage_id.empty() ? (*p)->stages.front().id : c.stage_id;
  if (!(*p)->Stage(stage)) {
    return Status::NotFound("stage_id: pipeline " + c.pipeline_id + " has no stage " + stage);
  }
  std::string owner = c.owner_id.empty() && !env.actor.system ? env.actor.id : c.owner_id;
  RAPPORT_RETURN_IF_ERROR(RequireCanAssignTo(env.actor, owner, env.dir, "owner_id"));
  RAPPORT_RETURN_IF_ERROR(CheckRef(env, kCompany, c.company_id, "company_id"));
  RAPPORT_RETURN_IF_ERROR(CheckRefs(env, kContact, c.contact_ids, "contact_ids"));
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.source, "source", 100, false));
  RAPPORT_RETURN_IF_ERROR(CheckMoney(c.amount.get(), "amount", false));
  std::string currency = c.amount ? c.amount->currency : "";
  auto total = CheckLines(env, c.lines, &currency);
  if (!total.ok()) return total.status();
  // With product lines the amount is their total (docs/domain.md), as SetDealLines keeps it.
  if (c.amount && !c.lines.empty() && c.amount->amount_minor != *total) {
    return Status::InvalidArgument("amount: with product lines the amount is their total, " +
                                   FormatMoney(*total, currency) + ": leave it out or give that");
  }
  auto custom = CheckCustom(env, kDeal, c.custom);
  if (!custom.ok()) return custom.status();
  fb::DealOpenedT e;
  e.deal_id = *id;
  e.name = Trim(c.name);
  e.pipeline_id = c.pipeline_id;
  e.stage_id = stage;
  if (c.amount) {
    e.amount = CloneMoney(c.amount.get());
  } else {
    e.amount = std::make_unique<fb::MoneyT>();
    e.amount->currency = currency.empty() ? env.dir.home_currency() : currency;
    e.amount->amount_minor = *total;
  }
  e.expected_close_date = c.expected_close_date;
  e.owner_id = owner;
  e.company_id = c.company_id;
  e.contact_ids = c.contact_ids;
  e.source = Trim(c.source);
  for (const auto& l : c.lines) e.lines.push_back(std::make_unique<fb::DealLineT>(*l));
  e.custom = std::move(*custom);
  env.EmitNew(kDeal, *id, std::move(e));
  return env.Done(kDeal, *id);
}

// A deal the actor may change, and that is open unless `allow_closed`.
Result<const RecordState*> ChangeableDeal(Env& env, const std::string& id, const char* doing) {
  auto d = env.Live(kDeal, id, "deal_id");
  if (!d.ok()) return d.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **d, env.dir));
  const std::string& status = (*d)->Text("status");
  if (doing != nullptr && status != "open") {
    return Status::FailedPrecondition("deal " + id + " is already " + status + ": reopen it before " +
                                      doing);
  }
  return d;
}

Result<Decision> MoveDeal(Env& env, const fb::MoveDealT& c) {
  auto d = ChangeableDeal(env, c.deal_id, "moving its stage");
  if (!d.ok()) return d.status();
  const std::string& pipeline = (*d)->Text("pipeline_id");
  const RecordState* p = env.dir.pipeline(pipeline);
  if (!p) return Status::NotFound("the deal's pipeline " + pipeline + " does not exist");
  if (c.stage_id == "won" || c.stage_id == "lost") {
    return Status::InvalidArgument("stage_id: close a deal with `deal win` or `deal lose`");
  }
  if (!p->Stage(c.stage_id)) {
    return Status::NotFound("stage_id: pipeline " + pipeline + " has no stage " + c.stage_id);
  }
  if ((*d)->Text("stage_id") == c.stage_id) {
    return Status::FailedPrecondition("deal " + c.deal_id + " is already in stage " + c.stage_id);
  }
  fb::DealStageMovedT e;
  e.deal_id = c.deal_id;
  e.pipeline_id = pipeline;
  e.from_stage_id = (*d)->Text("stage_id");
  e.to_stage_id = c.stage_id;
  env.EmitOn(**d, std::move(e));
  return env.Done(kDeal, c.deal_id);
}

Result<Decision> SetDealLines(Env& env, const fb::SetDealLinesT& c) {
  auto d = ChangeableDeal(env, c.deal_id, "changing its products");
  if (!d.ok()) return d.status();
  std::string currency = (*d)->Get("amount").currency;
  auto total = CheckLines(env, c.lines, &currency);
  if (!total.ok()) return total.status();
  fb::DealLinesSetT e;
  e.deal_id = c.deal_id;
  for (const auto& l : (*d)->lines) e.old_lines.push_back(std::make_unique<fb::DealLineT>(l));
  for (const auto& l : c.lines) e.new_lines.push_back(std::make_unique<fb::DealLineT>(*l));
  if (e.old_lines.size() == e.new_lines.size() &&
      std::equal(e.old_lines.begin(), e.old_lines.end(), e.new_lines.begin(),
                 [](const auto& a, const auto& b) { return *a == *b; })) {
    return Status::FailedPrecondition("deal " + c.deal_id + " already has those lines");
  }
  env.EmitOn(**d, std::move(e));
  // With lines, the amount is their total.
  const Value& amount = (*d)->Get("amount");
  if (!c.lines.empty() && (amount.int_value != *total || amount.currency != currency)) {
    fb::DealAmountChangedT a;
    a.deal_id = c.deal_id;
    a.old_amount = MoneyOf(**d, "amount");
    a.new_amount = std::make_unique<fb::MoneyT>();
    a.new_amount->amount_minor = *total;
    a.new_amount->currency = currency;
    env.EmitOn(**d, std::move(a));
  }
  return env.Done(kDeal, c.deal_id);
}

Result<Decision> SetForecastCategory(Env& env, const fb::SetForecastCategoryT& c) {
  auto d = ChangeableDeal(env, c.deal_id, "changing its forecast category");
  if (!d.ok()) return d.status();
  auto old = ParseForecastCategory((*d)->Text("forecast_category")).value_or(fb::ForecastCategory::Auto);
  if (old == c.category) {
    return Status::FailedPrecondition("deal " + c.deal_id + " is already " +
                                      ForecastCategoryName(c.category));
  }
  fb::DealForecastCategorySetT e;
  e.deal_id = c.deal_id;
  e.old_category = old;
  e.new_category = c.category;
  env.EmitOn(**d, std::move(e));
  return env.Done(kDeal, c.deal_id);
}

Result<Decision> WinDeal(Env& env, const fb::WinDealT& c) {
  auto d = ChangeableDeal(env, c.deal_id, nullptr);
  if (!d.ok()) return d.status();
  const std::string& status = (*d)->Text("status");
  if (status == "won") return Status::FailedPrecondition("deal " + c.deal_id + " is already won");
  if (c.close_date) RAPPORT_RETURN_IF_ERROR(CheckDate(*c.close_date, "close_date"));
  if (status == "lost") {
    return Status::FailedPrecondition("deal " + c.deal_id + " is lost: reopen it before winning it");
  }
  RAPPORT_RETURN_IF_ERROR(CheckMoney(c.amount.get(), "amount", false));
  fb::DealWonT e;
  e.deal_id = c.deal_id;
  e.from_stage_id = (*d)->Text("stage_id");
  e.amount = c.amount ? CloneMoney(c.amount.get()) : MoneyOf(**d, "amount");
  e.close_date = c.close_date ? *c.close_date : Today(env);
  env.EmitOn(**d, std::move(e));
  return env.Done(kDeal, c.deal_id);
}

Result<Decision> LoseDeal(Env& env, const fb::LoseDealT& c) {
  auto d = ChangeableDeal(env, c.deal_id, nullptr);
  if (!d.ok()) return d.status();
  const std::string& status = (*d)->Text("status");
  if (status == "lost") return Status::FailedPrecondition("deal " + c.deal_id + " is already lost");
  if (c.close_date) RAPPORT_RETURN_IF_ERROR(CheckDate(*c.close_date, "close_date"));
  if (status == "won") {
    return Status::FailedPrecondition("deal " + c.deal_id + " is won: reopen it before losing it");
  }
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.reason, "reason", 500, true));
  fb::DealLostT e;
  e.deal_id = c.deal_id;
  e.from_stage_id = (*d)->Text("stage_id");
  e.reason = Trim(c.reason);
  e.close_date = c.close_date ? *c.close_date : Today(env);
  env.EmitOn(**d, std::move(e));
  return env.Done(kDeal, c.deal_id);
}

Result<Decision> ReopenDeal(Env& env, const fb::ReopenDealT& c) {
  auto d = ChangeableDeal(env, c.deal_id, nullptr);
  if (!d.ok()) return d.status();
  const std::string& status = (*d)->Text("status");
  if (status == "open") return Status::FailedPrecondition("deal " + c.deal_id + " is open already");
  const RecordState* p = env.dir.pipeline((*d)->Text("pipeline_id"));
  if (!p) return Status::NotFound("the deal's pipeline does not exist");
  std::string stage = c.stage_id;
  if (stage.empty()) {
    stage = p->Stage((*d)->Text("stage_id")) ? (*d)->Text("stage_id") : p->stages.front().id;
  }
  if (!p->Stage(stage)) {
    return Status::NotFound("stage_id: pipeline " + p->id + " has no stage " + stage);
  }
  fb::DealReopenedT e;
  e.deal_id = c.deal_id;
  e.was_won = status == "won";
  e.stage_id = stage;
  env.EmitOn(**d, std::move(e));
  return env.Done(kDeal, c.deal_id);
}

Result<Decision> StartContract(Env& env, const fb::StartContractT& c) {
  auto d = ChangeableDeal(env, c.deal_id, nullptr);
  if (!d.ok()) return d.status();
  if ((*d)->Text("status") != "won") {
    return Status::FailedPrecondition("deal " + c.deal_id + " is " + (*d)->Text("status") +
                                      ": only won deals start contracts");
  }
  if (!(*d)->Text("contract_id").empty()) {
    return Status::AlreadyExists("deal " + c.deal_id + " already started contract " +
                                 (*d)->Text("contract_id"));
  }
  auto id = env.NewRecordId(kContract, c.contract_id, "contract_id");
  if (!id.ok()) return id.status();
  if (c.term_months < 1 || c.term_months > 120) {
    return Status::InvalidArgument("term_months must be 1 to 120");
  }
  RAPPORT_RETURN_IF_ERROR(CheckMoney(c.amount.get(), "amount", false));
  if (c.start_date) RAPPORT_RETURN_IF_ERROR(CheckDate(*c.start_date, "start_date"));
  if (c.renewal_date) RAPPORT_RETURN_IF_ERROR(CheckDate(*c.renewal_date, "renewal_date"));
  int32_t start = c.start_date ? *c.start_date : static_cast<int32_t>((*d)->Int("close_date"));
  if (!c.start_date && !CheckDate(start, "start_date").ok()) {
    // Only a log written before close dates were checked can hold such a date.
    return Status::InvalidArgument("start_date: the deal's close_date (day " + std::to_string(start) +
                                   ") is not a date rapport keeps; send a start_date");
  }
  int32_t renewal = c.renewal_date ? *c.renewal_date : AddMonths(start, c.term_months);
  if (!c.renewal_date && !CheckDate(renewal, "renewal_date").ok()) {
    return Status::InvalidArgument("renewal_date: start_date plus term_months (" + std::to_string(c.term_months) +
                                   ") passes 9999-12-31; send a renewal_date or a shorter term");
  }
  if (renewal <= start) return Status::InvalidArgument("renewal_date must be after start_date");
  fb::ContractStartedT e;
  e.contract_id = *id;
  e.deal_id = c.deal_id;
  e.company_id = (*d)->Text("company_id");
  e.owner_id = (*d)->Text("owner_id");
  e.amount = c.amount ? CloneMoney(c.amount.get()) : MoneyOf(**d, "amount");
  e.start_date = start;
  e.renewal_date = renewal;
  e.term_months = c.term_months;
  env.EmitNew(kContract, *id, std::move(e));
  // The deal remembers its contract, so a second one is refused.
  fb::DealUpdatedT link;
  link.deal_id = c.deal_id;
  link.changes.push_back(std::make_unique<fb::FieldChangeT>(
      MakeChange("contract_id", NullValue(), RefValue(*id))));
  env.EmitOn(**d, std::move(link));
  return env.Done(kContract, *id);
}

Result<const RecordState*> ActiveContract(Env& env, const std::string& id) {
  auto k = env.Live(kContract, id, "contract_id");
  if (!k.ok()) return k.status();
  RAPPORT_RETURN_IF_ERROR(RequireCanChange(env.actor, **k, env.dir));
  if ((*k)->Text("status") != "active") {
    return Status::FailedPrecondition("contract " + id + " has ended");
  }
  return k;
}

Result<Decision> RenewContract(Env& env, const fb::RenewContractT& c) {
  auto k = ActiveContract(env, c.contract_id);
  if (!k.ok()) return k.status();
  RAPPORT_RETURN_IF_ERROR(CheckDate(c.renewal_date, "renewal_date"));
  int32_t old = static_cast<int32_t>((*k)->Int("renewal_date"));
  if (c.renewal_date <= old) {
    return Status::InvalidArgument("renewal_date must be after the current one, " + FormatDate(old));
  }
  RAPPORT_RETURN_IF_ERROR(CheckRef(env, kDeal, c.renewal_deal_id, "renewal_deal_id"));
  fb::ContractRenewedT e;
  e.contract_id = c.contract_id;
  e.old_renewal_date = old;
  e.new_renewal_date = c.renewal_date;
  e.renewal_deal_id = c.renewal_deal_id;
  env.EmitOn(**k, std::move(e));
  return env.Done(kContract, c.contract_id);
}

Result<Decision> EndContract(Env& env, const fb::EndContractT& c) {
  auto k = ActiveContract(env, c.contract_id);
  if (!k.ok()) return k.status();
  RAPPORT_RETURN_IF_ERROR(ValidateText(c.reason, "reason", 500, false));
  if (c.end_date) RAPPORT_RETURN_IF_ERROR(CheckDate(*c.end_date, "end_date"));
  fb::ContractEndedT e;
  e.contract_id = c.contract_id;
  e.end_date = c.end_date ? *c.end_date : Today(env);
  if (e.end_date < (*k)->Int("start_date")) {
    return Status::InvalidArgument("end_date is before the contract started");
  }
  e.reason = c.reason;
  env.EmitOn(**k, std::move(e));
  return env.Done(kContract, c.contract_id);
}

}  // namespace

MaybeDecision DecideSales(Env& env, const fb::CommandBodyUnion& b) {
  switch (b.type) {
    case fb::CommandBody::CreatePipeline: return CreatePipeline(env, *b.AsCreatePipeline());
    case fb::CommandBody::AddStage: return AddStage(env, *b.AsAddStage());
    case fb::CommandBody::UpdateStage: return UpdateStage(env, *b.AsUpdateStage());
    case fb::CommandBody::RemoveStage: return RemoveStage(env, *b.AsRemoveStage());
    case fb::CommandBody::ReorderStages: return ReorderStages(env, *b.AsReorderStages());
    case fb::CommandBody::ArchivePipeline: return ArchivePipeline(env, *b.AsArchivePipeline());
    case fb::CommandBody::OpenDeal: return OpenDeal(env, *b.AsOpenDeal());
    case fb::CommandBody::MoveDeal: return MoveDeal(env, *b.AsMoveDeal());
    case fb::CommandBody::SetDealLines: return SetDealLines(env, *b.AsSetDealLines());
    case fb::CommandBody::SetForecastCategory: return SetForecastCategory(env, *b.AsSetForecastCategory());
    case fb::CommandBody::WinDeal: return WinDeal(env, *b.AsWinDeal());
    case fb::CommandBody::LoseDeal: return LoseDeal(env, *b.AsLoseDeal());
    case fb::CommandBody::ReopenDeal: return ReopenDeal(env, *b.AsReopenDeal());
    case fb::CommandBody::StartContract: return StartContract(env, *b.AsStartContract());
    case fb::CommandBody::RenewContract: return RenewContract(env, *b.AsRenewContract());
    case fb::CommandBody::EndContract: return EndContract(env, *b.AsEndContract());
    default: return std::nullopt;
  }
}

}  // namespace rapport::domain::internal
