// rapportd's settings, with their defaults (also printed by `rapportd --help`).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/frame.h"
#include "server/request_handler.h"

namespace rapport::server {

struct ServerOptions {
  // Where to listen. Default: 127.0.0.1:7420 (loopback only unless asked).
  std::string host = "127.0.0.1";
  uint16_t port = 7420;
  // Threads running the network (io_context). Default: 2
  size_t io_threads = 2;
  // Threads running queries, admin requests, and the commands that must read a record from
  // disk or wait for another command on it first (other commands are decided on the I/O
  // threads and wait for the disk on no thread). Default: 16
  size_t worker_threads = 16;
  // Largest request frame accepted. Default: 4 MiB
  size_t max_frame_bytes = kDefaultMaxFrameBytes;
  // Open connections; more are refused with an error frame. Default: 1024
  size_t max_connections = 1024;
  // A connection without a request in flight, a subscription, a received frame or a
  // write of answers the client took part of for this long is closed. Default: 300 s
  std::chrono::milliseconds idle_timeout{300'000};
  // A connection must authenticate (hello) within this. Default: 10 s
  std::chrono::milliseconds hello_timeout{10'000};
  // Requests of one connection being worked on at once; the server stops reading the
  // connection until one finishes. Default: 64
  size_t max_in_flight = 64;
  // Bytes of requests one connection has sent and not yet had answered (decoded and
  // waiting, or being worked on). At the bound the server stops reading the connection until
  // answers go out; a frame that arrives whole is always taken, so one connection holds at
  // most this plus one read (64 KiB) plus one frame being received. Default: 16 MiB
  size_t max_request_bytes = 16 << 20;
  // Bytes of answers and feed events queued for one connection and not yet written (its
  // outbound queue bound). At the bound the server stops reading the connection's requests
  // and the log for its feeds until the client reads; the answers of requests already in
  // flight may still be added (at most max_in_flight of them). Default: 1 MiB
  size_t max_outbound_bytes = 1 << 20;
  // A live subscriber (one that had caught up) more than this many events behind the log
  // gets an error frame and is disconnected. Default: 100,000
  uint64_t max_subscriber_lag = 100'000;
  // SO_SNDBUF of each connection's socket, bounding what the kernel buffers for a slow
  // reader on top of max_outbound_bytes. 0: the OS default (autotuned).
  // Default: 0
  int socket_send_buffer_bytes = 0;
  // How long shutdown waits for in-flight requests and unsent responses. Default: 10 s
  std::chrono::milliseconds shutdown_grace{10'000};
  HandlerOptions handler;
};

}  // namespace rapport::server
