// One run's donation stream from a demand model (demand_stream.hpp).
#include "synth/demand_stream.hpp"

#include <algorithm>
#include <charconv>

#include "matchfund/detail/int128.hpp"
#include "matchfund/error.hpp"
#include "matchfund/timestamp.hpp"
#include "synth/recorded_stream.hpp"

namespace matchfund::detail {

namespace {

constexpr std::int64_t one_millionths = 1'000'000;
constexpr std::int64_t ms_per_day = 86'400'000;

// `count` * millionths / 10^6, rounded half up.
std::uint64_t scale_count(std::uint64_t count, std::int64_t millionths) {
  const uint128 scaled = (uint128{count} * static_cast<std::uint64_t>(millionths) + one_millionths / 2) / one_millionths;
  if (scaled >= (uint128{1} << 40)) throw error("a run would have more than 2^40 donations");
  return static_cast<std::uint64_t>(scaled);
}

// Adds `count` items to counts[first..last) in proportion to weight(s), exactly: each second gets
// the difference of floor(count * cumulative weight / total) before and after it.
template <class Weight>
void spread(std::vector<std::uint32_t>& counts, std::uint64_t count, std::size_t first, std::size_t last, Weight weight) {
  if (count == 0 || first >= last) return;
  uint128 total = 0;
  for (std::size_t s = first; s < last; ++s) total += weight(s);
  const bool flat = total == 0;  // no weight anywhere: spread evenly
  if (flat) total = last - first;
  uint128 cumulative = 0;
  std::uint64_t given = 0;
  for (std::size_t s = first; s < last; ++s) {
    cumulative += flat ? 1 : weight(s);
    const auto due = static_cast<std::uint64_t>(uint128{count} * cumulative / total);
    counts[s] += static_cast<std::uint32_t>(due - given);
    given = due;
  }
}

}  // namespace

splitmix64 part_random(std::uint64_t seed, std::uint64_t run, char part) noexcept {
  const std::uint64_t stream = splitmix64_finalize(seed ^ (static_cast<std::uint64_t>(static_cast<unsigned char>(part)) << 56));
  return splitmix64(splitmix64_finalize(stream + run));
}

run_parameters draw_run_parameters(const demand_model& model, std::uint64_t seed, std::uint64_t run) {
  run_parameters p;
  auto volume_random = part_random(seed, run, 'v');
  auto scale_random = part_random(seed, run, 'g');
  auto rush_random = part_random(seed, run, 'u');
  auto refund_random = part_random(seed, run, 'f');
  p.volume = draw_law(model.volume, volume_random);
  p.amount_scale = draw_law(model.amount_scale, scale_random);
  if (model.rush) p.rush_size = draw_law(model.rush->size, rush_random);
  if (model.refunds) p.refund_rate = std::min(one_millionths, draw_law(model.refunds->rate, refund_random));
  p.donations = scale_count(model.donations, p.volume);
  p.donors = std::min(p.donations, std::max<std::uint64_t>(p.donations > 0 ? 1 : 0, scale_count(model.donors, p.volume)));
  if (p.donors >= (std::uint64_t{1} << 31)) throw error("a run would have more than 2^31 - 1 donors");
  return p;
}

std::vector<std::uint32_t> donations_per_second(const demand_model& model, const rule_set& rules,
                                                const run_parameters& parameters) {
  const auto& campaign = rules.campaign();
  const std::int64_t start = campaign.start.epoch_ms();
  const std::int64_t end = campaign.end.epoch_ms();
  std::vector<std::uint32_t> counts(static_cast<std::size_t>((end - start + 999) / 1000));
  std::uint64_t shares = 0;
  for (const auto& day : model.days) shares += day.share;
  std::uint64_t cumulative = 0, given = 0;
  for (const auto& day : model.days) {
    cumulative += day.share;
    const auto due = static_cast<std::uint64_t>(uint128{parameters.donations} * cumulative / shares);
    const std::uint64_t day_count = due - given;
    given = due;
    const std::int64_t day_start = at_local(day.date, local_clock::from_seconds(0), campaign.timezone).epoch_ms();
    const std::int64_t low = std::max(day_start, start), high = std::min(day_start + ms_per_day, end);
    if (low >= high) continue;
    const auto first = static_cast<std::size_t>((low - start) / 1000);
    const auto last = static_cast<std::size_t>((high - start + 999) / 1000);
    // The rush after each release of the rush's funds on this day, then the day's hours.
    std::vector<std::pair<std::size_t, std::uint64_t>> rushes;
    std::uint64_t rushed = 0;
    if (model.rush) {
      const auto share = uint128{static_cast<std::uint64_t>(model.rush->share.millionths())} *
                         static_cast<std::uint64_t>(parameters.rush_size);
      for (fund_index f : model.rush->funds) {
        for (const auto& release : rules.fund(f).releases) {
          const std::int64_t at = release.at.epoch_ms();
          if (at < low || at >= high) continue;
          const auto size = std::min<std::uint64_t>(
              day_count - rushed, static_cast<std::uint64_t>(uint128{day_count} * share / (uint128{one_millionths} * one_millionths)));
          rushes.emplace_back(static_cast<std::size_t>((at - start) / 1000), size);
          rushed += size;
        }
      }
    }
    const auto hour_of = [&](std::size_t s) {
      const std::int64_t local = start + static_cast<std::int64_t>(s) * 1000 + campaign.timezone.milliseconds();
      return static_cast<std::size_t>(((local % ms_per_day + ms_per_day) % ms_per_day) / 3'600'000);
    };
    spread(counts, day_count - rushed, first, last, [&](std::size_t s) { return day.hours[hour_of(s)]; });
    const auto length = static_cast<std::size_t>(model.rush ? model.rush->minutes * 60 : 0);
    for (const auto& rush : rushes) {
      // A falling line: the first second weighs `length`, the last 1.
      const std::size_t at = rush.first;
      spread(counts, rush.second, at, std::min(last, at + length), [&](std::size_t s) { return length - (s - at); });
    }
  }
  return counts;
}

demand_stream::demand_stream(const demand_model& model, const rule_set& rules, std::uint64_t seed, std::uint64_t run)
    : model_(model),
      rules_(rules),
      run_(run),
      parameters_(draw_run_parameters(model, seed, run)),
      time_random_(part_random(seed, run, 'T')),
      donor_random_(part_random(seed, run, 'D')),
      project_random_(part_random(seed, run, 'J')),
      amount_random_(part_random(seed, run, 'A')),
      attribute_random_(part_random(seed, run, 'X')),
      refund_random_(part_random(seed, run, 'R')),
      start_ms_(rules.campaign().start.epoch_ms()),
      end_ms_(rules.campaign().end.epoch_ms()) {
  per_second_ = donations_per_second(model, rules, parameters_);
  build_donors();
  build_projects();
  build_amounts();
  for (const auto& table : model.donation_attributes) attribute_tables_.emplace_back(table.weights);
}

// Every donor gives once; the gifts beyond go by the repeat law; then the gifts are shuffled
// over the run's donations (Fisher-Yates), so a donor's gifts fall anywhere in the campaign.
void demand_stream::build_donors() {
  const std::uint64_t donations = parameters_.donations;
  const std::uint64_t donors = parameters_.donors;
  donor_of_.resize(donations);
  for (std::uint64_t d = 0; d < donors; ++d) donor_of_[d] = static_cast<std::uint32_t>(d);
  if (donations > donors) {
    const std::uint64_t offset = model_.repeat_offset != 0 ? model_.repeat_offset : std::max<std::uint64_t>(1, donors / 1000);
    const zipf_tiers repeat(donors, model_.repeat_exponent, offset);
    for (std::uint64_t i = donors; i < donations; ++i) donor_of_[i] = static_cast<std::uint32_t>(repeat.pick(donor_random_));
  }
  for (std::uint64_t i = donations; i > 1; --i) std::swap(donor_of_[i - 1], donor_of_[donor_random_.below(i)]);
}

// Each project's weight (its popularity times its spread, drawn for this run), as an alias table.
void demand_stream::build_projects() {
  const std::size_t count = rules_.projects().size();
  std::vector<std::uint64_t> weights(count, 1'000'000);
  const auto& popularity = model_.popularity;
  if (popularity.kind == popularity_kind::column) {
    weights = popularity.weights;
  } else if (popularity.kind == popularity_kind::zipf) {
    for (std::size_t p = 0; p < count; ++p) weights[p] = zipf_weight(p, 1, popularity.exponent);
  }
  uint128 total = 0;
  for (std::size_t p = 0; p < count; ++p) {
    const std::int64_t spread_by = draw_law(popularity.spread, project_random_);
    weights[p] = static_cast<std::uint64_t>(uint128{weights[p]} * static_cast<std::uint64_t>(spread_by) / one_millionths);
    total += weights[p];
  }
  if (total == 0) weights.assign(count, 1);  // a spread of 0 everywhere: no project is preferred
  projects_ = alias_table(weights);
}

void demand_stream::build_amounts() {
  const std::int64_t unit = model_.amount_round.minor_units();
  if (model_.amount_pareto) {
    pareto_.emplace(*model_.amount_pareto);
    return;
  }
  std::vector<std::uint64_t> weights;
  for (const auto& row : model_.amount_table) {
    amounts_.push_back(scale_and_round(row.amount.minor_units(), parameters_.amount_scale, unit));
    weights.push_back(row.weight);
  }
  amount_table_ = alias_table(weights);
}

// Loads the next second that has donations: its milliseconds, drawn and sorted.
bool demand_stream::refill_second() {
  while (second_ < per_second_.size() && per_second_[second_] == 0) ++second_;
  if (second_ >= per_second_.size()) return false;
  const std::int64_t second_start = start_ms_ + static_cast<std::int64_t>(second_) * 1000;
  const auto span = static_cast<std::uint64_t>(std::min<std::int64_t>(1000, end_ms_ - second_start));
  milliseconds_.resize(per_second_[second_]);
  for (auto& ms : milliseconds_) ms = static_cast<std::uint16_t>(time_random_.below(span));
  std::sort(milliseconds_.begin(), milliseconds_.end());
  in_second_ = 0;
  ++second_;
  return true;
}

std::size_t demand_stream::next(std::span<event> out) {
  std::size_t written = 0;
  while (written < out.size()) {
    const bool donations_left = in_second_ < milliseconds_.size() || refill_second();
    if (!donations_left && refunds_.empty()) break;
    const std::int64_t donation_time =
        donations_left ? start_ms_ + static_cast<std::int64_t>(second_ - 1) * 1000 + milliseconds_[in_second_] : end_ms_;
    // A refund due at the same millisecond as a donation goes first: it was asked for earlier.
    if (!refunds_.empty() && refunds_.top().first <= donation_time) {
      const auto [time, donation] = refunds_.top();
      refunds_.pop();
      write_refund(out[written++], time, donation);
    } else {
      ++in_second_;
      write_donation(out[written++], donation_time);
    }
  }
  return written;
}

std::uint64_t donation_number_of(std::string_view id) {
  const std::size_t dash = id.find('-');
  std::uint64_t number = 0;
  const char* begin = id.data() + (dash == std::string_view::npos ? id.size() : dash + 1);
  const auto [end, problem] = std::from_chars(begin, id.data() + id.size(), number);
  if (problem != std::errc{} || end != id.data() + id.size() || number == 0) {
    throw error("\"" + std::string(id) + "\" is not a donation id of a simulated stream");
  }
  return number;
}

void demand_stream::donation_id(std::string& id, char kind, std::uint64_t number) const {
  char text[48];
  char* end = std::to_chars(text, text + 20, run_).ptr;
  *end++ = '-';
  if (kind != 0) *end++ = kind;
  end = std::to_chars(end, text + sizeof text, number).ptr;
  id.assign(text, end);
}

void demand_stream::write_donation(event& e, std::int64_t time_ms) {
  const std::uint64_t number = ++donations_made_;
  e.kind = event_kind::donation;
  donation_id(e.id, 0, number);
  char text[24] = {'u'};
  e.donor.assign(text, std::to_chars(text + 1, text + sizeof text, donor_of_[number - 1] + std::uint64_t{1}).ptr);
  e.ref.clear();
  e.channel.clear();
  e.time = timestamp::from_epoch_ms(time_ms);
  e.project = project_index{projects_.pick(project_random_)};
  const std::int64_t amount = pareto_ ? scale_and_round(pareto_->pick(amount_random_), parameters_.amount_scale,
                                                        model_.amount_round.minor_units())
                                      : amounts_[amount_table_.pick(amount_random_)];
  e.amount = money::from_minor(amount);
  e.attributes.assign(rules_.attributes(attribute_owner::donation).size(), std::nullopt);
  for (std::size_t t = 0; t < attribute_tables_.size(); ++t) {
    const auto& table = model_.donation_attributes[t];
    e.attributes[table.slot] = table.values[attribute_tables_[t].pick(attribute_random_)];
  }
  e.line = number;
  e.file_index = 0;
  e.scope.reset();
  e.disposition.reset();
  if (parameters_.refund_rate > 0 && static_cast<std::int64_t>(refund_random_.below(one_millionths)) < parameters_.refund_rate) {
    const auto& refunds = *model_.refunds;
    const auto delay = refunds.after_min.count() +
                       static_cast<std::int64_t>(refund_random_.below(
                           static_cast<std::uint64_t>(refunds.after_max.count() - refunds.after_min.count()) + 1));
    if (time_ms + delay < end_ms_) refunds_.emplace(time_ms + delay, number);
  }
}

void demand_stream::write_refund(event& e, std::int64_t time_ms, std::uint64_t donation) {
  e.kind = event_kind::refund;
  donation_id(e.id, 'r', donation);
  donation_id(e.ref, 0, donation);
  e.donor.clear();
  e.channel.clear();
  e.attributes.clear();
  e.time = timestamp::from_epoch_ms(time_ms);
  e.amount.reset();  // all that is left
  e.project.reset();
  e.line = 0;
  e.file_index = 0;
  e.scope.reset();
  e.disposition.reset();
}

std::unique_ptr<event_stream> stream_of_run(const demand_model& model, const rule_set& rules, std::uint64_t seed,
                                            std::uint64_t run) {
  if (model.recorded) return std::make_unique<recorded_stream>(model, rules, seed, run);
  return std::make_unique<demand_stream>(model, rules, seed, run);
}

}  // namespace matchfund::detail
