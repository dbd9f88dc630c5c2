#include "cli/table.h"

#include <algorithm>

namespace rapport::cli {

size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;  // count lead bytes only
  }
  return n;
}

std::string Truncate(const std::string& s, size_t width) {
  if (DisplayWidth(s) <= width) return s;
  if (width == 0) return "";
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (n == width - 1) break;
      ++n;
    }
    out.push_back(s[i]);
  }
  return out + "\u2026";
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(columns_.size());
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows_.size());
  for (size_t c = 0; c < columns_.size(); ++c) widths[c] = DisplayWidth(columns_[c].header);
  for (const auto& row : rows_) {
    std::vector<std::string> cut;
    for (size_t c = 0; c < columns_.size(); ++c) {
      std::string v = c < row.size() ? row[c] : "";
      std::replace(v.begin(), v.end(), '\n', ' ');
      cut.push_back(Truncate(v, columns_[c].max_width));
      widths[c] = std::max(widths[c], DisplayWidth(cut.back()));
    }
    cells.push_back(std::move(cut));
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < columns_.size(); ++c) {
      size_t pad = widths[c] - DisplayWidth(row[c]);
      bool last = c + 1 == columns_.size();
      if (columns_[c].align == Align::kRight) {
        line.append(pad, ' ');
        line += row[c];
      } else {
        line += row[c];
        if (!last) line.append(pad, ' ');
      }
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  std::vector<std::string> header;
  for (const auto& col : columns_) header.push_back(col.header);
  print_row(header);
  for (const auto& row : cells) print_row(row);
}

}  // namespace rapport::cli
