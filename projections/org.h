// OrgProjection: the workspace (home currency, exchange rates), users, teams and pipelines,
// as they were at any instant: what the sales read models need to name people, group by team,
// weigh by stage probability and convert money.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "domain/money.h"
#include "projections/entity_table.h"
#include "projections/projection.h"

namespace rapport::projections {

struct StageDef {
  Sym id = 0;
  Sym name = 0;
  int probability = 0;
};

struct PipelineView {
  bool exists = false;
  Sym id = 0;
  Sym name = 0;
  bool archived = false;
  std::vector<StageDef> stages;  // open stages in order
  // Index of a stage among the open stages, or -1.
  int IndexOf(Sym stage) const;
  const StageDef* Stage(Sym stage) const;
};

struct UserView {
  bool exists = false;
  Sym name = 0;
  std::string role;
  bool active = false;
};

struct TeamView {
  bool exists = false;
  Sym id = 0;
  Sym name = 0;
  Sym manager = 0;
  std::set<Sym> members;
};

class OrgProjection final : public Projection {
 public:
  explicit OrgProjection(Interner* strings) : s_(strings) {}
  std::string_view name() const override { return "org"; }
  uint32_t version() const override { return 1; }
  void Apply(const events::EventView& e) override;
  void Serialize(BinaryWriter* w) const override;
  bool Deserialize(BinaryReader* r) override;
  void Clear() override;

  PipelineView Pipeline(Sym id, const AsOf& at) const;
  std::vector<PipelineView> Pipelines(const AsOf& at) const;
  UserView User(Sym id, const AsOf& at) const;
  std::vector<TeamView> Teams(const AsOf& at) const;
  // Home currency and exchange rates in force in that view.
  domain::ExchangeRates Rates(const AsOf& at) const;

  struct Delta {
    uint64_t position = 0;
    Micros occurred = 0;
    uint8_t kind = 0;
    Sym a = 0, b = 0;        // meaning depends on kind (see org.cc)
    int64_t n = 0, m = 0;
    std::vector<Sym> list;   // members, stage order
    std::vector<StageDef> stages;
  };

 private:
  Interner* s_;
  Delta Base(const events::EventView& e, uint8_t kind) const;
  EntityTable<Delta> pipelines_, users_, teams_, workspace_;
};

}  // namespace rapport::projections
