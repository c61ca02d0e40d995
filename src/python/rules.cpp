// matchfund.load_rules and the Rules object's columns (campaign, projects, funds, rules).
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "matchfund/load_rules.hpp"
#include "matchfund/money.hpp"
#include "matchfund/rule_override.hpp"
#include "python/bindings.hpp"
#include "python/columns.hpp"

namespace matchfund::python {

namespace {

py::tuple diagnostic_tuple(const diagnostic& d) {
  return py::make_tuple(d.file, d.line, d.column, d.path, d.message, std::string(to_string(d.code)));
}

// (rules or None, diagnostics as tuples (file, line, column, path, message, code)).
py::tuple try_load(const std::string& path) {
  load_result loaded;
  {
    py::gil_scoped_release unlocked;
    loaded = try_load_rules(path);
  }
  py::list diagnostics;
  for (const diagnostic& d : loaded.diagnostics) diagnostics.append(diagnostic_tuple(d));
  if (!loaded) return py::make_tuple(py::none(), diagnostics);
  return py::make_tuple(python_rules{std::move(*loaded.rules)}, diagnostics);
}

py::dict campaign_of(const python_rules& self) {
  const campaign_spec& c = self.rules.campaign();
  py::dict campaign;
  campaign["id"] = c.id;
  campaign["name"] = c.name;
  campaign["currency"] = c.currency;
  campaign["minor_digits"] = c.minor_digits;
  campaign["utc_offset_minutes"] = c.timezone.minutes();
  campaign["start_ms"] = c.start.epoch_ms();
  campaign["end_ms"] = c.end.epoch_ms();
  campaign["seed"] = c.seed ? py::cast(*c.seed) : py::none();
  campaign["hold_ttl_ms"] = c.hold_ttl ? py::cast(c.hold_ttl->count()) : py::none();
  return campaign;
}

py::dict projects_of(const python_rules& self) {
  const rule_set& rules = self.rules;
  text_column id, organization, region, category, tags;
  py::dict attributes;  // attr.NAME -> list of text (None where the project has none)
  const auto projects = rules.projects();
  for (std::size_t p = 0; p < projects.size(); ++p) {
    const project_spec& spec = projects[p];
    id.push_back(spec.id);
    organization.push_back(rules.organizations()[position(spec.organization)]);
    region.push_back(spec.region ? std::string_view(rules.regions()[position(*spec.region)]) : std::string_view());
    category.push_back(spec.category ? std::string_view(rules.categories()[position(*spec.category)]) : std::string_view());
    std::string joined;
    for (const std::string& tag : spec.tags) joined += (joined.empty() ? "" : ",") + tag;
    tags.push_back(joined);
    for (const auto& [name, text] : spec.attribute_texts) {
      const std::string key = "attr." + name;
      if (!attributes.contains(key)) attributes[py::str(key)] = py::list(static_cast<py::ssize_t>(projects.size()));
      attributes[py::str(key)].cast<py::list>()[p] = text;
    }
  }
  py::dict columns;
  columns["project"] = text_array(id);
  columns["organization"] = text_array(organization);
  columns["region"] = text_array(region);
  columns["category"] = text_array(category);
  columns["tags"] = text_array(tags);
  columns["attributes"] = attributes;
  return columns;
}

py::dict funds_of(const python_rules& self) {
  text_column id, funder;
  std::vector<std::int64_t> budget, releases;
  std::vector<bool> expire_unused;
  for (const fund_spec& spec : self.rules.funds()) {
    id.push_back(spec.id);
    funder.push_back(spec.funder);
    budget.push_back(spec.budget.minor_units());
    releases.push_back(static_cast<std::int64_t>(spec.releases.size()));
    expire_unused.push_back(spec.expire_unused);
  }
  py::dict columns;
  columns["fund"] = text_array(id);
  columns["funder"] = text_array(funder);
  columns["budget"] = owned_array(std::move(budget));
  columns["releases"] = owned_array(std::move(releases));
  columns["expire_unused"] = bool_array(expire_unused);
  return columns;
}

py::dict releases_of(const python_rules& self) {
  text_column fund;
  std::vector<std::int64_t> release, at, amount;
  for (const fund_spec& spec : self.rules.funds()) {
    for (std::size_t k = 0; k < spec.releases.size(); ++k) {
      fund.push_back(spec.id);
      release.push_back(static_cast<std::int64_t>(k));
      at.push_back(spec.releases[k].at.epoch_ms());
      amount.push_back(spec.releases[k].amount.minor_units());
    }
  }
  py::dict columns;
  columns["fund"] = text_array(fund);
  columns["release"] = owned_array(std::move(release));
  columns["at"] = owned_array(std::move(at));
  columns["amount"] = owned_array(std::move(amount));
  return columns;
}

py::dict rules_of(const python_rules& self) {
  const rule_set& rules = self.rules;
  text_column id, description, sources;
  std::vector<std::int64_t> priority;
  std::vector<bool> exclusive;
  for (const rule_spec& spec : rules.rules()) {
    id.push_back(spec.id);
    description.push_back(spec.description);
    std::string joined;
    for (fund_index f : spec.sources) joined += (joined.empty() ? "" : ",") + rules.fund(f).id;
    sources.push_back(joined);
    priority.push_back(spec.priority);
    exclusive.push_back(spec.exclusive);
  }
  py::dict columns;
  columns["rule"] = text_array(id);
  columns["description"] = text_array(description);
  columns["priority"] = owned_array(std::move(priority));
  columns["funds"] = text_array(sources);
  columns["exclusive"] = bool_array(exclusive);
  return columns;
}

python_rules with_overrides(const python_rules& self, const std::vector<std::string>& settings) {
  std::vector<rule_override> overrides;
  for (const std::string& setting : settings) {
    auto parsed = parse_override(setting);
    if (!parsed) throw error(parsed.error());
    overrides.push_back(std::move(*parsed));
  }
  return python_rules{apply_overrides(self.rules, overrides)};
}

}  // namespace

void bind_rules(py::module_& module) {
  py::class_<python_rules>(module, "_Rules")
      .def_property_readonly("source_file", [](const python_rules& self) { return self.rules.source_file(); })
      .def_property_readonly("sha256", [](const python_rules& self) { return self.rules.source_sha256(); })
      .def("campaign", &campaign_of)
      .def("projects", &projects_of)
      .def("funds", &funds_of)
      .def("releases", &releases_of)
      .def("rules", &rules_of)
      .def("closeout", [](const python_rules& self) {
        std::vector<std::string> ids;
        for (const closeout_spec& step : self.rules.closeout()) ids.push_back(step.id);
        return ids;
      })
      .def("format_money", [](const python_rules& self, std::int64_t minor) {
        return format_money(money::from_minor(minor), self.rules.minor_digits());
      })
      .def("with_overrides", &with_overrides);
  module.def("_try_load_rules", &try_load);
}

}  // namespace matchfund::python
