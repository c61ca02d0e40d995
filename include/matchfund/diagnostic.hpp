// A problem found in a rules file (or a file it names), with its place and a stable code:
//   file:line:col: path: message [code]
// The codes are listed in docs/errors.md and never change meaning.
#ifndef MATCHFUND_DIAGNOSTIC_HPP
#define MATCHFUND_DIAGNOSTIC_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "matchfund/diagnostic_code.hpp"
#include "matchfund/error.hpp"

namespace matchfund {

struct diagnostic {
  std::string file;
  std::uint32_t line = 0;    // 1-based; 0 when the problem is with the file as a whole
  std::uint32_t column = 0;  // 1-based, in characters
  std::string path;          // where in the document: "rules[2].caps[0].max"; may be empty
  std::string message;
  diagnostic_code code = diagnostic_code::internal_error;

  [[nodiscard]] std::string to_string() const {
    std::string text = file;
    if (line > 0) text += ":" + std::to_string(line) + ":" + std::to_string(column);
    text += ": ";
    if (!path.empty()) text += path + ": ";
    return text + message + " [" + std::string(matchfund::to_string(code)) + "]";
  }
  friend bool operator==(const diagnostic&, const diagnostic&) = default;
};

// Thrown by the throwing loader: every diagnostic of the file, one per line in what().
class rules_error : public error {
 public:
  explicit rules_error(std::vector<diagnostic> diagnostics)
      : error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

  [[nodiscard]] const std::vector<diagnostic>& diagnostics() const noexcept { return diagnostics_; }

 private:
  static std::string join(const std::vector<diagnostic>& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics) {
      if (!text.empty()) text += '\n';
      text += d.to_string();
    }
    return text;
  }
  std::vector<diagnostic> diagnostics_;
};

}  // namespace matchfund

#endif
