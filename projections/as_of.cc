#include "projections/as_of.h"

namespace rapport::projections {

std::string AsOf::ToString() const {
  switch (mode) {
    case Mode::kNow:
      return "now";
    case Mode::kRecorded:
      return "as of " + FormatIso8601(instant);
    case Mode::kEffective:
      return "effective " + FormatIso8601(instant);
  }
  return "?";
}

}  // namespace rapport::projections
