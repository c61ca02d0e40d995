// Catch shows a bad_event_reason in a failed check by its SPEC spelling. Every test file that
// checks reasons includes this, so that all of them see the same StringMaker.
#ifndef MATCHFUND_TESTS_BAD_EVENT_TEXT_HPP
#define MATCHFUND_TESTS_BAD_EVENT_TEXT_HPP

#include <catch2/catch.hpp>

#include <string>

#include "matchfund/bad_event.hpp"

namespace Catch {
template <>
struct StringMaker<matchfund::bad_event_reason> {
  static std::string convert(const matchfund::bad_event_reason& reason) { return matchfund::to_string(reason); }
};
}  // namespace Catch

#endif
