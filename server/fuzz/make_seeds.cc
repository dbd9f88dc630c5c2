// Writes one seed file per request type (a frame, as a client sends it) into the directory
// named on the command line: the fuzzer's starting corpus (server/fuzz/corpus).
#include <fstream>
#include <iostream>

#include "server/frame.h"
#include "server/protocol.h"

using namespace rapport;
using namespace rapport::server;

namespace {

void Write(const std::string& dir, const std::string& name, const std::string& message) {
  std::ofstream f(dir + "/" + name, std::ios::binary);
  std::string frame = EncodeFrame(message);
  f.write(frame.data(), static_cast<std::streamsize>(frame.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds DIR\n";
    return 2;
  }
  std::string dir = argv[1];
  {
    flatbuffers::FlatBufferBuilder fbb;
    Write(dir, "hello", FinishRequest(fbb, 1, proto::CreateHelloDirect(fbb, 1, "rpt_abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst", "seed")));
  }
  {
    fb::CommandT cmd;
    cmd.command_id = "seed-1";
    fb::CreateContactT c;
    c.first_name = "Ada";
    c.last_name = "Lovelace";
    c.emails = {"ada@example.com"};
    c.tags = {"vip", "seed"};
    cmd.body.Set(std::move(c));
    flatbuffers::FlatBufferBuilder fbb;
    auto packed = fb::Command::Pack(fbb, &cmd);
    Write(dir, "execute-create-contact", FinishRequest(fbb, 2, proto::CreateExecute(fbb, packed)));
  }
  {
    fb::CommandT cmd;
    fb::OpenDealT d;
    d.name = "Seed deal";
    d.pipeline_id = "PL-1";
    d.amount = std::make_unique<fb::MoneyT>();
    d.amount->amount_minor = 1250000;
    d.amount->currency = "EUR";
    cmd.body.Set(std::move(d));
    flatbuffers::FlatBufferBuilder fbb;
    auto packed = fb::Command::Pack(fbb, &cmd);
    Write(dir, "execute-open-deal", FinishRequest(fbb, 3, proto::CreateExecute(fbb, packed)));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto view = proto::CreateView(fbb, proto::ViewMode::Recorded, 1498780800000000);
    auto from = proto::CreateView(fbb, proto::ViewMode::Effective, 1496275200000000);
    Write(dir, "query-diff", FinishRequest(fbb, 4, proto::CreateQueryDirect(fbb, "diff", view, from, "PL-1")));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    Write(dir, "query-timeline",
          FinishRequest(fbb, 5, proto::CreateQueryDirect(fbb, "timeline", 0, 0, nullptr, nullptr, nullptr, nullptr,
                                                         "deal/D-3", nullptr, nullptr, nullptr, nullptr, nullptr, -1,
                                                         nullptr, nullptr, nullptr, 20, "1:2")));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    Write(dir, "read-stream", FinishRequest(fbb, 6, proto::CreateReadStreamDirect(fbb, "deal", "D-1", 1, 100)));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    Write(dir, "list-streams", FinishRequest(fbb, 7, proto::CreateListStreamsDirect(fbb, "contact", "C-1", 10)));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    Write(dir, "read-log", FinishRequest(fbb, 8, proto::CreateReadLog(fbb, 1, 1000)));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    auto types = fbb.CreateVectorOfStrings({"deal", "contact"});
    auto ids = fbb.CreateVectorOfStrings({"D-1"});
    auto evs = fbb.CreateVectorOfStrings({"DealMoved"});
    Write(dir, "subscribe", FinishRequest(fbb, 9, proto::CreateSubscribe(fbb, 1, types, ids, evs)));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    Write(dir, "unsubscribe", FinishRequest(fbb, 10, proto::CreateUnsubscribe(fbb, 9)));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    Write(dir, "ping", FinishRequest(fbb, 11, proto::CreatePing(fbb, 42)));
  }
  {
    flatbuffers::FlatBufferBuilder fbb;
    Write(dir, "stats", FinishRequest(fbb, 12, proto::CreateStats(fbb)));
  }
  // For the handler fuzzer (handler_fuzzer.cc), which holds PL-1 (s1, s2, s3), CO-1, C-1
  // and D-1: commands that change those records, and a query of each kind with a view.
  auto execute = [&](const std::string& name, uint64_t id, fb::CommandT cmd) {
    flatbuffers::FlatBufferBuilder fbb;
    auto packed = fb::Command::Pack(fbb, &cmd);
    Write(dir, name, FinishRequest(fbb, id, proto::CreateExecute(fbb, packed)));
  };
  {
    fb::MoveDealT m;
    m.deal_id = "D-1";
    m.stage_id = "s2";
    fb::CommandT cmd;
    cmd.body.Set(std::move(m));
    execute("execute-move-deal", 13, std::move(cmd));
  }
  {
    fb::LogNoteT n;
    n.body = "Called about the renewal";
    n.links = std::make_unique<fb::LinksT>();
    n.links->contact_ids = {"C-1"};
    n.links->deal_ids = {"D-1"};
    fb::CommandT cmd;
    cmd.occurred_at_us = 1496275200000000;  // backdated
    cmd.body.Set(std::move(n));
    execute("execute-log-note", 14, std::move(cmd));
  }
  {
    fb::UpdateRecordT u;
    u.record_type = "contact";
    u.record_id = "C-1";
    auto f = std::make_unique<fb::FieldValueT>();
    f->field = "title";
    f->value = std::make_unique<fb::ValueT>();
    f->value->kind = fb::ValueKind::Text;
    f->value->text = "CTO";
    u.set.push_back(std::move(f));
    u.unset = {"phones"};
    fb::CommandT cmd;
    cmd.body.Set(std::move(u));
    execute("execute-update-record", 15, std::move(cmd));
  }
  {
    fb::CreateTaskT t;
    t.title = "Send the proposal";
    t.due_us = 1498780800000000;
    t.assignee_id = "U-2";
    t.links = std::make_unique<fb::LinksT>();
    t.links->deal_ids = {"D-1"};
    fb::CommandT cmd;
    cmd.body.Set(std::move(t));
    execute("execute-create-task", 16, std::move(cmd));
  }
  {
    fb::WinDealT won;
    won.deal_id = "D-1";
    won.amount = std::make_unique<fb::MoneyT>();
    won.amount->amount_minor = 1300000;
    won.amount->currency = "EUR";
    fb::CommandT cmd;
    cmd.body.Set(std::move(won));
    execute("execute-win-deal", 17, std::move(cmd));
  }
  {
    fb::DefineRuleT r;
    r.rule_id = "big-deal-moved";
    r.definition = std::make_unique<fb::RuleDefinitionT>();
    r.definition->name = "Big deal moved";
    r.definition->trigger = fb::RuleTrigger::Event;
    r.definition->event_type = "DealStageMoved";
    auto c = std::make_unique<fb::RuleConditionT>();
    c->field = "amount";
    c->op = ">=";
    c->value = "10000 EUR";
    r.definition->conditions.push_back(std::move(c));
    auto stage = std::make_unique<fb::RuleConditionT>();
    stage->field = "event.to_stage_id";
    stage->op = "in";
    stage->value = "s2,s3";
    r.definition->conditions.push_back(std::move(stage));
    auto task = std::make_unique<fb::RuleActionT>();
    task->kind = fb::RuleActionKind::CreateTask;
    task->text = "Call {name} about {amount}";
    task->due_minutes = 60;
    task->assignee = "owner";
    r.definition->actions.push_back(std::move(task));
    auto notify = std::make_unique<fb::RuleActionT>();
    notify->kind = fb::RuleActionKind::Notify;
    notify->text = "{id} moved";
    notify->assignee = "manager";
    r.definition->actions.push_back(std::move(notify));
    fb::CommandT cmd;
    cmd.body.Set(std::move(r));
    execute("execute-define-rule", 18, std::move(cmd));
  }
  {
    fb::SetScoringModelT m;
    m.model = std::make_unique<fb::ScoringModelT>();
    auto title = std::make_unique<fb::ScoringCriterionT>();
    title->label = "VP title";
    title->points = 20;
    title->field = "title";
    title->op = "contains";
    title->value = "VP";
    m.model->criteria.push_back(std::move(title));
    auto meeting = std::make_unique<fb::ScoringCriterionT>();
    meeting->label = "meeting";
    meeting->points = 15;
    meeting->behaviour = fb::ScoreBehaviour::Meeting;
    meeting->max_count = 3;
    m.model->criteria.push_back(std::move(meeting));
    m.model->half_life_days = 30;
    fb::CommandT cmd;
    cmd.body.Set(std::move(m));
    execute("execute-set-scoring-model", 19, std::move(cmd));
  }
  struct Q {
    const char* name;
    const char* kind;
    const char* record;
    const char* text;
    const char* report;
    const char* period;
    const char* group;
  };
  uint64_t qid = 20;
  for (const Q& q : {Q{"query-board", "board", nullptr, nullptr, nullptr, nullptr, nullptr},
                     Q{"query-forecast", "forecast", nullptr, nullptr, nullptr, "quarter", "owner"},
                     Q{"query-report", "report", nullptr, nullptr, "winrate", nullptr, nullptr},
                     Q{"query-search", "search", nullptr, "ada", nullptr, nullptr, nullptr},
                     Q{"query-history", "history", "contact/C-1", nullptr, nullptr, nullptr, nullptr},
                     Q{"query-stale", "stale", nullptr, nullptr, nullptr, nullptr, nullptr},
                     Q{"query-followups", "followups", nullptr, nullptr, nullptr, nullptr, nullptr},
                     Q{"query-score", "score", "C-1", nullptr, nullptr, nullptr, nullptr}}) {
    flatbuffers::FlatBufferBuilder fbb;
    auto view = proto::CreateView(fbb, proto::ViewMode::Effective, 1498780800000000);
    Write(dir, q.name,
          FinishRequest(fbb, qid, proto::CreateQueryDirect(fbb, q.kind, view, 0, "PL-1", nullptr, nullptr, nullptr,
                                                           q.record, nullptr, q.text, q.report, q.period, q.group,
                                                           30, "100", "2017-01-01", "2017-12-31", 10, nullptr)));
    ++qid;
  }
  return 0;
}
