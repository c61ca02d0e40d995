// A simulation in parts (include/matchfund/simulate.hpp): the traces of a range of runs as bytes,
// and the result assembled from every part. The bytes are little-endian integers in a fixed
// order, checked when read back; they are not kept on disk, only handed from a worker to the
// process that assembles.
#include <algorithm>
#include <cstring>

#include "matchfund/error.hpp"
#include "matchfund/simulate.hpp"
#include "run/simulation_run.hpp"

namespace matchfund {

namespace {

constexpr char part_magic[8] = {'M', 'F', 'S', 'I', 'M', 'P', 'T', '1'};

class part_writer {
 public:
  void integer(std::uint64_t number) {
    for (int byte = 0; byte < 8; ++byte) bytes_.push_back(static_cast<char>((number >> (8 * byte)) & 0xFF));
  }
  void signed_integer(std::int64_t number) { integer(static_cast<std::uint64_t>(number)); }
  void amount(money sum) { signed_integer(sum.minor_units()); }
  void time(const std::optional<timestamp>& t) {
    integer(t ? 1 : 0);
    signed_integer(t ? t->epoch_ms() : 0);
  }
  void text(const std::string& characters) {
    integer(characters.size());
    bytes_ += characters;
  }
  void raw(const char* data, std::size_t size) { bytes_.append(data, size); }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class part_reader {
 public:
  explicit part_reader(const std::string& bytes) : bytes_(bytes) {}

  std::uint64_t integer() {
    need(8);
    std::uint64_t number = 0;
    for (int byte = 0; byte < 8; ++byte) number |= std::uint64_t{static_cast<unsigned char>(bytes_[at_++])} << (8 * byte);
    return number;
  }
  std::int64_t signed_integer() { return static_cast<std::int64_t>(integer()); }
  money amount() { return money::from_minor(signed_integer()); }
  std::optional<timestamp> time() {
    const bool present = integer() != 0;
    const std::int64_t ms = signed_integer();
    return present ? std::optional(timestamp::from_epoch_ms(ms)) : std::nullopt;
  }
  std::string text() { return bytes(count(1)); }
  std::string bytes(std::uint64_t size) {
    need(size);
    std::string part = bytes_.substr(at_, size);
    at_ += size;
    return part;
  }
  // A count of items of at least `item_bytes` each, checked against what is left.
  std::uint64_t count(std::uint64_t item_bytes) {
    const std::uint64_t n = integer();
    if (item_bytes > 0 && n > (bytes_.size() - at_) / item_bytes) damaged();
    return n;
  }
  bool starts_with_magic() {
    if (bytes_.size() < sizeof part_magic || std::memcmp(bytes_.data(), part_magic, sizeof part_magic) != 0) return false;
    at_ = sizeof part_magic;
    return true;
  }
  [[nodiscard]] bool at_end() const noexcept { return at_ == bytes_.size(); }
  [[noreturn]] static void damaged() { throw error("a simulation part is cut short or damaged"); }

 private:
  void need(std::size_t n) const {
    if (bytes_.size() - at_ < n) damaged();
  }
  const std::string& bytes_;
  std::size_t at_ = 0;
};

void write_trace(part_writer& out, const detail::run_trace& trace) {
  const run_record& r = trace.record;
  for (std::uint64_t count : {r.point, r.run, r.donations, r.donors, r.matched_donors, r.refunds}) out.integer(count);
  for (money sum : {r.raised, r.refunded, r.matched, r.closeout}) out.amount(sum);
  out.integer(r.funds.size());
  for (const fund_run& fund : r.funds) {
    out.amount(fund.drawn);
    out.amount(fund.left);
    out.time(fund.exhausted_at);
    out.integer(fund.release_exhausted.size());
    for (const auto& t : fund.release_exhausted) out.time(t);
  }
  out.integer(r.parameters.size());
  for (const auto& [name, millionths] : r.parameters) {
    out.text(name);
    out.signed_integer(millionths);
  }
  for (const auto* amounts : {&trace.project_matched, &trace.project_raised, &trace.available}) {
    out.integer(amounts->size());
    for (money amount : *amounts) out.amount(amount);
  }
  out.integer(trace.project_capped.size());
  out.raw(reinterpret_cast<const char*>(trace.project_capped.data()), trace.project_capped.size());
}

detail::run_trace read_trace(part_reader& in) {
  detail::run_trace trace;
  run_record& r = trace.record;
  for (std::uint64_t* count : {&r.point, &r.run, &r.donations, &r.donors, &r.matched_donors, &r.refunds}) *count = in.integer();
  for (money* sum : {&r.raised, &r.refunded, &r.matched, &r.closeout}) *sum = in.amount();
  r.funds.resize(in.count(32));
  for (fund_run& fund : r.funds) {
    fund.drawn = in.amount();
    fund.left = in.amount();
    fund.exhausted_at = in.time();
    fund.release_exhausted.resize(in.count(16));
    for (auto& t : fund.release_exhausted) t = in.time();
  }
  r.parameters.resize(in.count(16));
  for (auto& [name, millionths] : r.parameters) {
    name = in.text();
    millionths = in.signed_integer();
  }
  for (auto* amounts : {&trace.project_matched, &trace.project_raised, &trace.available}) {
    amounts->resize(in.count(8));
    for (money& amount : *amounts) amount = in.amount();
  }
  const std::string capped = in.bytes(in.count(1));
  trace.project_capped.assign(capped.begin(), capped.end());
  return trace;
}

}  // namespace

std::string simulate_part(const simulation_setup& setup, const demand_model& demand, const simulation_options& options,
                          std::uint64_t point, std::uint64_t first_run, std::uint64_t count) {
  detail::check_simulation(setup, demand, options);
  if (point == 0 || point > setup.points.size()) throw error("a simulation part's point is out of range");
  if (first_run == 0 || count == 0 || first_run > options.runs || count > options.runs - first_run + 1) {
    throw error("a simulation part's runs are out of range");
  }
  const simulation_point& given = setup.points[point - 1];
  const simulation_point runnable{given.value, detail::rules_for_runs(given.rules, demand, options)};
  const detail::curve_grid grid = detail::grid_for(setup.points.front().rules);
  std::uint64_t done = 0;
  const auto traces = detail::run_point(runnable, point, demand, options, grid, first_run, count, done, count);
  part_writer out;
  out.raw(part_magic, sizeof part_magic);
  for (std::uint64_t header : {point, first_run, count, options.runs, options.seed}) out.integer(header);
  for (const auto& trace : traces) write_trace(out, trace);
  return out.take();
}

simulation_result assemble_simulation(const simulation_setup& setup, const demand_model& demand,
                                      const simulation_options& options, const std::vector<std::string>& parts) {
  detail::check_simulation(setup, demand, options);
  // Every run of every point, placed where its number says; each must come exactly once.
  std::vector<std::vector<detail::run_trace>> traces(setup.points.size(), std::vector<detail::run_trace>(options.runs));
  std::vector<std::vector<bool>> seen(setup.points.size(), std::vector<bool>(options.runs));
  for (const std::string& bytes : parts) {
    part_reader in(bytes);
    if (!in.starts_with_magic()) throw error("not a simulation part of this version of matchfund");
    const std::uint64_t point = in.integer(), first_run = in.integer(), count = in.integer();
    if (in.integer() != options.runs || in.integer() != options.seed) {
      throw error("a simulation part was made with other runs or another seed");
    }
    if (point == 0 || point > setup.points.size() || first_run == 0 || count > options.runs ||
        first_run > options.runs - count + 1) {
      part_reader::damaged();
    }
    for (std::uint64_t i = 0; i < count; ++i) {
      detail::run_trace trace = read_trace(in);
      if (trace.record.point != point || trace.record.run != first_run + i) part_reader::damaged();
      const auto at = static_cast<std::size_t>(trace.record.run - 1);
      if (seen[point - 1][at]) throw error("simulation parts overlap: run " + std::to_string(trace.record.run) + " of point " + std::to_string(point) + " comes twice");
      seen[point - 1][at] = true;
      traces[point - 1][at] = std::move(trace);
    }
    if (!in.at_end()) part_reader::damaged();
  }
  simulation_result result = detail::empty_result(setup, demand, options);
  const detail::curve_grid grid = detail::grid_for(setup.points.front().rules);
  for (std::size_t p = 0; p < setup.points.size(); ++p) {
    const auto missing = std::find(seen[p].begin(), seen[p].end(), false);
    if (missing != seen[p].end()) {
      throw error("the simulation parts leave out run " + std::to_string(missing - seen[p].begin() + 1) + " of point " +
                  std::to_string(p + 1));
    }
    detail::summarize_point(setup.points[p].rules, p + 1, traces[p], grid, result);
  }
  return result;
}

}  // namespace matchfund
