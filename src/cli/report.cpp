#include "cli/report.hpp"

#include <filesystem>
#include <iostream>

#include "matchfund/diagnostic.hpp"
#include "matchfund/report.hpp"

namespace matchfund::cli {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_invalid = 2;

}  // namespace

int report_command(const report_arguments& arguments) {
  if (arguments.folders.size() != 1) {
    std::cerr << "matchfund report: give one output folder of matchfund replay (or of a simulation)\n";
    return exit_invalid;
  }
  const std::filesystem::path folder = arguments.folders.front();
  const std::filesystem::path html_file = arguments.html_file ? std::filesystem::path(*arguments.html_file)
                                                              : folder / "report.html";
  // A simulation's folder has simulation.json; a replay's has summary.json.
  const bool simulation = std::filesystem::exists(folder / "simulation.json");
  try {
    if (simulation) {
      if (arguments.rules_file) {
        std::cerr << "matchfund report: --rules is for a replay's folder; a simulation's report needs none\n";
        return exit_invalid;
      }
      write_simulation_report(folder, html_file);
    } else {
      const std::optional<std::filesystem::path> rules_file =
          arguments.rules_file ? std::optional<std::filesystem::path>(*arguments.rules_file) : std::nullopt;
      write_replay_report(folder, load_rules_of_replay(folder, rules_file), html_file);
    }
  } catch (const rules_error& e) {
    std::cerr << e.what() << '\n';
    return exit_invalid;
  } catch (const error& e) {
    std::cerr << "matchfund report: " << e.what() << '\n';
    return exit_invalid;
  }
  std::cout << "report: " << html_file.generic_string() << '\n';
  return exit_ok;
}

}  // namespace matchfund::cli
