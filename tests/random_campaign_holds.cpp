#include "random_campaign_holds.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "random_campaign_lines.hpp"

namespace matchfund::testing {
namespace {

constexpr std::int64_t campaign_end = 3 * day;  // 2021-09-10T00:00:00+08:00, in seconds from the start
// The instants at which the random campaigns' funds may release (random_campaign.cpp): 10:00 of
// each day, midnight of the first, and the pool's noon of the last.
constexpr std::int64_t release_instants[] = {0, 10 * 3600, day + 10 * 3600, 2 * day + 10 * 3600, 2 * day + 12 * 3600};

// Writes the hold scenarios of one campaign, each a hold (ids h0, h1, ...) and the events that
// meet it (ids made from the hold's: h3c confirms h3, h3x cancels it, h3d is a donation, ...).
class hold_writer {
 public:
  hold_writer(detail::splitmix64& random, std::int64_t ttl, int projects)
      : random_(random), ttl_(ttl), projects_(projects) {}

  std::string write(const std::string& events_csv);

 private:
  int pick(int low, int high) {
    return low + static_cast<int>(random_.below(static_cast<std::uint64_t>(high - low + 1)));
  }
  std::int64_t pick_seconds(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(random_.below(static_cast<std::uint64_t>(high - low + 1)));
  }
  bool chance(int percent) { return pick(1, 100) <= percent; }

  void read(const std::string& events_csv);
  void scenario(const std::string& h);
  void confirmed(const std::string& h);
  void cancelled(const std::string& h);
  void left_to_expire(const std::string& h);
  void resolved_badly(const std::string& h);
  void named_while_open(const std::string& h);
  void competing(const std::string& h);
  void after_revocation(const std::string& h);
  void after_the_end(const std::string& h);
  void around_the_close(const std::string& h);

  std::int64_t any_time();
  std::string donor() { return "u" + std::to_string(pick(0, 5)); }
  std::string project() { return "p" + std::to_string(pick(0, projects_ - 1)); }
  std::string amount(int low, int high) { return std::to_string(pick(low, high)) + "." + std::to_string(pick(10, 99)); }
  std::string channel();

  void add(std::int64_t second, const std::string& text) { add(second, 2, text); }
  void add(std::int64_t second, int band, const std::string& text);
  void hold(const std::string& h, std::int64_t at, const std::string& who, const std::string& what,
            const std::string& how_much);
  void hold(const std::string& h, std::int64_t at) { hold(h, at, donor(), project(), amount(1, 120)); }
  void resolve(const std::string& kind, const std::string& id, const std::string& ref, std::int64_t at);
  void donation(const std::string& id, std::int64_t at, const std::string& who, const std::string& what);
  void refund(const std::string& id, const std::string& ref, std::int64_t at);
  void revoke(const std::string& id, const std::string& ref, const std::string& scope, std::int64_t at);

  detail::splitmix64& random_;
  std::int64_t ttl_;
  int projects_;
  std::vector<placed_line> lines_;
  std::vector<std::int64_t> times_;        // of the campaign's own events
  std::vector<std::string> donation_ids_;  // of the campaign's own donations
  std::vector<std::int64_t> closes_;       // times of its close events (the first closes)
  int hold_band_ = 2;                      // the band of the hold being written
};

std::string hold_writer::write(const std::string& events_csv) {
  read(events_csv);
  const int holds = pick(5, 14);
  for (int n = 0; n < holds; ++n) scenario("h" + std::to_string(n));
  sort_placed(lines_);
  std::string csv = events_csv.substr(0, events_csv.find('\n') + 1);
  for (const placed_line& line : lines_) csv += line.text + "\n";
  return csv;
}

void hold_writer::read(const std::string& events_csv) {
  std::size_t at = events_csv.find('\n') + 1;
  while (at < events_csv.size()) {
    const std::size_t end = events_csv.find('\n', at);
    const std::string line = events_csv.substr(at, end - at);
    at = end + 1;
    const std::vector<std::string> fields = fields_of(line);
    const std::int64_t second = seconds_of(fields[2]);
    lines_.push_back({second, 1, lines_.size(), line});
    times_.push_back(second);
    if (fields[0] == "donation") donation_ids_.push_back(fields[1]);
    if (fields[0] == "close") closes_.push_back(second);
  }
}

void hold_writer::scenario(const std::string& h) {
  hold_band_ = 2;
  const int kind = pick(0, 99);
  if (kind < 20) return confirmed(h);
  if (kind < 35) return cancelled(h);
  if (kind < 49) return left_to_expire(h);
  if (kind < 59) return resolved_badly(h);
  if (kind < 65) return named_while_open(h);
  if (kind < 79) return competing(h);
  if (kind < 84) return after_revocation(h);
  if (kind < 92) return after_the_end(h);
  return around_the_close(h);
}

// Confirmed within its time to live (also at the hold's very second); its donation is then
// sometimes refunded or revoked.
void hold_writer::confirmed(const std::string& h) {
  const std::int64_t at = any_time();
  const std::string who = donor();
  hold(h, at, who, project(), amount(1, 120));
  const std::int64_t confirm = at + pick_seconds(0, ttl_ - 1);
  resolve("confirm", h + "c", h, confirm);
  const int after = pick(0, 9);
  const std::int64_t later = confirm + pick_seconds(0, 3600);
  if (after <= 2) refund(h + "r", h, later);
  if (after == 3) revoke(h + "v", h, "donation", later);
  if (after == 4) revoke(h + "v", who, "donor", later);
}

// Cancelled within its time to live; a refund naming it afterwards is no donation's.
void hold_writer::cancelled(const std::string& h) {
  const std::int64_t at = any_time();
  hold(h, at);
  const std::int64_t cancel = at + pick_seconds(0, ttl_ - 1);
  resolve("cancel", h + "x", h, cancel);
  if (chance(20)) refund(h + "r", h, cancel + pick_seconds(0, 600));
}

// Never resolved: it expires at a random time, at another event's time, or at a release (most
// often one after a fund's first, where `expire_unused` expires what the hold gives back).
void hold_writer::left_to_expire(const std::string& h) {
  std::int64_t at = any_time();
  const int when = pick(0, 4);
  if (when == 1 && !times_.empty())
    at = times_[static_cast<std::size_t>(pick(0, static_cast<int>(times_.size()) - 1))] - ttl_;
  if (when >= 2) at = release_instants[chance(70) ? pick(2, 3) : pick(0, 4)] - ttl_;
  hold(h, std::max<std::int64_t>(0, at), donor(), project(), amount(1, 200));
}

// Confirmed or cancelled at or after its expiry, twice, or by a ref that is no hold accepted
// before (a donation, nothing, or a hold that comes later).
void hold_writer::resolved_badly(const std::string& h) {
  const std::int64_t at = any_time();
  const std::string kind = chance(50) ? "confirm" : "cancel";
  switch (pick(0, 3)) {
    case 0:
      hold(h, at);
      resolve(kind, h + "c", h, at + ttl_ + (chance(50) ? 0 : pick_seconds(1, 3600)));
      break;
    case 1: {
      hold(h, at);
      const std::int64_t first = at + pick_seconds(0, ttl_ - 1);
      resolve(chance(50) ? "confirm" : "cancel", h + "c", h, first);
      resolve(kind, h + "z", h, first + pick_seconds(0, ttl_));
      break;
    }
    case 2: {
      std::string ref = "nowhere";
      if (!donation_ids_.empty() && chance(60))
        ref = donation_ids_[static_cast<std::size_t>(pick(0, static_cast<int>(donation_ids_.size()) - 1))];
      resolve(kind, h + "c", ref, at);
      break;
    }
    default:
      resolve(kind, h + "c", h, at);
      hold(h, at + pick_seconds(0, 600));
      break;
  }
}

// A refund or a donation revoke naming it while it is open (no donation yet); it is sometimes
// confirmed afterwards and then refunded as a donation.
void hold_writer::named_while_open(const std::string& h) {
  const std::int64_t at = any_time();
  hold(h, at);
  const std::int64_t named = at + pick_seconds(0, ttl_ - 1);
  if (chance(50)) {
    refund(h + "r", h, named);
  } else {
    revoke(h + "v", h, "donation", named);
  }
  if (chance(50)) {
    const std::int64_t confirm = named + pick_seconds(0, at + ttl_ - 1 - named);
    resolve("confirm", h + "c", h, confirm);
    refund(h + "s", h, confirm + pick_seconds(0, 600));
  }
}

// A large hold takes a fund's last money (and a cap's room); a donation while it holds finds the
// fund or the cap short; once it is cancelled or has expired, a later donation gets the money.
void hold_writer::competing(const std::string& h) {
  const std::int64_t at = any_time();
  const std::string who = donor();
  const std::string what = project();
  hold(h, at, who, what, std::to_string(pick(150, 600)) + ".00");
  const std::int64_t during = at + pick_seconds(0, std::min<std::int64_t>(ttl_ - 1, 300));
  donation(h + "d", during, chance(60) ? who : donor(), chance(60) ? what : project());
  std::int64_t freed = at + ttl_;
  if (chance(50)) {
    freed = during + pick_seconds(0, at + ttl_ - 1 - during);
    resolve("cancel", h + "x", h, freed);
  }
  donation(h + "e", freed + pick_seconds(0, 600), chance(50) ? who : donor(), chance(50) ? what : project());
}

// Made after a revocation of its own id (an id not seen yet) or of its donor: `revoked`; a
// confirm makes it a donation all the same.
void hold_writer::after_revocation(const std::string& h) {
  const std::int64_t at = any_time();
  const std::string who = donor();
  const std::int64_t revoked = std::max<std::int64_t>(0, at - pick_seconds(0, 600));
  if (chance(50)) {
    revoke(h + "v", h, "donation", revoked);
  } else {
    revoke(h + "v", who, "donor", revoked);
  }
  hold(h, at, who, project(), amount(1, 120));
  if (chance(50)) resolve("confirm", h + "c", h, at + pick_seconds(0, ttl_ - 1));
}

// Made in the campaign's last seconds (for much, to hold what is left) and confirmed after its
// end (before the close, unless a close event came earlier), or left open into the close at the
// end of input.
void hold_writer::after_the_end(const std::string& h) {
  const std::int64_t before_end = pick_seconds(1, std::max<std::int64_t>(1, ttl_ - 1));
  const std::int64_t at = campaign_end - before_end;
  hold(h, at, donor(), project(), amount(1, 400));
  if (chance(50)) resolve("confirm", h + "c", h, at + pick_seconds(std::min(before_end, ttl_ - 1), ttl_ - 1));
}

// Open at a close event (it expires at the close; a confirm after is too late), or made after
// the close (it holds nothing, and expires at its own expiry unless confirmed or cancelled).
void hold_writer::around_the_close(const std::string& h) {
  if (closes_.empty()) return after_the_end(h);
  const std::int64_t close = closes_.front();
  if (chance(60)) {
    // One to three holds open at the close (h3, h3o1, h3o2), for much, to hold what is left.
    const int open = pick(1, 3);
    for (int k = 0; k < open; ++k) {
      const std::string id = k == 0 ? h : h + "o" + std::to_string(k);
      const std::int64_t at = std::max<std::int64_t>(0, close - pick_seconds(0, ttl_ - 1));
      hold_band_ = 0;
      hold(id, at, donor(), project(), amount(1, 400));
      if (chance(30)) resolve("confirm", id + "c", id, close + pick_seconds(0, 60));
    }
    return;
  }
  const std::int64_t at = close + pick_seconds(0, 1800);
  hold(h, at);
  const int after = pick(0, 2);
  if (after == 0) resolve("confirm", h + "c", h, at + pick_seconds(0, ttl_ - 1));
  if (after == 1) resolve("cancel", h + "x", h, at + pick_seconds(0, ttl_ - 1));
}

// Sometimes the time of one of the campaign's events (before or after it at that second); else
// any second of the campaign, often of its first day, while the funds still have money.
std::int64_t hold_writer::any_time() {
  if (!times_.empty() && chance(25)) {
    hold_band_ = chance(50) ? 0 : 2;
    return times_[static_cast<std::size_t>(pick(0, static_cast<int>(times_.size()) - 1))];
  }
  return pick_seconds(0, (chance(50) ? day : campaign_end) - 1);
}

std::string hold_writer::channel() {
  static const char* channels[] = {"", "app", "web", "mini-app"};
  return channels[pick(0, 3)];
}

void hold_writer::add(std::int64_t second, int band, const std::string& text) {
  lines_.push_back({second, band, lines_.size(), text});
}

void hold_writer::hold(const std::string& h, std::int64_t at, const std::string& who, const std::string& what,
                       const std::string& how_much) {
  add(at, hold_band_, "hold," + h + "," + time_text(at) + "," + who + "," + what + "," + how_much + ",,,," + channel());
}

// A confirm or cancel; sometimes with an amount, which is read and ignored (SPEC §12 fine point 2).
void hold_writer::resolve(const std::string& kind, const std::string& id, const std::string& ref, std::int64_t at) {
  const std::string ignored = chance(10) ? amount(1, 50) : "";
  add(at, kind + "," + id + "," + time_text(at) + ",,," + ignored + "," + ref + ",,,");
}

void hold_writer::donation(const std::string& id, std::int64_t at, const std::string& who, const std::string& what) {
  add(at, "donation," + id + "," + time_text(at) + "," + who + "," + what + "," + amount(5, 120) + ",,,," + channel());
}

void hold_writer::refund(const std::string& id, const std::string& ref, std::int64_t at) {
  const std::string how_much = chance(50) ? std::to_string(pick(1, 30)) + ".00" : "";
  add(at,
      "refund," + id + "," + time_text(at) + ",,," + how_much + "," + ref + ",," + (chance(30) ? "forfeit" : "") + ",");
}

void hold_writer::revoke(const std::string& id, const std::string& ref, const std::string& scope, std::int64_t at) {
  add(at,
      "revoke," + id + "," + time_text(at) + ",,,," + ref + "," + scope + "," + (chance(30) ? "forfeit" : "") + ",");
}

}  // namespace

random_holds::random_holds(std::uint64_t seed) : random_(seed ^ 0x6A09E667F3BCC909ULL) {
  enabled_ = random_.below(100) < 40;
  const auto shape = random_.below(20);
  if (shape < 16) {
    ttl_seconds_ = 60 * static_cast<std::int64_t>(1 + random_.below(20));
    ttl_ = std::to_string(ttl_seconds_ / 60) + "m";
  } else if (shape < 19) {
    ttl_seconds_ = 30 + static_cast<std::int64_t>(random_.below(1171));
    ttl_ = std::to_string(ttl_seconds_) + "s";
  } else {
    ttl_seconds_ = 3600;
    ttl_ = "1h";
  }
}

std::string random_holds::add_to(const std::string& events_csv, int projects) {
  return hold_writer(random_, ttl_seconds_, projects).write(events_csv);
}

}  // namespace matchfund::testing
