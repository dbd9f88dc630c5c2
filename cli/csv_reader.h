// CsvReader: a streaming RFC 4180 reader (quoted fields, "" escapes, line breaks inside
// quotes, CRLF or LF, a UTF-8 byte-order mark), in constant memory whatever the file size.
//
// The input is untrusted: a field longer than max_field_bytes or a row with more than
// max_fields fields is an error for that row (the reader skips to the row's end and goes on),
// never an unbounded allocation.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "events/status.h"

namespace rapport::cli {

class CsvReader {
 public:
  struct Limits {
    size_t max_field_bytes = 1 << 20;  // 1 MiB
    size_t max_fields = 1000;
  };
  explicit CsvReader(std::istream* in) : CsvReader(in, Limits{}) {}
  CsvReader(std::istream* in, Limits limits) : in_(in), limits_(limits) {}

  // Reads the next row into *fields. Returns false at the end of the input. A malformed row
  // sets *row_error (and still returns true, with whatever was read); *row_error is Ok otherwise.
  bool Next(std::vector<std::string>* fields, Status* row_error);

  // The 1-based line on which the last row returned started.
  uint64_t line() const { return row_line_; }
  // Bytes consumed so far (for progress).
  uint64_t bytes_read() const { return bytes_; }

 private:
  int Get();
  int Peek();

  std::istream* in_;
  Limits limits_;
  uint64_t next_line_ = 1;
  uint64_t row_line_ = 0;
  uint64_t bytes_ = 0;
  bool started_ = false;
};

}  // namespace rapport::cli
