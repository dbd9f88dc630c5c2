// Which memory allocator this process runs on.
//
// rapport's programs link tcmalloc (gperftools) unless built with -DRAPPORT_MALLOC=system or
// with sanitizers (CMakeLists.txt explains the choice and docs/benchmarks.md measures it).
// The answer comes from the running process, not from the build's settings: a link that
// lost the library (a linker dropping it as unneeded, say) shows up here as "system".
#pragma once

#include <string_view>

namespace rapport {

// "tcmalloc" when malloc in this process is tcmalloc's, otherwise "system" (glibc's, or a
// sanitizer's). Thread-safe; cheap after the first call.
std::string_view ActiveAllocator();

}  // namespace rapport
