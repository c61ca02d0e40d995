// The matchfund command line: `matchfund validate RULES.yaml...`, `--help`, `--version`.
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/version.hpp"
#include "summary.hpp"

namespace po = boost::program_options;

namespace {

// Exit codes: 0 success; 2 invalid input (rules files, usage).
constexpr int exit_ok = 0;
constexpr int exit_invalid = 2;

constexpr const char* usage_text = R"(matchfund - matching-fund allocations for charity campaigns

Usage:
  matchfund validate RULES.yaml [RULES.yaml...]
  matchfund --help
  matchfund --version

Commands:
  validate   Load each rules file strictly. Print a summary of it (campaign,
             projects, funds with budgets and releases, rules in evaluation
             order with their caps, close-out steps), or every error as
             file:line:col: path: message [code] and exit with status 2.

Exit status: 0 success, 2 invalid rules or usage.
)";

int validate(const std::vector<std::string>& files) {
  if (files.empty()) {
    std::cerr << "matchfund validate: give at least one rules file\n";
    return exit_invalid;
  }
  int status = exit_ok;
  bool first = true;
  for (const auto& file : files) {
    if (!first) std::cout << '\n';
    first = false;
    auto loaded = matchfund::try_load_rules(file);
    if (!loaded) {
      for (const auto& diagnostic : loaded.diagnostics) std::cerr << diagnostic.to_string() << '\n';
      std::cerr << fmt::format("{}: {} error{}\n", file, loaded.diagnostics.size(),
                               loaded.diagnostics.size() == 1 ? "" : "s");
      status = exit_invalid;
      continue;
    }
    std::cout << file << ": valid\n" << matchfund::cli::describe_rule_set(*loaded.rules);
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()("help,h", "print this help")("version", "print the version")(
      "command", po::value<std::string>(), "the command")("arguments", po::value<std::vector<std::string>>(),
                                                          "its arguments");
  po::positional_options_description positional;
  positional.add("command", 1).add("arguments", -1);
  po::variables_map arguments;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(positional).run(), arguments);
    po::notify(arguments);
  } catch (const po::error& e) {
    std::cerr << "matchfund: " << e.what() << "\n\n" << usage_text;
    return exit_invalid;
  }
  if (arguments.count("help")) {
    std::cout << usage_text;
    return exit_ok;
  }
  if (arguments.count("version")) {
    std::cout << "matchfund " << matchfund::version_string << " (rules format " << matchfund::rules_format_version
              << ")\n";
    return exit_ok;
  }
  if (!arguments.count("command")) {
    std::cerr << usage_text;
    return exit_invalid;
  }
  const auto command = arguments["command"].as<std::string>();
  const auto rest = arguments.count("arguments") ? arguments["arguments"].as<std::vector<std::string>>()
                                                 : std::vector<std::string>{};
  try {
    if (command == "validate") return validate(rest);
  } catch (const std::exception& e) {
    std::cerr << "matchfund: " << e.what() << '\n';
    return exit_invalid;
  }
  std::cerr << "matchfund: unknown command \"" << command << "\"\n\n" << usage_text;
  return exit_invalid;
}
