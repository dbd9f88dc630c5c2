#include "cli/csv_reader.h"

namespace rapport::cli {

int CsvReader::Get() {
  int c = in_->get();
  if (c != EOF) ++bytes_;
  return c;
}

int CsvReader::Peek() { return in_->peek(); }

bool CsvReader::Next(std::vector<std::string>* fields, Status* row_error) {
  fields->clear();
  *row_error = Status::Ok();
  if (!started_) {
    started_ = true;
    // A UTF-8 byte-order mark (Excel writes one).
    if (Peek() == 0xEF) {
      Get();
      if (Peek() == 0xBB) Get();
      if (Peek() == 0xBF) Get();
    }
  }
  if (Peek() == EOF) return false;
  row_line_ = next_line_;
  std::string field;
  bool quoted = false, after_quote = false, too_long = false;
  auto end_field = [&] {
    if (fields->size() >= limits_.max_fields) {
      if (row_error->ok()) {
        *row_error = Status::InvalidArgument("more than " + std::to_string(limits_.max_fields) + " fields");
      }
    } else {
      fields->push_back(std::move(field));
    }
    field.clear();
    quoted = after_quote = too_long = false;
  };
  auto append = [&](char c) {
    if (field.size() >= limits_.max_field_bytes) {
      if (!too_long && row_error->ok()) {
        *row_error = Status::InvalidArgument("a field is longer than " +
                                             std::to_string(limits_.max_field_bytes) + " bytes");
      }
      too_long = true;
      return;
    }
    field.push_back(c);
  };
  while (true) {
    int c = Get();
    if (c == EOF) {
      if (quoted && row_error->ok()) {
        *row_error = Status::InvalidArgument("a quoted field is not closed before the end of the file");
      }
      end_field();
      return true;
    }
    if (quoted) {
      if (c == '"') {
        if (Peek() == '"') {
          Get();
          append('"');
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++next_line_;
        append(static_cast<char>(c));
      }
      continue;
    }
    if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && Peek() == '\n') Get();
      ++next_line_;
      end_field();
      return true;
    } else if (c == '"' && field.empty() && !after_quote) {
      quoted = true;
    } else {
      if (after_quote && row_error->ok()) {
        *row_error = Status::InvalidArgument("text after a closing quote (quote the whole field, "
                                             "doubling quotes inside it)");
      }
      append(static_cast<char>(c));
    }
  }
}

}  // namespace rapport::cli
