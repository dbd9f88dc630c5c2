#include "events/allocator.h"

#include <dlfcn.h>

namespace rapport {

std::string_view ActiveAllocator() {
  static const std::string_view name = [] {
    // tcmalloc defines malloc as an alias of its tc_malloc: the same address when it is the
    // malloc every call resolves to.
    void* tc = ::dlsym(RTLD_DEFAULT, "tc_malloc");
    void* m = ::dlsym(RTLD_DEFAULT, "malloc");
    return std::string_view(tc != nullptr && tc == m ? "tcmalloc" : "system");
  }();
  return name;
}

}  // namespace rapport
