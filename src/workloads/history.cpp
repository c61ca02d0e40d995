// reproduce_history and history_table (history.hpp).
#include "matchfund/history.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "matchfund/error.hpp"
#include "matchfund/load_rules.hpp"
#include "workloads/definition.hpp"

namespace matchfund {

namespace {

// Removes a directory this run made, on every way out.
class scratch_directory {
 public:
  explicit scratch_directory(std::filesystem::path path) : path_(std::move(path)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_directory(const scratch_directory&) = delete;
  scratch_directory& operator=(const scratch_directory&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::filesystem::path default_scratch(std::string_view name) {
  return std::filesystem::temp_directory_path() / fmt::format("matchfund-history-{}-{}", name, ::getpid());
}

}  // namespace

std::vector<history_figure> reproduce_history(std::string_view name, const history_options& options) {
  const calibrated::definition* d = calibrated::find_definition(name);
  if (d == nullptr) throw error("no workload called " + std::string(name));
  if (d->measure == nullptr) return {};
  const scratch_directory scratch(options.scratch_directory.empty() ? default_scratch(name) : options.scratch_directory);
  workload_options generate;
  generate.name = std::string(name);
  generate.seed = options.seed;
  if (d->history_donations != 0) generate.donations = d->history_donations;
  const workload_summary summary = generate_workload(generate, scratch.path() / "in");
  const rule_set rules = load_rules(summary.rules_file);
  const std::vector<std::filesystem::path> files{summary.events_file};
  replay_options replay_with;
  replay_with.trace = true;
  const replay_report report = replay(rules, files, scratch.path() / "out", replay_with);
  const calibrated::measured_run run{rules, report, scratch.path() / "out", scratch.path() / "in", summary.donations,
                                    d->info.donations};
  return d->measure(run);
}

std::string history_table(std::span<const history_figure> figures) {
  std::string table = "| workload | outcome | published | reproduced | tolerance | within |\n";
  table += "|---|---|---|---|---|---|\n";
  for (const auto& f : figures) {
    table += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", f.workload, f.outcome, f.published, f.reproduced,
                         f.tolerance, f.within ? "yes" : "**no**");
  }
  return table;
}

}  // namespace matchfund
