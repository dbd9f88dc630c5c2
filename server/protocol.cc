#include "server/protocol.h"

namespace rapport::server {
namespace {

// Bounds on what the verifier walks: a request is small and flat; these stop a crafted
// buffer from making verification itself expensive.
constexpr flatbuffers::uoffset_t kMaxDepth = 32;
constexpr flatbuffers::uoffset_t kMaxTables = 100000;

template <typename T>
bool Verify(const std::string& bytes) {
  flatbuffers::Verifier v(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), kMaxDepth, kMaxTables);
  return v.VerifyBuffer<T>(nullptr);
}

}  // namespace

Result<DecodedRequest> DecodeRequest(std::string message) {
  DecodedRequest d;
  d.bytes = std::move(message);  // std::string storage is suitably aligned
  if (!Verify<proto::Request>(d.bytes)) {
    return Status::InvalidArgument("the frame is not a valid Request FlatBuffer (see docs/protocol.md)");
  }
  d.request = flatbuffers::GetRoot<proto::Request>(d.bytes.data());
  auto type = d.request->body_type();
  if (type == proto::RequestBody::NONE || static_cast<uint8_t>(type) > static_cast<uint8_t>(proto::RequestBody::MAX)) {
    return Status::InvalidArgument("request of unknown type " + std::to_string(static_cast<int>(type)) +
                                   ": this server speaks protocol version " + std::to_string(kProtocolVersion));
  }
  if (d.request->body() == nullptr) return Status::InvalidArgument("request without a body");
  if (d.request->request_id() == 0) return Status::InvalidArgument("request_id: 0 is reserved; number requests from 1");
  return d;
}

Status DecodedResponse::status() const {
  if (response->code() == 0) return Status::Ok();
  auto code = response->code() <= static_cast<uint8_t>(StatusCode::kUnavailable)
                  ? static_cast<StatusCode>(response->code())
                  : StatusCode::kUnavailable;
  return Status(code, response->message() ? response->message()->str() : std::string());
}

Result<DecodedResponse> DecodeResponse(std::string message) {
  DecodedResponse d;
  d.bytes = std::move(message);
  if (!Verify<proto::Response>(d.bytes)) {
    return Status::InvalidArgument("the server sent a frame that is not a valid Response FlatBuffer");
  }
  d.response = flatbuffers::GetRoot<proto::Response>(d.bytes.data());
  return d;
}

std::string StatusResponse(uint64_t request_id, const Status& status) {
  flatbuffers::FlatBufferBuilder fbb(256);
  auto msg = status.ok() ? 0 : fbb.CreateString(status.message());
  auto r = proto::CreateResponse(fbb, request_id, static_cast<uint8_t>(status.code()), msg);
  fbb.Finish(r);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

std::string RequestTypeName(proto::RequestBody type) {
  const char* n = static_cast<uint8_t>(type) <= static_cast<uint8_t>(proto::RequestBody::MAX)
                      ? proto::EnumNameRequestBody(type)
                      : "";
  return n && *n ? std::string(n) : "unknown(" + std::to_string(static_cast<int>(type)) + ")";
}

}  // namespace rapport::server
