// 128-bit integers for exact intermediate products (money x ratio, money x count / total).
// GCC and Clang provide them as an extension; __extension__ keeps -Wpedantic quiet.
#ifndef MATCHFUND_DETAIL_INT128_HPP
#define MATCHFUND_DETAIL_INT128_HPP

namespace matchfund::detail {

__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

}  // namespace matchfund::detail

#endif
