// Describe: one line of text for any event, as a timeline shows it ("Deal D-1 moved: qualify →
// demo", "Call, 21 min, connected: Wants a demo"). Unknown event types get their type name.
#pragma once

#include <string>

#include "events/event.h"

namespace rapport::projections {

std::string Describe(const events::EventView& e);

}  // namespace rapport::projections
