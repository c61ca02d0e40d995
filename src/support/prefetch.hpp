// Starting to load a cache line that will be needed soon, in a form the compiler keeps.
//
// __builtin_prefetch alone is not enough: GCC 12's mod/ref analysis counts it as having no
// effect, so a function that only reads and prefetches (a pipeline stage that looks up where a
// later donation's state is and starts loading it) is judged to do nothing, and its calls are
// deleted. A volatile asm is never deleted. Like the builtin, a prefetch never faults, whatever
// the address. Internal.
#ifndef MATCHFUND_SRC_PREFETCH_HPP
#define MATCHFUND_SRC_PREFETCH_HPP

namespace matchfund::detail {

inline void prefetch_line(const void* address) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#elif defined(__GNUC__) && defined(__aarch64__)
  asm volatile("prfm pldl1keep, %0" : : "Q"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}

}  // namespace matchfund::detail

#endif
