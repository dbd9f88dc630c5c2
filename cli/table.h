// Table: aligned, readable terminal tables ("kubectl get" style): upper-case headers, columns
// separated by two spaces, numbers right-aligned, over-long cells cut with "…".
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace rapport::cli {

class Table {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
    size_t max_width = 48;  // cells wider than this are cut
  };

  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}
  // REQUIRES: cells.size() == number of columns
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  size_t rows() const { return rows_.size(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text (code points; wide characters counted as one).
size_t DisplayWidth(const std::string& s);
// Cuts `s` to at most `width` display columns, ending in "…" when cut.
std::string Truncate(const std::string& s, size_t width);

}  // namespace rapport::cli
