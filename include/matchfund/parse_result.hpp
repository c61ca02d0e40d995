// The outcome of parsing a value from text: the value, or a message saying what is wrong.
// Parsers never throw; callers that prefer exceptions call value(), which throws parse_error.
#ifndef MATCHFUND_PARSE_RESULT_HPP
#define MATCHFUND_PARSE_RESULT_HPP

#include <string>
#include <utility>
#include <variant>

#include "matchfund/error.hpp"

namespace matchfund {

struct parse_failure {
  std::string message;
};

template <class T>
class parse_result {
 public:
  parse_result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  parse_result(parse_failure failure) : state_(std::move(failure)) {}  // NOLINT

  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  // The parsed value; throws parse_error with the failure message when there is none.
  [[nodiscard]] const T& value() const {
    if (!has_value()) throw parse_error(error());
    return std::get<0>(state_);
  }
  [[nodiscard]] const T& operator*() const { return value(); }
  [[nodiscard]] const T* operator->() const { return &value(); }

  // The failure message; empty when parsing succeeded.
  [[nodiscard]] const std::string& error() const noexcept {
    static const std::string none;
    return has_value() ? none : std::get<1>(state_).message;
  }

 private:
  std::variant<T, parse_failure> state_;
};

}  // namespace matchfund

#endif
