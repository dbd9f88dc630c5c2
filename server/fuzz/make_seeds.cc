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
  return 0;
}
