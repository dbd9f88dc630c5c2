// Acme Robotics itself, as the demo generator (cli/demo_generator.h) sets it up: its staff, its
// products and the stages of its two pipelines, with how deals behave in each stage. Only the
// generator uses these; their order is part of the seed's story (user i is "U-<i+1>").
#pragma once

#include <cstdint>
#include <vector>

#include "events/schema/common_generated.h"

namespace rapport::cli::demo {

struct ProductInfo {
  const char* id;
  const char* name;
  const char* code;
  int64_t price_eur;
  bool hardware;
};
// P-1 to P-6: three robots (the first three), a vision system, a licence and a service plan.
extern const std::vector<ProductInfo> kProducts;

// An open stage and how deals behave in it (new business; renewals use the names only).
struct StageInfo {
  const char* id;
  const char* name;
  int probability;
  double dwell_min, dwell_max;  // days
  double lose, back;            // chance of losing the deal, of moving it back a stage
  int acts_min, acts_max;       // activities while in the stage
};
extern const std::vector<StageInfo> kNewBusiness;  // PL-1
extern const std::vector<StageInfo> kRenewals;     // PL-2
constexpr int kProposal = 3, kNegotiation = 4;     // indexes into kNewBusiness

struct UserInfo {
  const char* name;
  fb::Role role;
  const char* title;
  int team;       // index into Territories(), -1 for none
  int joins_day;  // days after the start (0: from the start)
};
// U-1 (the admin) first; the managers are the first of each team.
extern const std::vector<UserInfo> kUsers;
constexpr int kLeaver = 9;      // Tobias Koch leaves...
constexpr int kSuccessor = 32;  // ...and Emma Richter takes over his accounts
constexpr int kLeaveDay = 455;  // days after the start
constexpr int kMarketing = 29;  // logs the web forms

}  // namespace rapport::cli::demo
