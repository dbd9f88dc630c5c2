// FrameParser and message verification: frames cut anywhere reassemble; bad lengths and bad
// messages are refused with a reason, never read past their bytes.
#include <catch2/catch.hpp>

#include <random>

#include "server/frame.h"
#include "server/protocol.h"

using namespace rapport;
using namespace rapport::server;

namespace {

std::string PingRequest(uint64_t id) {
  flatbuffers::FlatBufferBuilder fbb;
  return FinishRequest(fbb, id, proto::CreatePing(fbb, id * 7));
}

// Feeds `stream` to a parser in chunks of the given sizes; returns the frames.
std::vector<std::string> Split(FrameParser& p, const std::string& stream, const std::vector<size_t>& chunks,
                               FrameParser::State* last) {
  std::vector<std::string> out;
  size_t at = 0, c = 0;
  *last = FrameParser::State::kNeedMore;
  while (at < stream.size()) {
    size_t n = std::min(chunks[c++ % chunks.size()], stream.size() - at);
    const char* data = stream.data() + at;
    size_t size = n;
    while (true) {
      *last = p.Feed(&data, &size);
      if (*last == FrameParser::State::kFrame) {
        out.push_back(p.TakeFrame());
        continue;
      }
      break;
    }
    if (*last == FrameParser::State::kError) return out;
    at += n;
  }
  return out;
}

}  // namespace

TEST_CASE("frames cut at every possible boundary come out whole and in order", "[server][frames]") {
  std::string stream;
  std::vector<std::string> messages;
  for (uint64_t i = 1; i <= 50; ++i) {
    messages.push_back(PingRequest(i));
    stream += EncodeFrame(messages.back());
  }
  std::mt19937 rng(7);
  for (size_t round = 0; round < 200; ++round) {
    std::vector<size_t> chunks;
    for (int i = 0; i < 16; ++i) chunks.push_back(1 + rng() % (round < 20 ? 3 : 97));
    FrameParser p(1 << 20);
    FrameParser::State last;
    auto frames = Split(p, stream, chunks, &last);
    REQUIRE(frames == messages);
    CHECK(p.buffered() == 0);
  }
}

TEST_CASE("a frame length of zero or above the limit is refused before its bytes are read", "[server][frames]") {
  FrameParser p(1024);
  std::string big = EncodeFrame(std::string(1025, 'x')).substr(0, 4);  // only the header
  const char* data = big.data();
  size_t size = big.size();
  REQUIRE(p.Feed(&data, &size) == FrameParser::State::kError);
  CHECK(p.error().find("1025 bytes is larger than the limit of 1024") != std::string::npos);
  // The parser stays failed.
  std::string more = EncodeFrame("ok");
  data = more.data();
  size = more.size();
  CHECK(p.Feed(&data, &size) == FrameParser::State::kError);

  FrameParser z(1024);
  std::string zero(4, '\0');
  data = zero.data();
  size = zero.size();
  REQUIRE(z.Feed(&data, &size) == FrameParser::State::kError);
  CHECK(z.error() == "frame of length 0");

  // A length of 4 GiB - 1 is refused the same way, with nothing allocated for it.
  FrameParser huge(kDefaultMaxFrameBytes);
  std::string ff(4, '\xff');
  data = ff.data();
  size = ff.size();
  REQUIRE(huge.Feed(&data, &size) == FrameParser::State::kError);
  CHECK(huge.buffered() == 4);
}

TEST_CASE("only verified Requests with a known type and an id are decoded", "[server][frames]") {
  auto ok = DecodeRequest(PingRequest(3));
  REQUIRE(ok.ok());
  CHECK(ok->request_id() == 3);
  CHECK(ok->request->body_type() == proto::RequestBody::Ping);

  CHECK(DecodeRequest("").status().code() == StatusCode::kInvalidArgument);
  CHECK(DecodeRequest("garbage that is not a flatbuffer").status().code() == StatusCode::kInvalidArgument);
  // Every truncation of a valid request is refused.
  std::string full = PingRequest(9);
  for (size_t n = 0; n < full.size(); ++n) {
    INFO("truncated to " << n);
    CHECK_FALSE(DecodeRequest(full.substr(0, n)).ok());
  }
  // Request id 0 is reserved.
  auto zero = DecodeRequest(PingRequest(0));
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.status().message().find("request_id") != std::string::npos);
  // An unknown body type (a newer client) gets a clear error.
  flatbuffers::FlatBufferBuilder fbb;
  auto ping = proto::CreatePing(fbb, 1);
  auto r = proto::CreateRequest(fbb, 5, static_cast<proto::RequestBody>(200), ping.Union());
  fbb.Finish(r);
  auto unknown = DecodeRequest(std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("unknown type 200") != std::string::npos);
  // Random bytes never crash the verifier.
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 200, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    (void)DecodeRequest(junk);
  }
  // Bit flips of a valid request either decode or are refused; none crash.
  for (size_t i = 0; i < full.size() * 8; ++i) {
    std::string flipped = full;
    flipped[i / 8] = static_cast<char>(flipped[i / 8] ^ (1 << (i % 8)));
    (void)DecodeRequest(flipped);
  }
}

TEST_CASE("a decoded message points into its own bytes after copies and moves, however short",
          "[server][frames]") {
  // An empty Response table verifies in a few bytes, short enough to live inside the
  // std::string object: a pointer kept across a move would point into the old object.
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(proto::ResponseBuilder(fbb).Finish());
  std::string tiny(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  REQUIRE(tiny.size() < 16);  // std::string keeps it inline
  auto d = DecodeResponse(tiny);
  REQUIRE(d.ok());
  auto inside = [](const DecodedResponse& r) {
    return reinterpret_cast<const char*>(r.response) >= r.bytes.data() &&
           reinterpret_cast<const char*>(r.response) < r.bytes.data() + r.bytes.size();
  };
  CHECK(inside(*d));
  CHECK(d->request_id() == 0);
  DecodedResponse moved = std::move(*d);
  CHECK(inside(moved));
  DecodedResponse copied = moved;
  CHECK(inside(copied));
  std::vector<DecodedResponse> many;
  for (int i = 0; i < 20; ++i) many.push_back(copied);  // reallocations move them
  for (const auto& r : many) CHECK(inside(r));

  auto req = DecodeRequest(PingRequest(7));
  REQUIRE(req.ok());
  std::vector<DecodedRequest> requests;
  for (int i = 0; i < 20; ++i) requests.push_back(*req);
  for (const auto& r : requests) {
    CHECK(reinterpret_cast<const char*>(r.request) >= r.bytes.data());
    CHECK(r.request_id() == 7);
  }
}
