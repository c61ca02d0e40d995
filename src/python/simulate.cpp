// matchfund.simulate and its parts for matchfund.dask: a plan (setup, demand, options) made once
// from the arguments, run whole or by parts, and the result's tables as columns. The GIL is
// released while runs are simulated.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "matchfund/demand.hpp"
#include "matchfund/ratio.hpp"
#include "matchfund/recorded_demand.hpp"
#include "matchfund/report.hpp"
#include "matchfund/simulate.hpp"
#include "python/bindings.hpp"
#include "python/columns.hpp"
#include "python/event_columns.hpp"
#include "python/simulation_tables.hpp"

namespace matchfund::python {

namespace {

struct simulation_plan {
  simulation_setup setup;
  demand_model demand;
  simulation_options options;
};

struct python_simulation {
  simulation_result result;
};

ratio ratio_argument(const char* name, const std::optional<std::string>& text, ratio otherwise) {
  if (!text) return otherwise;
  auto parsed = parse_ratio(*text);
  if (!parsed) throw error(std::string(name) + "=" + *text + ": " + parsed.error());
  return *parsed;
}

// The demand: a model file, event files, or one DataFrame's rows (name, columns, digest).
demand_model demand_of(const rule_set& rules, const std::optional<std::string>& demand_file, const py::object& recorded,
                       const recorded_demand_options& options) {
  if (demand_file) {
    py::gil_scoped_release unlocked;
    return load_demand(*demand_file, rules);
  }
  if (py::isinstance<py::list>(recorded)) {
    std::vector<std::filesystem::path> files;
    for (const py::handle file : recorded.cast<py::list>()) files.emplace_back(file.cast<std::string>());
    py::gil_scoped_release unlocked;
    return load_recorded_demand(files, rules, options);
  }
  const auto table = recorded.cast<py::tuple>();
  const auto name = table[0].cast<std::string>();
  std::vector<event> events;
  frame_event_table frame(rules, name, table[1].cast<py::list>());
  read_event_table(
      rules, frame, name, 0, [&](event&& e) { events.push_back(std::move(e)); },
      [&](rejected_event&& bad) {
        throw event_file_error(name, bad.line, 0,
                               "event " + bad.id + ": " + to_string(bad.reason) +
                                   " (recorded events must be valid for the rules simulated)");
      });
  const auto digest = table[2].cast<std::string>();
  py::gil_scoped_release unlocked;
  return recorded_demand_of_events(std::move(events), name, digest, rules, options);
}

simulation_plan plan(const python_rules& rules, const std::optional<std::string>& demand_file, const py::object& recorded,
                     const py::dict& recorded_options, const std::vector<std::string>& overrides,
                     const std::optional<std::string>& sweep, std::uint64_t runs, std::uint64_t seed, unsigned threads) {
  simulation_plan made;
  made.setup = simulation_points(rules.rules, overrides, sweep, "set", "sweep");
  recorded_demand_options options;
  options.scale = ratio_argument("scale", recorded_options["scale"].cast<std::optional<std::string>>(), options.scale);
  options.volume_sd = ratio_argument("volume_sd", recorded_options["volume_sd"].cast<std::optional<std::string>>(),
                                     options.volume_sd);
  options.gift_sd = ratio_argument("gift_sd", recorded_options["gift_sd"].cast<std::optional<std::string>>(), options.gift_sd);
  made.demand = demand_of(made.setup.points.front().rules, demand_file, recorded, options);
  made.options = {.runs = runs, .seed = seed, .threads = threads, .progress = {}};
  return made;
}

}  // namespace

void bind_simulate(py::module_& module) {
  py::class_<simulation_plan>(module, "_SimulationPlan")
      .def_property_readonly("points", [](const simulation_plan& self) { return self.setup.points.size(); })
      .def_property_readonly("runs", [](const simulation_plan& self) { return self.options.runs; })
      .def("run", [](const simulation_plan& self) {
        py::gil_scoped_release unlocked;
        return python_simulation{simulate(self.setup, self.demand, self.options)};
      })
      .def("run_part", [](const simulation_plan& self, std::uint64_t point, std::uint64_t first_run, std::uint64_t count) {
        std::string part;
        {
          py::gil_scoped_release unlocked;
          part = simulate_part(self.setup, self.demand, self.options, point, first_run, count);
        }
        return py::bytes(part);
      })
      .def("assemble", [](const simulation_plan& self, const std::vector<std::string>& parts) {
        py::gil_scoped_release unlocked;
        return python_simulation{assemble_simulation(self.setup, self.demand, self.options, parts)};
      });
  py::class_<python_simulation>(module, "_Simulation")
      .def("tables", [](const python_simulation& self) { return simulation_columns(self.result); })
      .def("write", [](const python_simulation& self, const std::string& directory) {
        py::gil_scoped_release unlocked;
        write_simulation(self.result, directory);
      });
  module.def("_plan_simulation", &plan);
  module.def("_write_simulation_report", [](const std::string& directory, const std::string& html_file) {
    py::gil_scoped_release unlocked;
    write_simulation_report(directory, html_file);
  });
}

}  // namespace matchfund::python
