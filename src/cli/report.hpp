// `matchfund report DIR [--rules RULES.yaml] [--out FILE]`: the HTML report of a replay's
// output folder, or of a simulation's (a folder with simulation.json).
#ifndef MATCHFUND_CLI_REPORT_HPP
#define MATCHFUND_CLI_REPORT_HPP

#include <optional>
#include <string>
#include <vector>

namespace matchfund::cli {

struct report_arguments {
  std::vector<std::string> folders;      // exactly one is valid
  std::optional<std::string> rules_file;  // --rules
  std::optional<std::string> html_file;   // --out; default DIR/report.html
};

// Writes the report and prints "report: FILE"; returns the exit status (0, or 2 with the
// problem printed to standard error).
int report_command(const report_arguments& arguments);

}  // namespace matchfund::cli

#endif
