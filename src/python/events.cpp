// matchfund.read_events and matchfund.generate: event files and generated streams as DataFrame
// columns (what replay reads back: time as epoch ms, amount as minor units, the rest as text),
// and the calibrated workloads.
#include <pybind11/stl.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "matchfund/generate.hpp"
#include "matchfund/read_events.hpp"
#include "matchfund/replay.hpp"
#include "matchfund/workload.hpp"
#include "python/bindings.hpp"
#include "python/columns.hpp"
#include "python/tables.hpp"

namespace matchfund::python {

namespace {

// An attribute's value as an event file writes it.
std::string value_text(const value& v, minor_digits_t digits) {
  return std::visit(
      [&](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, money>) return format_money(x, digits);
        else if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, local_date>) return format_local_date(x);
        else if constexpr (std::is_same_v<T, local_clock>) return format_local_clock(x);
        else return format_ratio(x);
      },
      v);
}

py::dict event_columns(const rule_set& rules, const std::vector<event>& events) {
  std::vector<std::int32_t> kind, project, scope, disposition;
  std::vector<std::int64_t> time, amount;
  std::vector<bool> no_amount;
  text_column id, donor, ref, channel;
  const auto attributes = rules.attributes(attribute_owner::donation);
  std::vector<text_column> attribute_texts(attributes.size());
  for (const event& e : events) {
    kind.push_back(static_cast<std::int32_t>(e.kind));
    id.push_back(e.id);
    time.push_back(e.time.epoch_ms());
    donor.push_back(e.donor);
    project.push_back(e.project ? static_cast<std::int32_t>(position(*e.project)) : -1);
    amount.push_back(e.amount ? e.amount->minor_units() : 0);
    no_amount.push_back(!e.amount);
    ref.push_back(e.ref);
    scope.push_back(e.scope ? static_cast<std::int32_t>(*e.scope) : -1);
    disposition.push_back(e.disposition ? static_cast<std::int32_t>(*e.disposition) : -1);
    channel.push_back(e.channel);
    for (std::size_t slot = 0; slot < attributes.size(); ++slot) {
      const auto& given = slot < e.attributes.size() ? e.attributes[slot] : std::nullopt;
      attribute_texts[slot].push_back(given ? value_text(*given, rules.minor_digits()) : std::string());
    }
  }
  std::vector<std::string> kinds, scopes, dispositions, projects;
  for (int k = 0; k <= static_cast<int>(event_kind::cancel); ++k) kinds.emplace_back(to_string(static_cast<event_kind>(k)));
  for (int s = 0; s <= static_cast<int>(revoke_scope::project); ++s) scopes.emplace_back(to_string(static_cast<revoke_scope>(s)));
  for (const auto& [name, spelled] : refund_disposition_spellings) dispositions.emplace_back(name);
  for (const project_spec& spec : rules.projects()) projects.push_back(spec.id);
  py::dict columns;
  columns["kind"] = categorical(std::move(kind), kinds);
  columns["id"] = text_array(id);
  columns["time"] = owned_array(std::move(time));
  columns["donor"] = text_array(donor);
  columns["project"] = categorical(std::move(project), projects);
  columns["amount"] = py::make_tuple(owned_array(std::move(amount)), bool_array(no_amount));
  columns["ref"] = text_array(ref);
  columns["scope"] = categorical(std::move(scope), scopes);
  columns["disposition"] = categorical(std::move(disposition), dispositions);
  columns["channel"] = text_array(channel);
  for (std::size_t slot = 0; slot < attributes.size(); ++slot) {
    columns[py::str("attr." + attributes[slot].name)] = text_array(attribute_texts[slot]);
  }
  return columns;
}

// The events of one file in file order, and the rows that did not read.
py::tuple read_file(const python_rules& self, const std::string& path) {
  std::vector<event> events;
  std::vector<rejected_event> rejected;
  {
    py::gil_scoped_release unlocked;
    read_event_file(
        self.rules, path, 0, [&](event&& e) { events.push_back(std::move(e)); },
        [&](rejected_event&& bad) { rejected.push_back(std::move(bad)); });
  }
  return py::make_tuple(event_columns(self.rules, events), rejected_columns(rejected));
}

// A generated stream (generate.hpp) written to `path`, or, without one, read back as columns.
py::object generate(const python_rules& self, std::uint64_t donations, std::uint64_t seed, std::uint64_t donors,
                    const std::optional<std::string>& path) {
  const generate_options options{.donations = donations, .seed = seed, .donors = donors};
  std::string text;
  {
    py::gil_scoped_release unlocked;
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(path ? std::fopen(path->c_str(), "wb") : std::tmpfile(),
                                                             &std::fclose);
    if (!out) throw error((path ? *path : std::string("a temporary file")) + ": cannot be written");
    generate_donations(self.rules, options, out.get());
    if (!path) {
      text.resize(static_cast<std::size_t>(std::ftell(out.get())));
      std::rewind(out.get());
      if (std::fread(text.data(), 1, text.size(), out.get()) != text.size()) {
        throw error("a temporary file could not be read back");
      }
    }
  }
  if (path) return py::none();
  std::vector<event> events;
  read_event_text(
      self.rules, text, event_format::csv, "<generated>", 0, [&](event&& e) { events.push_back(std::move(e)); },
      [](rejected_event&& bad) { throw error("a generated event does not read: " + to_string(bad.reason)); });
  return event_columns(self.rules, events);
}

py::dict workload(const std::string& name, std::uint64_t seed, const std::optional<std::uint64_t>& donations,
                  const std::string& directory) {
  workload_summary summary;
  {
    py::gil_scoped_release unlocked;
    summary = generate_workload({.name = name, .seed = seed, .donations = donations}, directory);
  }
  py::dict result;
  result["donations"] = summary.donations;
  result["donors"] = summary.donors;
  result["projects"] = summary.projects;
  result["organizations"] = summary.organizations;
  result["rules_file"] = summary.rules_file.generic_string();
  result["events_file"] = summary.events_file.generic_string();
  return result;
}

}  // namespace

void bind_events(py::module_& module) {
  module.def("_read_events", &read_file);
  module.def("_generate", &generate);
  module.def("_generate_workload", &workload);
  module.def("_workloads", [] {
    py::list list;
    for (const workload_info& info : workloads()) {
      list.append(py::make_tuple(std::string(info.name), std::string(info.summary), info.donations));
    }
    return list;
  });
}

}  // namespace matchfund::python
