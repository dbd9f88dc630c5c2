// libFuzzer target: the bytes a client can send. The input is read as a TCP stream (cut into
// frames by FrameParser, each decoded and fully unpacked as a Request) and also decoded whole
// as one message, as a Request and as a Response (the client library's side).
//
// Built with `cmake -DRAPPORT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++` (see the Makefile's
// fuzz-smoke target); corpus in server/fuzz/corpus (seeds from make_seeds.cc).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "server/frame.h"
#include "server/protocol.h"

namespace {

void Touch(const rapport::server::DecodedRequest& d) {
  // The object API visits every field, nested command included.
  std::unique_ptr<rapport::proto::RequestT> unpacked(d.request->UnPack());
  (void)rapport::server::RequestTypeName(d.request->body_type());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::server;
  FrameParser parser(1 << 16);
  const char* p = reinterpret_cast<const char*>(data);
  size_t n = size;
  while (parser.Feed(&p, &n) == FrameParser::State::kFrame) {
    auto d = DecodeRequest(parser.TakeFrame());
    if (d.ok()) Touch(*d);
  }
  std::string_view whole(reinterpret_cast<const char*>(data), size);
  auto r = DecodeRequest(std::string(whole));
  if (r.ok()) Touch(*r);
  auto resp = DecodeResponse(std::string(whole));
  if (resp.ok()) {
    std::unique_ptr<rapport::proto::ResponseT> unpacked(resp->response->UnPack());
    (void)resp->status();
  }
  return 0;
}
