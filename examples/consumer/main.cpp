// A program that uses matchfund through its public headers only: loads a rules file and says
// what it holds, or prints every problem of the file.
#include <matchfund/load_rules.hpp>
#include <matchfund/version.hpp>

#include <iostream>

int main(int argc, char** argv) {
  std::cout << "matchfund " << matchfund::version_string << '\n';
  if (argc < 2) return 0;
  const auto loaded = matchfund::try_load_rules(argv[1]);
  if (!loaded) {
    for (const auto& problem : loaded.diagnostics) std::cerr << problem.to_string() << '\n';
    return 2;
  }
  const matchfund::rule_set& rules = *loaded.rules;
  std::cout << rules.campaign().id << ": " << rules.projects().size() << " projects, " << rules.funds().size()
            << " funds, " << rules.rules().size() << " rules\n";
  return 0;
}
