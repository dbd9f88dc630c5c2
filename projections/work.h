// WorkProjection: tasks, tickets and contracts in every view — what the follow-up queues need
// ("who should I call today", tickets waiting on us, renewals coming up).
#pragma once

#include <vector>

#include "projections/deals.h"
#include "projections/entity_table.h"
#include "projections/projection.h"

namespace rapport::projections {

struct TaskView {
  bool exists = false;
  Sym id = 0, title = 0, assignee = 0, link = 0;  // link: the first linked record ("deal/D-3")
  Micros due = 0;
  uint8_t priority = 0;  // fb::Priority
  uint8_t status = 0;    // 0 open, 1 done, 2 cancelled
  Micros created_at = 0;
};

struct TicketView {
  bool exists = false;
  Sym id = 0, subject = 0, contact = 0, company = 0, assignee = 0;
  uint8_t priority = 0;
  uint8_t status = 0;  // fb::TicketStatus: 0 open (waiting on us), 1 pending, 2 resolved, 3 closed
  Micros opened_at = 0;
  Micros status_since = 0;  // when it entered its current status
};

struct ContractView {
  bool exists = false;
  Sym id = 0, deal = 0, company = 0, owner = 0, currency = 0;
  int64_t amount = 0;
  int32_t start_date = kNoDate, renewal_date = kNoDate, end_date = kNoDate;
  bool active = false;
};

class WorkProjection final : public Projection {
 public:
  explicit WorkProjection(Interner* strings) : s_(strings) {}
  std::string_view name() const override { return "work"; }
  uint32_t version() const override { return 1; }
  void Apply(const events::EventView& e) override;
  void Serialize(BinaryWriter* w) const override;
  bool Deserialize(BinaryReader* r) override;
  void Clear() override;

  std::vector<TaskView> Tasks(const AsOf& at) const;
  std::vector<TicketView> Tickets(const AsOf& at) const;
  std::vector<ContractView> Contracts(const AsOf& at) const;

  struct Delta {
    uint64_t position = 0;
    Micros occurred = 0;
    uint16_t mask = 0;
    uint8_t status = 0, priority = 0;
    Sym a = 0, b = 0, c = 0, d = 0, e = 0;  // per kind (see work.cc)
    int64_t n = 0, m = 0;
    int32_t date1 = kNoDate, date2 = kNoDate;
  };

 private:
  Interner* s_;
  EntityTable<Delta> tasks_, tickets_, contracts_;
};

}  // namespace rapport::projections
