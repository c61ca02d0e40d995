// The list of workloads (definition.hpp) and generate_workload (workload.hpp).
#include <algorithm>
#include <array>
#include <vector>

#include "matchfund/error.hpp"
#include "workloads/definition.hpp"

namespace matchfund::calibrated {

// Defined in one file per campaign family.
extern const definition national_2021;
extern const definition chongqing_2021_federation;
extern const definition chongqing_2019;
extern const definition chongqing_2020;
extern const definition chongqing_2021;
extern const definition ntgd_2015;
extern const definition bigive_2024;
extern const definition facebook_2017;
extern const definition facebook_2018;
extern const definition tencent_2017;
extern const definition chongqing_2022;

std::span<const definition* const> all_definitions() {
  static const std::vector<const definition*> all{
      &national_2021,  &chongqing_2021_federation, &chongqing_2019, &chongqing_2020, &chongqing_2021,
      &tencent_2017,
      &chongqing_2022,
      &ntgd_2015,
      &bigive_2024,
      &facebook_2017,
      &facebook_2018,
  };
  return all;
}

const definition* find_definition(std::string_view name) {
  for (const definition* d : all_definitions()) {
    if (d->info.name == name) return d;
  }
  return nullptr;
}

}  // namespace matchfund::calibrated

namespace matchfund {

std::span<const workload_info> workloads() {
  static const std::vector<workload_info> infos = [] {
    std::vector<workload_info> all;
    for (const auto* d : calibrated::all_definitions()) all.push_back(d->info);
    return all;
  }();
  return infos;
}

const workload_info* find_workload(std::string_view name) {
  const auto all = workloads();
  const auto found = std::find_if(all.begin(), all.end(), [&](const workload_info& w) { return w.name == name; });
  return found == all.end() ? nullptr : &*found;
}

workload_summary generate_workload(const workload_options& options, const std::filesystem::path& directory) {
  const calibrated::definition* d = calibrated::find_definition(options.name);
  if (d == nullptr) throw error("no workload called " + options.name);
  const std::uint64_t donations = options.donations.value_or(d->info.donations);
  if (donations == 0) throw error("a workload needs at least one donation");
  // All three files appear together, or none (output_files.hpp).
  detail::output_set files(directory);
  const calibrated::generated_counts counts = d->generate(donations, options.seed, files);
  files.commit();
  return {donations, counts.donors, counts.projects, counts.organizations, directory / "rules.yaml",
          directory / "events.csv"};
}

}  // namespace matchfund
