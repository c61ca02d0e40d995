// Phase 4 of loading rules: projects and donors, inline or from CSV files (SPEC §3.1).
#include "load/rules_loader.hpp"

#include <boost/unordered/unordered_flat_map.hpp>

#include <set>

namespace matchfund::detail::loading {

// ---------------------------------------------------------------------------------------------
// Phase 4: projects and donors.

std::string rules_loader::display_path(const std::string& relative) const {
  return (base_directory_ / relative).lexically_normal().generic_string();
}

resolved_attribute rules_loader::resolve_attribute(attribute_owner owner, const std::string& name) const {
  resolved_attribute attribute{name, std::string(to_string(owner)) + ".attr." + name, nullptr, 0};
  if (const auto found = evidence_.find(attribute.field); found != evidence_.end()) {
    attribute.evidence = &found->second;
    attribute.slot = attribute_slots_.at(attribute.field);
  }
  return attribute;
}

std::optional<value> rules_loader::attribute_value(const resolved_attribute& attribute, const std::string& text,
                                                   const std::function<void(std::string, diagnostic_code)>& report_at) {
  if (attribute.evidence == nullptr) return std::nullopt;  // no rule reads it
  const std::string& field = attribute.field;
  const value_type type = attribute.evidence->type;
  const auto mismatch = [&] {
    report_at("value \"" + text + "\" of " + field + " is not " + article(type) +
                  " (the rules use it as " + article(type) + " at line " +
                  std::to_string(attribute.evidence->first.line) + ")",
              diagnostic_code::bad_attribute_value);
    return std::nullopt;
  };
  auto parsed = parse_typed_value(type, text, digits());
  if (parsed) return *parsed;
  if (parsed.error().empty()) return mismatch();
  report_at(parsed.error(), diagnostic_code::bad_attribute_value);  // money, but not a whole number of minor units
  return std::nullopt;
}

void rules_loader::read_projects(const located_node& node) {
  if (node.is_map()) {
    map_reader reader(node);
    if (auto file = reader.required("file")) read_projects_file(*file);
    reader.finish();
  } else if (node.is_list()) {
    read_project_list(node);
  } else {
    report(node, "expected a list of projects or {file: projects.csv}, got " + detail::describe_node(node.node),
           diagnostic_code::wrong_type);
    return;
  }
  if (parts_.projects.empty() && sink_.empty()) report(node, "a campaign needs at least one project",
                                                       diagnostic_code::empty_list);

  // Organizations, regions and categories get dense indices in byte order of their names.
  std::set<std::string> organizations, regions, categories;
  for (const auto& names : project_names_) {
    organizations.insert(names.organization);
    if (names.region) regions.insert(*names.region);
    if (names.category) categories.insert(*names.category);
  }
  parts_.organizations.assign(organizations.begin(), organizations.end());
  parts_.regions.assign(regions.begin(), regions.end());
  parts_.categories.assign(categories.begin(), categories.end());
  const auto index_in = [](const std::vector<std::string>& names, const std::string& name) {
    return static_cast<std::uint32_t>(std::lower_bound(names.begin(), names.end(), name) - names.begin());
  };
  for (std::size_t i = 0; i < parts_.projects.size(); ++i) {
    auto& project = parts_.projects[i];
    const auto& names = project_names_[i];
    project.organization = static_cast<organization_index>(index_in(parts_.organizations, names.organization));
    if (names.region) project.region = static_cast<region_index>(index_in(parts_.regions, *names.region));
    if (names.category) project.category = static_cast<category_index>(index_in(parts_.categories, *names.category));
  }
}


void rules_loader::read_project_list(const located_node& list) {
  std::map<std::string, source_position, std::less<>> seen;
  for (const auto& element : list.elements()) {
    map_reader reader(element);
    if (!reader.valid()) continue;
    project_spec project;
    std::string organization;
    std::optional<std::string> region, category;
    bool ok = true;
    if (auto id = reader.required("id")) {
      if (auto text = detail::read_id(*id)) {
        project.id = *text;
        if (auto [first, inserted] = seen.emplace(*text, id->at); !inserted) {
          report(*id, "duplicate project id \"" + *text + "\" (first at line " + std::to_string(first->second.line) + ")",
                 diagnostic_code::duplicate_id);
        }
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    if (auto node = reader.required("organization")) {
      if (auto text = detail::read_id(*node)) organization = *text;
    }
    if (auto node = reader.optional("region")) region = detail::read_id(*node);
    if (auto node = reader.optional("category")) category = detail::read_id(*node);
    if (auto tags = reader.optional("tags")) {
      if (auto elements = detail::read_list(*tags)) {
        for (const auto& tag : *elements) {
          if (auto text = detail::read_id(tag)) project.tags.push_back(*text);
        }
      }
    }
    read_yaml_attributes(reader, attribute_owner::project, project.attributes, project.attribute_texts);
    reader.finish();
    if (!ok) continue;
    parts_.projects.push_back(std::move(project));
    project_names_.push_back({organization, region, category});
  }
}

// A headered CSV file named by the rules (projects, donors, fixed amounts): reads the header
// against the columns it may have, then hands each row to `on_row` with a reporter. Rows are
// named row_prefix[0], row_prefix[1], ... in diagnostics.

void rules_loader::read_csv_table(const located_node& file_node, const std::string& section, const std::string& row_prefix,
                                  const std::vector<std::string_view>& column_names,
                                  const std::vector<std::string_view>& required_columns,
                                  const std::function<void(const csv_row&, const attribute_cells&)>& on_row) {
  auto relative = detail::read_string(file_node);
  if (!relative) return;
  const std::string shown = display_path(*relative);
  std::string text;
  try {
    text = detail::read_text_file(base_directory_ / *relative);
  } catch (const std::exception& e) {
    report(file_node, e.what(), diagnostic_code::file_unreadable);
    return;
  }
  const auto csv_report = [&](std::uint64_t line, std::uint64_t column, std::string path, std::string message,
                              diagnostic_code code) {
    sink_.add(shown, {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(column)}, std::move(path),
              std::move(message), code);
  };
  try {
    detail::csv_reader reader(text);
    detail::csv_record record;
    if (!reader.next(record)) {
      csv_report(1, 1, "", "the file is empty: a header row is required", diagnostic_code::missing_column);
      return;
    }
    const detail::csv_header header(record);
    if (section == "projects") parts_.projects.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
    if (section == "donors") parts_.donors.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
    std::vector<std::optional<std::size_t>> columns(column_names.size());
    attribute_cells attribute_columns;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string_view name = header.name(i);
      const auto known = std::find(column_names.begin(), column_names.end(), name);
      if (known != column_names.end()) {
        columns[static_cast<std::size_t>(known - column_names.begin())] = i;
      } else if (name.starts_with("attr.") && name.size() > 5 && section != "closeout") {
        const auto owner = section == "donors" ? attribute_owner::donor : attribute_owner::project;
        attribute_columns.emplace_back(i, resolve_attribute(owner, std::string(name.substr(5))));
      } else {
        csv_report(record.line(), record.column(i), "", "unknown column \"" + std::string(name) + "\"",
                   diagnostic_code::unknown_column);
      }
    }
    bool complete = true;
    for (auto required : required_columns) {
      if (!header.find(required)) {
        csv_report(record.line(), 1, "", "missing column \"" + std::string(required) + "\"",
                   diagnostic_code::missing_column);
        complete = false;
      }
    }
    if (!complete) return;
    std::size_t row = 0;
    while (reader.next(record)) {
      const std::string row_path = detail::index_path(row_prefix, row++);
      if (record.size() != header.size()) {
        csv_report(record.line(), 1, row_path,
                   "expected " + std::to_string(header.size()) + " fields, found " + std::to_string(record.size()),
                   diagnostic_code::csv_syntax);
        continue;
      }
      const csv_row current{record, columns, row_path,
                            [&](std::size_t column, std::string path, std::string message, diagnostic_code code) {
                              csv_report(record.line(), record.column(column), std::move(path), std::move(message),
                                         code);
                            }};
      on_row(current, attribute_columns);
    }
  } catch (const detail::csv_error& e) {
    csv_report(e.line(), e.column(), "", e.what(), diagnostic_code::csv_syntax);
  }
}

std::optional<std::string> rules_loader::csv_id(const csv_row& row, std::size_t which, std::string_view name) {
  auto value = row.cell(which);
  if (!value || has_control_character(*value)) {
    row.report(row.column_of(which), detail::join_path(row.path, name),
               value ? "an id must not contain control characters" : "an id must not be empty",
               diagnostic_code::bad_id);
    return std::nullopt;
  }
  return value;
}

void rules_loader::read_csv_attributes(const csv_row& row, const attribute_cells& cells, attribute_owner owner,
                                       attribute_values& values,
                                       std::vector<std::pair<std::string, std::string>>& texts) {
  values.resize(attribute_table(owner).size());
  for (const auto& cell : cells) {
    const std::size_t column = cell.first;
    const resolved_attribute& attribute = cell.second;
    if (row.record[column].empty()) continue;
    const std::string text(row.record[column]);
    texts.emplace_back(attribute.name, text);
    if (attribute.evidence == nullptr) continue;
    auto typed = attribute_value(attribute, text, [&](std::string message, diagnostic_code code) {
      row.report(column, detail::join_path(row.path, "attr." + attribute.name), std::move(message), code);
    });
    if (typed) values[attribute.slot] = std::move(typed);
  }
}

void rules_loader::read_yaml_attributes(map_reader& reader, attribute_owner owner, attribute_values& values,
                                        std::vector<std::pair<std::string, std::string>>& texts) {
  values.resize(attribute_table(owner).size());
  auto attr = reader.optional("attr");
  if (!attr) return;
  map_reader attributes(*attr);
  for (const auto& entry : attributes.entries()) {
    const std::string name = entry.first.node.Scalar();
    const located_node& node = entry.second;
    auto text = detail::read_scalar_text(node, "a scalar attribute value");
    if (!text) continue;
    texts.emplace_back(name, *text);
    const resolved_attribute attribute = resolve_attribute(owner, name);
    auto typed = attribute_value(attribute, *text,
                                 [&node](std::string message, diagnostic_code code) {
                                   node.report(std::move(message), code);
                                 });
    if (typed) values[attribute.slot] = std::move(typed);
  }
}

void rules_loader::read_projects_file(const located_node& file_node) {
  enum column { id, organization, region, category, tags };
  boost::unordered_flat_map<std::string, std::uint64_t> seen;  // id -> line, for duplicates
  read_csv_table(file_node, "projects", "projects", {"id", "organization", "region", "category", "tags"}, {"id", "organization"},
                 [&](const csv_row& row, const attribute_cells& cells) {
                   auto project_id = csv_id(row, id, "id");
                   auto organization_name = csv_id(row, organization, "organization");
                   if (!project_id || !organization_name) return;
                   if (auto [first, inserted] = seen.emplace(*project_id, row.record.line()); !inserted) {
                     row.report(row.column_of(id), detail::join_path(row.path, "id"),
                                "duplicate project id \"" + *project_id + "\" (first at line " +
                                    std::to_string(first->second) + ")",
                                diagnostic_code::duplicate_id);
                     return;
                   }
                   project_spec project;
                   project.id = *project_id;
                   if (auto tag_text = row.cell(tags)) {
                     std::string_view rest = *tag_text;
                     while (true) {
                       const auto bar = rest.find('|');
                       if (auto tag = rest.substr(0, bar); !tag.empty()) project.tags.emplace_back(tag);
                       if (bar == std::string_view::npos) break;
                       rest.remove_prefix(bar + 1);
                     }
                   }
                   read_csv_attributes(row, cells, attribute_owner::project, project.attributes, project.attribute_texts);
                   parts_.projects.push_back(std::move(project));
                   project_names_.push_back({*organization_name, row.cell(region), row.cell(category)});
                 });
}

void rules_loader::read_donors(const located_node& node) {
  if (node.is_map()) {
    map_reader reader(node);
    if (auto file = reader.required("file")) read_donors_file(*file);
    reader.finish();
    return;
  }
  auto elements = detail::read_list(node);
  if (!elements) return;
  std::map<std::string, source_position, std::less<>> seen;
  for (const auto& element : *elements) {
    map_reader reader(element);
    if (!reader.valid()) continue;
    donor_spec donor;
    auto id_node = reader.required("id");
    auto id = id_node ? detail::read_id(*id_node) : std::nullopt;
    read_yaml_attributes(reader, attribute_owner::donor, donor.attributes, donor.attribute_texts);
    reader.finish();
    if (!id) continue;
    if (auto [first, inserted] = seen.emplace(*id, id_node->at); !inserted) {
      report(*id_node, "duplicate donor id \"" + *id + "\" (first at line " + std::to_string(first->second.line) + ")",
             diagnostic_code::duplicate_id);
      continue;
    }
    donor.id = *id;
    parts_.donors.push_back(std::move(donor));
  }
}

void rules_loader::read_donors_file(const located_node& file_node) {
  boost::unordered_flat_map<std::string, std::uint64_t> seen;  // id -> line, for duplicates
  read_csv_table(file_node, "donors", "donors", {"id"}, {"id"}, [&](const csv_row& row, const attribute_cells& cells) {
    auto id = csv_id(row, 0, "id");
    if (!id) return;
    if (auto [first, inserted] = seen.emplace(*id, row.record.line()); !inserted) {
      row.report(row.column_of(0), detail::join_path(row.path, "id"),
                 "duplicate donor id \"" + *id + "\" (first at line " + std::to_string(first->second) + ")",
                 diagnostic_code::duplicate_id);
      return;
    }
    donor_spec donor;
    donor.id = *id;
    read_csv_attributes(row, cells, attribute_owner::donor, donor.attributes, donor.attribute_texts);
    parts_.donors.push_back(std::move(donor));
  });
}

}  // namespace matchfund::detail::loading
