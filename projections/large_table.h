// LargeTableAllocator: memory for the projections' big hash tables, in transparent huge pages.
//
// A rebuild probes tables of tens of megabytes (the timelines' slots, the interners' tables) at
// random, one cache miss per probe. With 4 KiB pages each such miss is also a TLB miss, and
// in a virtual machine a TLB miss walks two levels of page tables. An allocation of at least
// 4 MiB is therefore mapped on its own, aligned to 2 MiB and marked MADV_HUGEPAGE, so the
// kernel backs it with 2 MiB pages where it can (the default "madvise" setting of
// /sys/kernel/mm/transparent_hugepage/enabled). Where it cannot, the memory is ordinary.
// Smaller allocations go to operator new, and so does everything in AddressSanitizer builds
// (which check only what they allocate).
//
//   std::vector<uint64_t, LargeTableAllocator<uint64_t>> table(1 << 24);
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace rapport::projections {

namespace large_table {
constexpr size_t kHugePage = size_t{2} << 20;
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kThreshold = SIZE_MAX;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr size_t kThreshold = SIZE_MAX;
#else
constexpr size_t kThreshold = size_t{4} << 20;
#endif
#else
constexpr size_t kThreshold = size_t{4} << 20;
#endif

// At least `bytes`, aligned to kHugePage, from mmap; nullptr if the mapping fails.
inline void* Map(size_t bytes) {
  size_t length = (bytes + kHugePage - 1) & ~(kHugePage - 1);
  void* p = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED) return nullptr;
  auto start = reinterpret_cast<uintptr_t>(p);
  uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
  // Give back the unaligned head and the unused tail.
  if (aligned > start) munmap(p, aligned - start);
  size_t tail = (start + length + kHugePage) - (aligned + length);
  if (tail > 0) munmap(reinterpret_cast<void*>(aligned + length), tail);
  madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);  // a hint: failure is fine
  return reinterpret_cast<void*>(aligned);
}

inline void Unmap(void* p, size_t bytes) {
  munmap(p, (bytes + kHugePage - 1) & ~(kHugePage - 1));
}
}  // namespace large_table

template <typename T>
struct LargeTableAllocator {
  using value_type = T;
  LargeTableAllocator() = default;
  template <typename U>
  LargeTableAllocator(const LargeTableAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    size_t bytes = n * sizeof(T);
    if (bytes < large_table::kThreshold) return static_cast<T*>(::operator new(bytes));
    void* p = large_table::Map(bytes);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) noexcept {
    size_t bytes = n * sizeof(T);
    if (bytes < large_table::kThreshold) {
      ::operator delete(p);
    } else {
      large_table::Unmap(p, bytes);
    }
  }
  friend bool operator==(const LargeTableAllocator&, const LargeTableAllocator&) { return true; }
  friend bool operator!=(const LargeTableAllocator&, const LargeTableAllocator&) { return false; }
};

}  // namespace rapport::projections
