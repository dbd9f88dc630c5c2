#include "projections/describe.h"

#include "domain/enums.h"
#include "domain/money.h"
#include "domain/value.h"
#include "events/schema/payloads_generated.h"

namespace rapport::projections {
namespace {

std::string S(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

std::string Cut(std::string s, size_t n = 80) {
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return s.substr(0, cut) + "…";
}

std::string Money(const fb::Money* m) {
  return m ? domain::FormatMoneyGrouped(m->amount_minor(), S(m->currency())) : "no amount";
}

std::string Date(int32_t d) { return domain::FormatDate(d); }

std::string Changes(const flatbuffers::Vector<flatbuffers::Offset<fb::FieldChange>>* v) {
  if (!v || v->size() == 0) return "no change";
  std::string out;
  for (const auto* c : *v) {
    domain::Value o, n;
    if (c->old_value()) c->old_value()->UnPackTo(&o);
    if (c->new_value()) c->new_value()->UnPackTo(&n);
    std::string os = domain::FormatValue(o), ns = domain::FormatValue(n);
    if (!out.empty()) out += "; ";
    out += S(c->field()) + ": " + (os.empty() ? "—" : Cut(os, 40)) + " → " + (ns.empty() ? "—" : Cut(ns, 40));
  }
  return out;
}

std::string Duration(int seconds) {
  if (seconds < 60) return std::to_string(seconds) + " s";
  if (seconds < 3600) return std::to_string(seconds / 60) + " min";
  return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

}  // namespace

std::string Describe(const events::EventView& e) {
  std::string id(e.stream_id());
  switch (e.type()) {
    case fb::Payload::ContactCreated: {
      auto* p = e.payload_as<fb::ContactCreated>();
      std::string s = "Contact " + id + " created: " + S(p->first_name()) + " " + S(p->last_name());
      if (p->emails() && p->emails()->size()) s += " <" + p->emails()->Get(0)->str() + ">";
      return s;
    }
    case fb::Payload::ContactUpdated:
      return "Contact " + id + " updated: " + Changes(e.payload_as<fb::ContactUpdated>()->changes());
    case fb::Payload::ContactLifecycleChanged: {
      auto* p = e.payload_as<fb::ContactLifecycleChanged>();
      return "Contact " + id + " lifecycle: " + domain::LifecycleName(p->old_stage()) + " → " +
             domain::LifecycleName(p->new_stage());
    }
    case fb::Payload::ContactConsentChanged: {
      auto* p = e.payload_as<fb::ContactConsentChanged>();
      return "Contact " + id + (p->opted_out() ? " opted out of " : " opted in to ") +
             domain::ConsentChannelName(p->channel());
    }
    case fb::Payload::ContactMerged:
      return "Contact " + S(e.payload_as<fb::ContactMerged>()->merged_id()) + " merged into " + id;
    case fb::Payload::ContactMergedInto:
      return "Contact " + id + " merged into " + S(e.payload_as<fb::ContactMergedInto>()->survivor_id());
    case fb::Payload::ContactDeleted:
      return "Contact " + id + " deleted";
    case fb::Payload::CompanyCreated:
      return "Company " + id + " created: " + S(e.payload_as<fb::CompanyCreated>()->name());
    case fb::Payload::CompanyUpdated:
      return "Company " + id + " updated: " + Changes(e.payload_as<fb::CompanyUpdated>()->changes());
    case fb::Payload::CompanyMerged:
      return "Company " + S(e.payload_as<fb::CompanyMerged>()->merged_id()) + " merged into " + id;
    case fb::Payload::CompanyMergedInto:
      return "Company " + id + " merged into " + S(e.payload_as<fb::CompanyMergedInto>()->survivor_id());
    case fb::Payload::CompanyDeleted:
      return "Company " + id + " deleted";
    case fb::Payload::DealOpened: {
      auto* p = e.payload_as<fb::DealOpened>();
      return "Deal " + id + " opened in " + S(p->stage_id()) + ": " + S(p->name()) + ", " + Money(p->amount());
    }
    case fb::Payload::DealStageMoved: {
      auto* p = e.payload_as<fb::DealStageMoved>();
      return "Deal " + id + " moved: " + S(p->from_stage_id()) + " → " + S(p->to_stage_id());
    }
    case fb::Payload::DealAmountChanged: {
      auto* p = e.payload_as<fb::DealAmountChanged>();
      return "Deal " + id + " amount: " + Money(p->old_amount()) + " → " + Money(p->new_amount());
    }
    case fb::Payload::DealCloseDateChanged: {
      auto* p = e.payload_as<fb::DealCloseDateChanged>();
      return "Deal " + id + " expected close: " + (p->old_date() ? Date(*p->old_date()) : "—") + " → " +
             (p->new_date() ? Date(*p->new_date()) : "—");
    }
    case fb::Payload::DealOwnerChanged: {
      auto* p = e.payload_as<fb::DealOwnerChanged>();
      return "Deal " + id + " owner: " + S(p->old_owner_id()) + " → " + S(p->new_owner_id());
    }
    case fb::Payload::DealUpdated:
      return "Deal " + id + " updated: " + Changes(e.payload_as<fb::DealUpdated>()->changes());
    case fb::Payload::DealLinesSet:
      return "Deal " + id + " products changed";
    case fb::Payload::DealForecastCategorySet:
      return "Deal " + id + " forecast category: " +
             domain::ForecastCategoryName(e.payload_as<fb::DealForecastCategorySet>()->new_category());
    case fb::Payload::DealWon:
      return "Deal " + id + " won: " + Money(e.payload_as<fb::DealWon>()->amount());
    case fb::Payload::DealLost:
      return "Deal " + id + " lost: " + S(e.payload_as<fb::DealLost>()->reason());
    case fb::Payload::DealReopened:
      return "Deal " + id + " reopened in " + S(e.payload_as<fb::DealReopened>()->stage_id());
    case fb::Payload::ContractStarted: {
      auto* p = e.payload_as<fb::ContractStarted>();
      return "Contract " + id + " started from deal " + S(p->deal_id()) + ", renews " + Date(p->renewal_date());
    }
    case fb::Payload::ContractRenewed:
      return "Contract " + id + " renewed until " + Date(e.payload_as<fb::ContractRenewed>()->new_renewal_date());
    case fb::Payload::ContractEnded:
      return "Contract " + id + " ended";
    case fb::Payload::EmailLogged: {
      auto* p = e.payload_as<fb::EmailLogged>();
      return std::string(p->direction() == fb::Direction::Inbound ? "Email received" : "Email sent") + ": " +
             Cut(S(p->subject()));
    }
    case fb::Payload::CallLogged: {
      auto* p = e.payload_as<fb::CallLogged>();
      std::string s = "Call, " + Duration(p->duration_seconds()) + ", " + domain::CallOutcomeName(p->outcome());
      if (p->notes() && p->notes()->size()) s += ": " + Cut(S(p->notes()));
      return s;
    }
    case fb::Payload::MeetingLogged: {
      auto* p = e.payload_as<fb::MeetingLogged>();
      return "Meeting: " + Cut(S(p->title())) + " (" +
             Duration(static_cast<int>((p->end_us() - p->start_us()) / kMicrosPerSecond)) + ")";
    }
    case fb::Payload::NoteLogged:
      return "Note: " + Cut(S(e.payload_as<fb::NoteLogged>()->body()));
    case fb::Payload::FormSubmitted:
      return "Form '" + S(e.payload_as<fb::FormSubmitted>()->form_name()) + "' submitted";
    case fb::Payload::ActivityUpdated:
      return "Activity " + id + " edited: " + Changes(e.payload_as<fb::ActivityUpdated>()->changes());
    case fb::Payload::ActivityDeleted:
      return "Activity " + id + " deleted";
    case fb::Payload::TaskCreated: {
      auto* p = e.payload_as<fb::TaskCreated>();
      return "Task " + id + " for " + S(p->assignee_id()) + ": " + Cut(S(p->title())) + " (due " +
             FormatIso8601(p->due_us()) + ")";
    }
    case fb::Payload::TaskCompleted:
      return "Task " + id + " done";
    case fb::Payload::TaskReopened:
      return "Task " + id + " reopened";
    case fb::Payload::TaskRescheduled:
      return "Task " + id + " rescheduled to " + FormatIso8601(e.payload_as<fb::TaskRescheduled>()->new_due_us());
    case fb::Payload::TaskReassigned:
      return "Task " + id + " reassigned to " + S(e.payload_as<fb::TaskReassigned>()->new_assignee_id());
    case fb::Payload::TaskCancelled:
      return "Task " + id + " cancelled";
    case fb::Payload::TaskUpdated:
      return "Task " + id + " updated: " + Changes(e.payload_as<fb::TaskUpdated>()->changes());
    case fb::Payload::TicketOpened:
      return "Ticket " + id + " opened: " + Cut(S(e.payload_as<fb::TicketOpened>()->subject()));
    case fb::Payload::TicketAssigned:
      return "Ticket " + id + " assigned to " + S(e.payload_as<fb::TicketAssigned>()->new_assignee_id());
    case fb::Payload::TicketStatusChanged: {
      auto* p = e.payload_as<fb::TicketStatusChanged>();
      return "Ticket " + id + " " + domain::TicketStatusName(p->old_status()) + " → " +
             domain::TicketStatusName(p->new_status());
    }
    case fb::Payload::TicketReopened:
      return "Ticket " + id + " reopened";
    case fb::Payload::TicketUpdated:
      return "Ticket " + id + " updated: " + Changes(e.payload_as<fb::TicketUpdated>()->changes());
    case fb::Payload::RuleDefined: {
      auto* p = e.payload_as<fb::RuleDefined>();
      return "Rule " + id + " defined" + (p->enabled() ? "" : " (disabled)") + ": " +
             Cut(p->definition() ? S(p->definition()->name()) : "");
    }
    case fb::Payload::RuleChanged:
      return "Rule " + id + " changed";
    case fb::Payload::RuleEnabled:
      return "Rule " + id + " enabled";
    case fb::Payload::RuleDisabled:
      return "Rule " + id + " disabled" + (S(e.payload_as<fb::RuleDisabled>()->reason()).empty()
                                               ? std::string()
                                               : ": " + Cut(S(e.payload_as<fb::RuleDisabled>()->reason())));
    case fb::Payload::TeamAssignmentRouted: {
      auto* p = e.payload_as<fb::TeamAssignmentRouted>();
      return "Team " + id + " routed " + S(p->record_type()) + " " + S(p->record_id()) + " to " + S(p->user_id()) +
             " (" + S(p->routing()) + ")";
    }
    case fb::Payload::NotificationSent: {
      auto* p = e.payload_as<fb::NotificationSent>();
      std::string to;
      if (p->recipient_ids()) {
        for (const auto* r : *p->recipient_ids()) to += (to.empty() ? "" : ", ") + S(r);
      }
      return "Notification for " + to + ": " + Cut(S(p->message()));
    }
    case fb::Payload::RuleFired: {
      auto* p = e.payload_as<fb::RuleFired>();
      std::string out = "Rule " + S(p->rule_id()) + " fired on " + S(p->record_type()) + " " + S(p->record_id()) + ": " +
                        std::to_string(p->actions_run()) + " action(s) run";
      if (p->problems() && p->problems()->size() > 0) out += ", " + std::to_string(p->problems()->size()) + " refused";
      return out;
    }
    case fb::Payload::ScoringModelSet: {
      auto* p = e.payload_as<fb::ScoringModelSet>();
      size_t n = p->new_model() && p->new_model()->criteria() ? p->new_model()->criteria()->size() : 0;
      return std::string(p->old_model() ? "Scoring model changed: " : "Scoring model set: ") + std::to_string(n) +
             " criteria";
    }
    case fb::Payload::LeadScored: {
      auto* p = e.payload_as<fb::LeadScored>();
      return "Contact " + id + " lead score " + std::to_string(p->previous_score()) + " → " +
             std::to_string(p->score()) + " (" + Cut(S(p->cause())) + ")";
    }
    default:
      return e.type_name() + " " + std::string(e.stream_type()) + "/" + id;
  }
}

}  // namespace rapport::projections
