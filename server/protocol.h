// The protocol's messages (server/schema/protocol.fbs) as bytes: verification of what a peer
// sent, and builders for what we send. No I/O; shared by the server and the client library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.h"
#include "server/schema/protocol_generated.h"

namespace rapport::server {

// The protocol version this build speaks (Hello.version).
inline constexpr uint32_t kProtocolVersion = 1;

// A verified request: the message bytes and the root table inside them. Copies and moves
// point `request` into their own bytes (a short message lives inside the std::string object,
// so the old pointer would dangle).
struct DecodedRequest {
  std::string bytes;
  const proto::Request* request = nullptr;
  uint64_t request_id() const { return request->request_id(); }

  DecodedRequest() = default;
  DecodedRequest(const DecodedRequest& o) : bytes(o.bytes), request(o.request ? Root() : nullptr) {}
  DecodedRequest(DecodedRequest&& o) noexcept : bytes(std::move(o.bytes)), request(o.request ? Root() : nullptr) {
    o.request = nullptr;
  }
  DecodedRequest& operator=(DecodedRequest o) noexcept {
    bytes = std::move(o.bytes);
    request = o.request ? Root() : nullptr;
    return *this;
  }

 private:
  const proto::Request* Root() const { return flatbuffers::GetRoot<proto::Request>(bytes.data()); }
};

// Verifies `message` as a Request: the FlatBuffers verifier (bounds, alignment, depth and
// table limits), a known body type, a non-zero request id. invalid_argument says what is
// wrong. Never reads outside `message`. Takes the bytes (a std::string's storage is aligned
// for the verifier); move a frame in to avoid copying it.
Result<DecodedRequest> DecodeRequest(std::string message);

// The same for a Response (the client's side).
struct DecodedResponse {
  std::string bytes;
  const proto::Response* response = nullptr;

  DecodedResponse() = default;
  DecodedResponse(const DecodedResponse& o) : bytes(o.bytes), response(o.response ? Root() : nullptr) {}
  DecodedResponse(DecodedResponse&& o) noexcept
      : bytes(std::move(o.bytes)), response(o.response ? Root() : nullptr) {
    o.response = nullptr;
  }
  DecodedResponse& operator=(DecodedResponse o) noexcept {
    bytes = std::move(o.bytes);
    response = o.response ? Root() : nullptr;
    return *this;
  }

  uint64_t request_id() const { return response->request_id(); }
  StatusCode code() const { return static_cast<StatusCode>(response->code()); }
  // The status the response carries (ok, or its code and message).
  Status status() const;

 private:
  const proto::Response* Root() const { return flatbuffers::GetRoot<proto::Response>(bytes.data()); }
};
Result<DecodedResponse> DecodeResponse(std::string message);

// A Response carrying only a status (an error, or ok without a body).
std::string StatusResponse(uint64_t request_id, const Status& status);

// Finishes a Response in `fbb` with `body` and returns its bytes.
template <typename T>
std::string FinishResponse(flatbuffers::FlatBufferBuilder& fbb, uint64_t request_id,
                           flatbuffers::Offset<T> body) {
  auto r = proto::CreateResponse(fbb, request_id, 0, 0, proto::ResponseBodyTraits<T>::enum_value,
                                 body.Union());
  fbb.Finish(r);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

// Finishes a Request in `fbb` and returns its bytes.
template <typename T>
std::string FinishRequest(flatbuffers::FlatBufferBuilder& fbb, uint64_t request_id,
                          flatbuffers::Offset<T> body) {
  auto r = proto::CreateRequest(fbb, request_id, proto::RequestBodyTraits<T>::enum_value, body.Union());
  fbb.Finish(r);
  return std::string(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
}

// "Execute", "Query", ... or "unknown(N)".
std::string RequestTypeName(proto::RequestBody type);

}  // namespace rapport::server
