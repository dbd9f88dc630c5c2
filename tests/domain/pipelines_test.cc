// Pipelines and their stages: create, add, update, remove, reorder, archive (admin only).
#include "domain_builders.h"

using namespace rapport;
using namespace rapport::domain;
using namespace rapport::domain::testing;

namespace {

std::unique_ptr<fb::StageT> Stage(const std::string& id, const std::string& name, int probability) {
  auto s = std::make_unique<fb::StageT>();
  s->stage_id = id;
  s->name = name;
  s->probability = probability;
  return s;
}

fb::CreatePipelineT Renewals() {
  fb::CreatePipelineT p;
  p.pipeline_id = "pl-renew";
  p.name = " Renewals ";
  p.stages.push_back(Stage("", "Due", 50));
  p.stages.push_back(Stage("", "Quoted", 70));
  return p;
}

fb::CommandT Add(const std::string& pipeline, std::unique_ptr<fb::StageT> stage, int index = -1) {
  fb::AddStageT a;
  a.pipeline_id = pipeline;
  a.stage = std::move(stage);
  a.index = index;
  return Cmd(std::move(a));
}

fb::CommandT UpdateStage(const std::string& stage, const std::string& name, int probability = -1) {
  fb::UpdateStageT u;
  u.pipeline_id = "pl-sales";
  u.stage_id = stage;
  u.name = name;
  u.probability = probability;
  return Cmd(std::move(u));
}

fb::CommandT Remove(const std::string& pipeline, const std::string& stage) {
  fb::RemoveStageT r;
  r.pipeline_id = pipeline;
  r.stage_id = stage;
  return Cmd(std::move(r));
}

fb::CommandT Reorder(std::vector<std::string> order) {
  fb::ReorderStagesT r;
  r.pipeline_id = "pl-sales";
  r.order = std::move(order);
  return Cmd(std::move(r));
}

fb::CommandT Archive(const std::string& pipeline) {
  fb::ArchivePipelineT a;
  a.pipeline_id = pipeline;
  return Cmd(std::move(a));
}

std::vector<std::string> StageIds(const RecordState& p) {
  std::vector<std::string> out;
  for (const auto& s : p.stages) out.push_back(s.id);
  return out;
}

}  // namespace

TEST_CASE("an admin creates a pipeline with ordered stages", "[domain][pipeline]") {
  Harness h;
  const RecordState& sales = h.Get("pipeline", "pl-sales");
  CHECK(StageIds(sales) == std::vector<std::string>{"s1", "s2", "s3"});
  CHECK(sales.Stage("s2")->name == "Proposal");
  CHECK(sales.Stage("s3")->probability == 80);

  h.MustRun(h.admin(), Cmd(Renewals()));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"PipelineCreated"});
  const RecordState& p = h.Get("pipeline", "pl-renew");
  CHECK(p.Text("name") == "Renewals");
  // Stage ids are allocated from their position when not given.
  CHECK(StageIds(p) == std::vector<std::string>{"S1", "S2"});
  CHECK(p.Stage("S2")->name == "Quoted");
  CHECK(p.Stage("S2")->probability == 70);
}

TEST_CASE("pipeline creation refusals", "[domain][pipeline]") {
  Harness h;
  auto with = [&](auto spoil) {
    fb::CreatePipelineT p = Renewals();
    spoil(p);
    return h.Run(h.admin(), Cmd(std::move(p)));
  };
  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Cmd(Renewals())), S::kPermissionDenied,
                            "only admins may change pipelines");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.pipeline_id = "pl-sales"; }),
                            S::kAlreadyExists, "pipeline pl-sales already exists");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.name = ""; }), S::kInvalidArgument,
                            "name is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.stages.clear(); }), S::kInvalidArgument,
                            "stages: a pipeline needs at least one stage");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) {
                              p.stages.clear();
                              for (int i = 0; i < 31; ++i) p.stages.push_back(Stage("", "x" + std::to_string(i), 1));
                            }),
                            S::kInvalidArgument, "stages: at most 30");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.stages[1]->stage_id = "won"; }),
                            S::kInvalidArgument, "stages[1]: 'won' is reserved");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.stages[0]->stage_id = "lost"; }),
                            S::kInvalidArgument, "'lost' is reserved");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.stages[0]->stage_id = "a b"; }),
                            S::kInvalidArgument, "stages[0] stage id 'a b'");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.stages[1]->name = " "; }), S::kInvalidArgument,
                            "stages[1] name is required");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.stages[0]->probability = 101; }),
                            S::kInvalidArgument, "stages[0] probability must be 0 to 100, got 101");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.stages[0]->probability = -1; }),
                            S::kInvalidArgument, "got -1");
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) { p.stages[1]->stage_id = "S1"; }),
                            S::kAlreadyExists, "already has a stage S1");
  // Stage names compare case- and accent-insensitively.
  REQUIRE_REFUSED_UNCHANGED(h, with([](auto& p) {
                              p.stages[0]->name = "Négociation";
                              p.stages[1]->name = "negociation";
                            }),
                            S::kAlreadyExists, "already has a stage named 'Négociation'");
  CHECK_FALSE(h.Exists("pipeline", "pl-renew"));
}

TEST_CASE("stages are added at the end or at a position", "[domain][pipeline]") {
  Harness h;
  h.MustRun(h.admin(), Add("pl-sales", Stage("s4", "Contract sent", 90)));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"PipelineStageAdded"});
  CHECK(h.LastEvent().payload_as<fb::PipelineStageAdded>()->index() == 3);
  h.MustRun(h.admin(), Add("pl-sales", Stage("s0", "Lead in", 5), 0));
  h.MustRun(h.admin(), Add("pl-sales", Stage("", "Demo", 30), 3));
  const RecordState& p = h.Get("pipeline", "pl-sales");
  CHECK(StageIds(p) == std::vector<std::string>{"s0", "s1", "s2", "S6", "s3", "s4"});
  CHECK(p.Stage("S6")->name == "Demo");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Add("pl-sales", Stage("s9", "Later", 1))),
                            S::kPermissionDenied, "only admins may change pipelines");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-none", Stage("s9", "Later", 1))),
                            S::kNotFound, "pipeline_id: there is no pipeline pl-none");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", nullptr)), S::kInvalidArgument,
                            "stage is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", Stage("won", "Won", 100))),
                            S::kInvalidArgument, "'won' is reserved");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", Stage("s9", "", 1))),
                            S::kInvalidArgument, "stage name is required");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", Stage("s9", "Later", 120))),
                            S::kInvalidArgument, "stage probability must be 0 to 100");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", Stage("s1", "Other", 1))),
                            S::kAlreadyExists, "pipeline pl-sales already has a stage s1");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", Stage("s9", "PROPOSAL", 1))),
                            S::kAlreadyExists, "already has a stage named 'Proposal'");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", Stage("s9", "Later", 1), 7)),
                            S::kInvalidArgument, "index must be -1 (the end) or 0 to 6");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", Stage("s9", "Later", 1), -2)),
                            S::kInvalidArgument, "index must be -1");
}

TEST_CASE("a stage's name and probability change with old and new values", "[domain][pipeline]") {
  Harness h;
  h.MustRun(h.admin(), UpdateStage("s2", " Proposal sent ", 45));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"PipelineStageUpdated"});
  auto ch = ChangesIn<fb::PipelineStageUpdated>(h.LastEvent());
  CHECK(Shown(ch["name"].old_value) == "Proposal");
  CHECK(Shown(ch["name"].new_value) == "Proposal sent");
  CHECK(ch["probability"].old_value.int_value == 40);
  CHECK(ch["probability"].new_value.int_value == 45);
  CHECK(h.LastEvent().payload_as<fb::PipelineStageUpdated>()->stage_id()->str() == "s2");
  const RecordState& p = h.Get("pipeline", "pl-sales");
  CHECK(p.Stage("s2")->name == "Proposal sent");
  CHECK(p.Stage("s2")->probability == 45);
  CHECK(p.Stage("s1")->probability == 10);
  // Only the probability: the name is left as it is.
  h.MustRun(h.admin(), UpdateStage("s1", "", 0));
  CHECK(ChangesIn<fb::PipelineStageUpdated>(h.LastEvent()).size() == 1);
  CHECK(h.Get("pipeline", "pl-sales").Stage("s1")->probability == 0);
  CHECK(h.Get("pipeline", "pl-sales").Stage("s1")->name == "Qualify");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), UpdateStage("s2", "x")), S::kPermissionDenied,
                            "only admins may change pipelines");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UpdateStage("s9", "x")), S::kNotFound,
                            "pipeline pl-sales has no stage s9");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UpdateStage("s2", "negotiate")), S::kAlreadyExists,
                            "already has a stage named 'Negotiate'");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UpdateStage("s2", "", 101)), S::kInvalidArgument,
                            "probability must be 0 to 100");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UpdateStage("s2", "Proposal sent", 45)),
                            S::kFailedPrecondition, "stage s2 already looks like that");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UpdateStage("s2", "", -1)), S::kFailedPrecondition,
                            "already looks like that");
}

TEST_CASE("removing a stage leaves its deals where they are until moved", "[domain][pipeline]") {
  Harness h;
  std::string deal = MakeDeal(h, h.As("u-alan"));
  fb::MoveDealT m;
  m.deal_id = deal;
  m.stage_id = "s2";
  h.MustRun(h.As("u-alan"), Cmd(m));

  h.MustRun(h.admin(), Remove("pl-sales", "s2"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"PipelineStageRemoved"});
  CHECK(StageIds(h.Get("pipeline", "pl-sales")) == std::vector<std::string>{"s1", "s3"});
  CHECK(h.Get("deal", deal).Text("stage_id") == "s2");
  // Moving back into the removed stage is refused; moving on is fine.
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(m)), StatusCode::kNotFound,
                            "stage_id: pipeline pl-sales has no stage s2");
  m.stage_id = "s3";
  h.MustRun(h.As("u-alan"), Cmd(m));
  CHECK(h.LastEvent().payload_as<fb::DealStageMoved>()->from_stage_id()->str() == "s2");

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Remove("pl-sales", "s1")),
                            S::kPermissionDenied, "only admins may change pipelines");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Remove("pl-sales", "s2")), S::kNotFound,
                            "pipeline pl-sales has no stage s2");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Remove("pl-none", "s1")), S::kNotFound,
                            "there is no pipeline pl-none");
  h.MustRun(h.admin(), Remove("pl-sales", "s1"));
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Remove("pl-sales", "s3")), S::kFailedPrecondition,
                            "stage s3 is the pipeline's only stage: add another first");
}

TEST_CASE("stages are reordered, listing each exactly once", "[domain][pipeline]") {
  Harness h;
  h.MustRun(h.admin(), Reorder({"s3", "s1", "s2"}));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"PipelineStagesReordered"});
  const auto* e = h.LastEvent().payload_as<fb::PipelineStagesReordered>();
  REQUIRE(e->old_order() != nullptr);
  REQUIRE(e->new_order() != nullptr);
  CHECK(e->old_order()->size() == 3);
  CHECK(e->old_order()->Get(0)->str() == "s1");
  CHECK(e->new_order()->Get(0)->str() == "s3");
  const RecordState& p = h.Get("pipeline", "pl-sales");
  CHECK(StageIds(p) == std::vector<std::string>{"s3", "s1", "s2"});
  CHECK(p.Stage("s3")->probability == 80);  // stages keep their names and probabilities

  using S = StatusCode;
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Reorder({"s1", "s2", "s3"})),
                            S::kPermissionDenied, "only admins may change pipelines");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Reorder({"s1", "s2"})), S::kInvalidArgument,
                            "order must list every stage of pl-sales exactly once: s3, s1, s2");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Reorder({"s1", "s2", "s2"})), S::kInvalidArgument,
                            "exactly once");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Reorder({"s1", "s2", "s3", "s4"})),
                            S::kInvalidArgument, "exactly once");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Reorder({"s3", "s1", "s2"})), S::kFailedPrecondition,
                            "the stages are already in that order");
}

TEST_CASE("an archived pipeline takes no new deals and no more changes", "[domain][pipeline]") {
  Harness h;
  std::string deal = MakeDeal(h, h.As("u-alan"));
  h.MustRun(h.admin(), Archive("pl-sales"));
  CHECK(h.LastEventTypes() == std::vector<std::string>{"PipelineArchived"});
  CHECK(h.Get("pipeline", "pl-sales").Int("archived") == 1);

  using S = StatusCode;
  fb::OpenDealT d;
  d.name = "Late";
  d.pipeline_id = "pl-sales";
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-alan"), Cmd(std::move(d))), S::kFailedPrecondition,
                            "pipeline pl-sales is archived: open deals in another");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Add("pl-sales", Stage("s9", "Later", 1))),
                            S::kFailedPrecondition, "pipeline pl-sales is archived");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), UpdateStage("s1", "First")),
                            S::kFailedPrecondition, "pipeline pl-sales is archived");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Remove("pl-sales", "s1")), S::kFailedPrecondition,
                            "is archived");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Reorder({"s3", "s2", "s1"})),
                            S::kFailedPrecondition, "is archived");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Archive("pl-sales")), S::kFailedPrecondition,
                            "pipeline pl-sales is archived");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.As("u-grace"), Archive("pl-sales")), S::kPermissionDenied,
                            "only admins may change pipelines");
  REQUIRE_REFUSED_UNCHANGED(h, h.Run(h.admin(), Archive("pl-none")), S::kNotFound,
                            "there is no pipeline pl-none");
  // Its deals carry on.
  CHECK(h.Get("deal", deal).live());
}
