// Dense indices that a compiled rule set uses instead of id strings. Each kind of entity has
// its own index type, so a project index cannot be used where a fund index is expected.
#ifndef MATCHFUND_IDS_HPP
#define MATCHFUND_IDS_HPP

#include <cstddef>
#include <cstdint>

namespace matchfund {

enum class project_index : std::uint32_t {};
enum class organization_index : std::uint32_t {};
enum class region_index : std::uint32_t {};
enum class category_index : std::uint32_t {};
enum class donor_index : std::uint32_t {};
enum class fund_index : std::uint32_t {};
enum class rule_index : std::uint32_t {};  // position in evaluation order
enum class cap_index : std::uint32_t {};
enum class closeout_index : std::uint32_t {};
enum class attribute_slot : std::uint32_t {};

// The position an index stands for, for subscripting a vector.
template <class Index>
constexpr std::size_t position(Index index) noexcept {
  return static_cast<std::size_t>(index);
}

template <class Index>
constexpr Index index_at(std::size_t position) noexcept {
  return static_cast<Index>(static_cast<std::uint32_t>(position));
}

}  // namespace matchfund

#endif
