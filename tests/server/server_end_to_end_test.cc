// The Asio server end to end, through real sockets and the client library: pipelining,
// bad input closing only its own connection, the change feed without gaps or duplicates,
// limits and timeouts.
#include <catch2/catch.hpp>

#include <asio.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "server_fixture.h"

using namespace rapport;
using namespace rapport::server;
using namespace rapport::server::testing;

namespace {

// A raw socket for sending what no well-behaved client would.
struct RawConnection {
  explicit RawConnection(uint16_t port, int receive_buffer = 0) : socket(io) {
    socket.open(asio::ip::tcp::v4());
    if (receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    timeval tv{30, 0};  // a misbehaving server fails the test instead of hanging it
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  void Write(const std::string& bytes) { asio::write(socket, asio::buffer(bytes)); }
  // Reads frames until the server closes the connection (or `limit` frames).
  std::vector<DecodedResponse> ReadUntilClosed(size_t limit = 1000) {
    std::vector<DecodedResponse> out;
    FrameParser p(64 << 20);
    std::array<char, 4096> buf;
    while (out.size() < limit) {
      asio::error_code ec;
      size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec) break;
      const char* d = buf.data();
      size_t size = n;
      while (p.Feed(&d, &size) == FrameParser::State::kFrame) {
        auto r = DecodeResponse(p.TakeFrame());
        REQUIRE(r.ok());
        out.push_back(std::move(*r));
      }
    }
    return out;
  }
  asio::io_context io;
  asio::ip::tcp::socket socket;
};

std::string Hello(const std::string& token) {
  flatbuffers::FlatBufferBuilder fbb;
  return EncodeFrame(FinishRequest(fbb, 1, proto::CreateHelloDirect(fbb, kProtocolVersion, token.c_str(), "raw")));
}

}  // namespace

TEST_CASE("a client pipelines hundreds of commands and gets every answer by id", "[server][e2e]") {
  ServerFixture s;
  auto c = s.Connect(s.rep_token);
  CHECK(c->hello().user_id == "u-alan");
  uint64_t before = s.f.log->LastPosition();
  std::vector<uint64_t> ids;
  for (int i = 0; i < 300; ++i) {
    auto id = c->SendExecute(NewContact("P" + std::to_string(i), "pipe-" + std::to_string(i)));
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  std::set<std::string> records;
  // Wait in reverse order: answers are matched by id, not by arrival.
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    auto d = c->Wait(*it);
    REQUIRE(d.ok());
    REQUIRE(d->code() == StatusCode::kOk);
    records.insert(d->response->body_as_CommandReply()->result()->record_id()->str());
  }
  CHECK(records.size() == 300);
  CHECK(s.f.log->LastPosition() == before + 300);
  // Retrying a command id writes nothing and answers with the original record.
  auto again = c->Execute(NewContact("P7", "pipe-7"));
  REQUIRE(again.ok());
  CHECK(again->duplicate);
  CHECK(s.f.log->LastPosition() == before + 300);
  auto stats = c->Stats();
  REQUIRE(stats.ok());
  CHECK(stats->commands >= 301);
  CHECK(stats->connections == 1);
}

TEST_CASE("a connection's unanswered request bytes are bounded and every request is still answered",
          "[server][e2e]") {
  // Notes of ~40 KiB each, 40 pipelined: far more bytes than the budget, so the server
  // must stop reading and resume as answers go out. A budget of 1 byte serves one
  // request at a time (a frame that arrives whole is always taken).
  for (size_t budget : {size_t{1}, size_t{100} << 10}) {
    DYNAMIC_SECTION("max_request_bytes " << budget) {
      ServerOptions o = ServerFixture::Defaults();
      o.max_request_bytes = budget;
      ServerFixture s(o);
      auto c = s.Connect(s.rep_token);
      auto contact = c->Execute(NewContact("Bounded"));
      REQUIRE(contact.ok());
      const uint64_t before = s.f.log->LastPosition();
      std::vector<uint64_t> ids;
      for (int i = 0; i < 40; ++i) {
        fb::LogNoteT n;
        n.body = std::string(40 << 10, static_cast<char>('a' + i % 26));
        n.links = std::make_unique<fb::LinksT>();
        n.links->contact_ids = {contact->record_id};
        fb::CommandT cmd;
        cmd.command_id = "big-note-" + std::to_string(i);
        cmd.body.Set(std::move(n));
        auto id = c->SendExecute(cmd);
        REQUIRE(id.ok());
        ids.push_back(*id);
        // Reads between the commands: cheap ones answered on the connection's strand.
        auto ping = c->Send([](flatbuffers::FlatBufferBuilder& fbb, uint64_t rid) {
          return FinishRequest(fbb, rid, proto::CreatePing(fbb, rid));
        });
        REQUIRE(ping.ok());
        ids.push_back(*ping);
      }
      for (uint64_t id : ids) {
        auto d = c->Wait(id);
        REQUIRE(d.ok());
        CHECK(d->code() == StatusCode::kOk);
      }
      CHECK(s.f.log->LastPosition() == before + 40);
    }
  }
}

TEST_CASE("a client that sends without reading its answers is not read either", "[server][e2e]") {
  // Answers of ~40 KiB each, 2,000 asked for at once: ~80 MB that the server would queue if
  // it kept reading. With 64 KiB of answers queued (and small socket buffers) it stops
  // reading the connection, so it has taken only the requests in flight and a few more, until
  // the client reads; then every request is answered, in full.
  ServerOptions o = ServerFixture::Defaults();
  o.max_outbound_bytes = 64 << 10;
  o.socket_send_buffer_bytes = 64 << 10;
  ServerFixture s(o);
  auto c = s.Connect(s.rep_token);
  auto contact = c->Execute(NewContact("Quiet"));
  REQUIRE(contact.ok());
  fb::LogNoteT n;
  n.body = std::string(40 << 10, 'q');
  n.links = std::make_unique<fb::LinksT>();
  n.links->contact_ids = {contact->record_id};
  fb::CommandT note;
  note.body.Set(std::move(n));
  REQUIRE(c->Execute(note).ok());
  const uint64_t note_position = s.f.log->LastPosition();

  constexpr int kRequests = 2000;
  std::string requests = Hello(s.rep_token);
  for (int i = 0; i < kRequests; ++i) {
    flatbuffers::FlatBufferBuilder fbb;
    requests += EncodeFrame(FinishRequest(fbb, 2 + i, proto::CreateReadLog(fbb, note_position, 1)));
  }
  auto stats = s.Connect(s.admin_token);
  uint64_t polls = 0;
  auto served = [&] {  // requests served, not counting these Stats calls themselves
    auto st = stats->Stats();
    REQUIRE(st.ok());
    return st->requests - ++polls;
  };
  const uint64_t before = served();
  RawConnection raw(s.server->port(), 16 << 10);
  std::thread writer([&] { raw.Write(requests); });  // blocks once the server stops reading
  // Wait until the server stops taking requests (its count holds still for 300 ms).
  uint64_t last = served(), still_since = 0;
  for (int i = 0; i < 200 && still_since < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const uint64_t now = served();
    still_since = now == last ? still_since + 1 : 0;
    last = now;
  }
  const uint64_t taken = last - before;  // the raw connection's hello and reads
  INFO("requests the server took while the client did not read: " << taken);
  CHECK(taken < 200);  // 66 here: hello, the 64 in flight when the bound was reached, one more
  auto answers = raw.ReadUntilClosed(1 + kRequests);
  writer.join();
  REQUIRE(answers.size() == 1 + kRequests);
  std::set<uint64_t> ids;
  for (const auto& a : answers) {
    CHECK(a.code() == StatusCode::kOk);
    ids.insert(a.request_id());
    if (a.request_id() >= 2) {
      REQUIRE(a.response->body_type() == proto::ResponseBody::EventBatch);
      auto events = a.response->body_as_EventBatch()->events();
      REQUIRE(events != nullptr);
      CHECK(events->size() == 1);
    }
  }
  CHECK(ids.size() == 1 + kRequests);
}

TEST_CASE("a client reading its answers slowly is not idle while its requests wait for room",
          "[server][e2e]") {
  // 60 answers of ~40 KiB, read one socket buffer (~128 KiB) every 100 ms (about 2 s) with
  // an idle timeout of 500 ms: most of the time nothing is in flight and no frame arrives, only answers are
  // being written while the rest of the requests wait for the outbound bound.
  ServerOptions o = ServerFixture::Defaults();
  o.max_outbound_bytes = 64 << 10;
  o.socket_send_buffer_bytes = 64 << 10;
  o.idle_timeout = std::chrono::milliseconds(500);
  ServerFixture s(o);
  uint64_t note_position = 0;
  {
    auto c = s.Connect(s.rep_token);
    auto contact = c->Execute(NewContact("Slow"));
    REQUIRE(contact.ok());
    fb::LogNoteT n;
    n.body = std::string(40 << 10, 's');
    n.links = std::make_unique<fb::LinksT>();
    n.links->contact_ids = {contact->record_id};
    fb::CommandT note;
    note.body.Set(std::move(n));
    REQUIRE(c->Execute(note).ok());
    note_position = s.f.log->LastPosition();
  }
  constexpr int kRequests = 60;
  std::string requests = Hello(s.rep_token);
  for (int i = 0; i < kRequests; ++i) {
    flatbuffers::FlatBufferBuilder fbb;
    requests += EncodeFrame(FinishRequest(fbb, 2 + i, proto::CreateReadLog(fbb, note_position, 1)));
  }
  RawConnection raw(s.server->port(), 64 << 10);
  raw.Write(requests);
  FrameParser parser(64 << 20);
  std::vector<DecodedResponse> answers;
  std::string closed;  // a connection-level error before every answer came
  std::vector<char> buf(256 << 10);
  while (answers.size() < 1 + kRequests && closed.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    asio::error_code ec;
    size_t n = asio::read(raw.socket, asio::buffer(buf), asio::transfer_at_least(1), ec);
    if (ec) break;
    const char* d = buf.data();
    while (parser.Feed(&d, &n) == FrameParser::State::kFrame) {
      auto r = DecodeResponse(parser.TakeFrame());
      REQUIRE(r.ok());
      // Once everything is answered the client is idle, and the server may say so next.
      if (r->request_id() == 0) {
        if (answers.size() < 1 + kRequests) closed = r->status().ToString();
        break;
      }
      answers.push_back(std::move(*r));
    }
  }
  INFO("answers before the close: " << answers.size());
  CHECK(closed == "");
  REQUIRE(answers.size() == 1 + kRequests);
  for (const auto& a : answers) CHECK(a.code() == StatusCode::kOk);
}

TEST_CASE("bad frames get an error frame and close only their own connection", "[server][e2e]") {
  ServerOptions o = ServerFixture::Defaults();
  o.max_frame_bytes = 64 << 10;
  ServerFixture s(o);
  auto good = s.Connect(s.admin_token);
  uint64_t before = s.f.log->LastPosition();

  SECTION("a frame larger than the limit") {
    RawConnection raw(s.server->port());
    raw.Write(Hello(s.admin_token));
    std::string header = EncodeFrame(std::string(100, 'x')).substr(0, 4);
    uint32_t n = (64 << 10) + 1;
    for (int i = 0; i < 4; ++i) header[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    raw.Write(header);
    auto frames = raw.ReadUntilClosed();
    REQUIRE(!frames.empty());
    CHECK(frames.back().request_id() == 0);
    CHECK(frames.back().code() == StatusCode::kInvalidArgument);
    CHECK(frames.back().status().message().find("larger than the limit") != std::string::npos);
  }
  SECTION("bytes that are not a FlatBuffer") {
    RawConnection raw(s.server->port());
    raw.Write(EncodeFrame("this is not a flatbuffer at all, just text"));
    auto frames = raw.ReadUntilClosed();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].request_id() == 0);
    CHECK(frames[0].status().message().find("not a valid Request") != std::string::npos);
  }
  SECTION("a request of an unknown type") {
    RawConnection raw(s.server->port());
    flatbuffers::FlatBufferBuilder fbb;
    auto ping = proto::CreatePing(fbb, 1);
    fbb.Finish(proto::CreateRequest(fbb, 5, static_cast<proto::RequestBody>(77), ping.Union()));
    raw.Write(EncodeFrame(std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize())));
    auto frames = raw.ReadUntilClosed();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].status().message().find("unknown type 77") != std::string::npos);
  }
  SECTION("a command before hello") {
    RawConnection raw(s.server->port());
    flatbuffers::FlatBufferBuilder fbb;
    auto cmd = NewContact("Sneaky");
    auto c = fb::Command::Pack(fbb, &cmd);
    raw.Write(EncodeFrame(FinishRequest(fbb, 2, proto::CreateExecute(fbb, c))));
    auto frames = raw.ReadUntilClosed();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].code() == StatusCode::kPermissionDenied);
  }
  SECTION("a truncated frame, then the client goes away") {
    RawConnection raw(s.server->port());
    raw.Write(Hello(s.admin_token).substr(0, 10));
    raw.socket.close();
  }
  SECTION("random garbage") {
    std::mt19937 rng(5);
    for (int i = 0; i < 20; ++i) {
      RawConnection raw(s.server->port());
      std::string junk(1 + rng() % 300, '\0');
      for (auto& ch : junk) ch = static_cast<char>(rng());
      raw.Write(junk);
      raw.socket.shutdown(asio::ip::tcp::socket::shutdown_send);
      raw.ReadUntilClosed();
    }
  }
  // The well-behaved connection is unaffected, and nothing was appended.
  auto pos = good->Ping();
  REQUIRE(pos.ok());
  CHECK(*pos == before);
  CHECK(s.f.log->LastPosition() == before);
}

TEST_CASE("a wrong token, a wrong version and an unreachable server are clear errors", "[server][e2e]") {
  ServerFixture s;
  auto bad = Client::Connect(s.address, "rpt_wrong");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kPermissionDenied);
  CHECK(bad.status().message().find("rapport token create") != std::string::npos);

  ClientOptions quick;
  quick.connect_timeout = std::chrono::milliseconds(2000);
  auto none = Client::Connect("127.0.0.1:1", s.admin_token, quick);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == StatusCode::kUnavailable);
  CHECK(none.status().message().find("cannot reach rapportd at 127.0.0.1:1") != std::string::npos);

  RawConnection raw(s.server->port());
  flatbuffers::FlatBufferBuilder fbb;
  raw.Write(EncodeFrame(FinishRequest(fbb, 1, proto::CreateHelloDirect(fbb, 2, s.admin_token.c_str(), "future"))));
  auto frames = raw.ReadUntilClosed();
  REQUIRE(!frames.empty());
  CHECK(frames[0].code() == StatusCode::kFailedPrecondition);
  CHECK(frames[0].status().message().find("protocol version 2 is not supported") != std::string::npos);
}

TEST_CASE("revoking a token closes the connections using it at their next request", "[server][e2e]") {
  ServerFixture s;
  auto rep = Client::Connect(s.address, s.rep_token);
  REQUIRE(rep.ok());
  auto admin = Client::Connect(s.address, s.admin_token);
  REQUIRE(admin.ok());
  REQUIRE((*rep)->Ping().ok());
  std::string token_id = s.f.service->directory().token_by_hash(domain::HashTokenSecret(s.rep_token))->id;
  fb::RevokeTokenT rv;
  rv.token_id = token_id;
  rv.reason = "laptop lost";
  fb::CommandT cmd;
  cmd.body.Set(std::move(rv));
  auto revoked = (*admin)->Execute(cmd);
  REQUIRE(revoked.ok());
  REQUIRE(revoked->code == "ok");
  auto after = (*rep)->Ping();
  REQUIRE_FALSE(after.ok());
  CHECK(after.status().message().find("was revoked") != std::string::npos);
  CHECK((*admin)->Ping().ok());  // the admin's connection goes on
}

TEST_CASE("a subscriber gets the backlog then live events with no gap and no duplicate", "[server][e2e][feed]") {
  ServerFixture s;
  auto writer = s.Connect(s.admin_token);
  for (int i = 0; i < 50; ++i) REQUIRE(writer->Execute(NewContact("Before" + std::to_string(i))).ok());
  auto reader = s.Connect(s.admin_token);
  auto sub = reader->Subscribe({1, {}, {}, {}});
  REQUIRE(sub.ok());
  // Appends race with the catch-up.
  std::atomic<bool> done{false};
  std::thread t([&] {
    auto w = Client::Connect(s.address, s.admin_token);
    REQUIRE(w.ok());
    for (int i = 0; i < 200; ++i) REQUIRE((*w)->Execute(NewContact("During" + std::to_string(i))).ok());
    done = true;
  });
  std::vector<uint64_t> positions;
  while (true) {
    auto evs = reader->NextEvents(*sub, std::chrono::milliseconds(200));
    REQUIRE(evs.ok());
    for (const auto& e : *evs) positions.push_back(e->position());
    if (done && !positions.empty() && positions.back() == s.f.log->LastPosition()) break;
  }
  t.join();
  REQUIRE(positions.size() == s.f.log->LastPosition());
  for (size_t i = 0; i < positions.size(); ++i) REQUIRE(positions[i] == i + 1);
}

TEST_CASE("feed filters by record type, record id and event type", "[server][e2e][feed]") {
  ServerFixture s;
  auto c = s.Connect(s.rep_token);
  auto deals = c->Subscribe({0, {"deal"}, {}, {}});
  auto one = c->Subscribe({0, {}, {"C-2"}, {}});
  auto created = c->Subscribe({0, {}, {}, {"ContactCreated"}});
  auto tokens = c->Subscribe({0, {"token"}, {}, {}});
  REQUIRE(deals.ok());
  REQUIRE(one.ok());
  REQUIRE(created.ok());
  REQUIRE_FALSE(tokens.ok());  // token events are for admins
  CHECK(tokens.status().code() == StatusCode::kPermissionDenied);

  auto a = c->Execute(NewContact("First"));
  auto b = c->Execute(NewContact("Second"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  fb::UpdateRecordT u;
  u.record_type = "contact";
  u.record_id = b->record_id;
  u.set.push_back(domain::testing::Field("title", domain::TextValue("CTO")));
  REQUIRE(c->Execute(domain::testing::Cmd(std::move(u))).ok());

  auto collect = [&](uint64_t id, size_t want) {
    std::vector<events::Event> all;
    for (int i = 0; i < 50 && all.size() < want; ++i) {
      auto evs = c->NextEvents(id, std::chrono::milliseconds(100));
      REQUIRE(evs.ok());
      for (auto& e : *evs) all.push_back(std::move(e));
    }
    // Nothing more arrives.
    auto extra = c->NextEvents(id, std::chrono::milliseconds(200));
    REQUIRE(extra.ok());
    for (auto& e : *extra) all.push_back(std::move(e));
    return all;
  };
  auto created_events = collect(*created, 2);
  REQUIRE(created_events.size() == 2);
  CHECK(created_events[0]->type_name() == "ContactCreated");
  auto deal_events = collect(*deals, 0);
  CHECK(deal_events.empty());
  REQUIRE(b->record_id == "C-2");
  auto c2 = collect(*one, 2);
  REQUIRE(c2.size() == 2);
  CHECK(c2[1]->stream_id() == "C-2");
  CHECK(c->Unsubscribe(*created).ok());
}

TEST_CASE("a live subscriber that falls too far behind is told and disconnected", "[server][e2e][feed]") {
  ServerOptions o = ServerFixture::Defaults();
  o.max_outbound_bytes = 4 << 10;
  o.max_subscriber_lag = 50;
  o.socket_send_buffer_bytes = 8 << 10;
  ServerFixture s(o);
  // A raw subscriber that never reads after subscribing (with small socket buffers, so the
  // kernel does not absorb the whole flood).
  RawConnection raw(s.server->port(), 4 << 10);
  raw.Write(Hello(s.admin_token));
  flatbuffers::FlatBufferBuilder fbb;
  raw.Write(EncodeFrame(FinishRequest(fbb, 2, proto::CreateSubscribe(fbb, uint64_t{0}))));
  auto w = s.Connect(s.admin_token);
  // Enough events that the socket buffers fill and the server's queue reaches its bound.
  std::vector<uint64_t> ids;
  for (int i = 0; i < 4000; ++i) {
    auto id = w->SendExecute(NewContact("Flood" + std::to_string(i)));
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  for (auto id : ids) REQUIRE(w->Wait(id).ok());
  auto frames = raw.ReadUntilClosed(100000);
  REQUIRE(!frames.empty());
  const auto& last = frames.back();
  CHECK(last.request_id() == 0);
  CHECK(last.code() == StatusCode::kUnavailable);
  CHECK(last.status().message().find("events behind the log") != std::string::npos);
  CHECK(last.status().message().find("subscribe from position") != std::string::npos);
  // The writer's connection is fine.
  CHECK(w->Ping().ok());
}

TEST_CASE("hello and idle timeouts and the connection limit close connections", "[server][e2e]") {
  ServerOptions o = ServerFixture::Defaults();
  o.hello_timeout = std::chrono::milliseconds(300);
  o.idle_timeout = std::chrono::milliseconds(600);
  o.max_connections = 3;
  ServerFixture s(o);
  {
    RawConnection silent(s.server->port());
    auto frames = silent.ReadUntilClosed();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].status().message().find("no hello within") != std::string::npos);
  }
  {
    auto c = s.Connect(s.admin_token);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    auto p = c->Ping();
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().message().find("idle") != std::string::npos);
  }
  {
    auto a = s.Connect(s.admin_token);
    auto b = s.Connect(s.admin_token);
    auto c = s.Connect(s.admin_token);
    auto d = Client::Connect(s.address, s.admin_token);
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == StatusCode::kUnavailable);
    CHECK(d.status().message().find("limit") != std::string::npos);
    CHECK(a->Ping().ok());
  }
}

TEST_CASE("shutdown answers requests in flight before closing", "[server][e2e]") {
  ServerFixture s;
  auto c = s.Connect(s.admin_token);
  std::vector<uint64_t> ids;
  for (int i = 0; i < 100; ++i) {
    auto id = c->SendExecute(NewContact("Late" + std::to_string(i), "late-" + std::to_string(i)));
    REQUIRE(id.ok());
    ids.push_back(*id);
  }
  // Wait for the first answer so the requests are being worked on, then shut down.
  REQUIRE(c->Wait(ids[0]).ok());
  std::thread stopper([&] { s.server->Shutdown(); });
  std::vector<int> state(100, 0);  // 1 acknowledged, 2 refused, 0 no answer
  state[0] = 1;
  for (size_t i = 1; i < ids.size(); ++i) {
    auto d = c->Wait(ids[i]);
    if (!d.ok()) break;  // the connection closed
    state[i] = d->code() == StatusCode::kOk ? 1 : d->code() == StatusCode::kUnavailable ? 2 : 3;
  }
  stopper.join();
  // Every acknowledged command is in the log; every refused one is not; nothing else happened.
  for (int i = 0; i < 100; ++i) {
    INFO("command " << i);
    auto info = s.f.log->LookupCommand("late-" + std::to_string(i));
    REQUIRE(info.ok());
    CHECK(state[i] != 3);
    if (state[i] == 1) CHECK(info->has_value());
    if (state[i] == 2) CHECK_FALSE(info->has_value());
  }
}
