"""The Tencent 99 Giving Day 2018 campaign (rules/tencent-99-2018.yaml) as a plain Python program.

    /usr/bin/python3 bench/tencent_2018_in_python.py PROJECTS_CSV EVENTS_CSV OUT_LEDGER_CSV
        [--budget FUND=AMOUNT ...] [--daily-amount AMOUNT]

A baseline for bench/python_comparison.py: what one would write by hand for this one campaign,
without the engine. The rules are hard-coded below, following SPEC §5.2 for this campaign only:

- tencent-random: a donation of at least 1.00 inside the daily 09:00-24:00 window is drawn with
  probability 0.7 and matched at a ratio of 0.05..1.00 (step 0.05), both drawn with the
  deterministic sampler of SPEC §5.4; one match per donor, project and day;
- red-flower-bonus: 5%, 10% or 30% of the tencent-random match by the donor's flowers;
- both share a cap of 999.00 per donor per day and draw on the tencent fund, which releases a
  tranche every day at 09:00;
- enterprise-a-match: 1:1 on projects tagged enterprise-a, at most 500.00 per donor per day;
- enterprise-b-match: 1:1 on the projects of org-03 and org-07.

It reads the projects file (tags, organization) and a donations-only events file as written by
`matchfund generate rules/tencent-99-2018.yaml` (in time order), processes each donation once and
writes the ledger.csv that `matchfund replay` writes for the same events. The fund budgets come
from FUND_BUDGETS and TENCENT_DAILY_AMOUNT; --budget and --daily-amount replace them so that a
copy of the rules with small budgets can be checked against the engine.

Money is integer fen throughout and every ratio an integer fraction, rounded down (SPEC §1).
"""

import argparse
import csv
import datetime
import sys

SEED = 20180907
CAMPAIGN_OFFSET = datetime.timedelta(hours=8)
CAMPAIGN_ZONE_TEXT = "+08:00"
FUND_BUDGETS = {"tencent": "2.9999亿", "enterprise-a": "500万", "enterprise-b": "300万"}
TENCENT_DAILY_DATES = ["2018-09-07", "2018-09-08", "2018-09-09"]
TENCENT_DAILY_AMOUNT = "9999万"
TENCENT_DAILY_CLOCK = "09:00"

MINOR_DIGITS = 2
MINOR_PER_UNIT = 10 ** MINOR_DIGITS
MINIMUM_DONATION = 100  # 1.00
DAY_MS = 86_400_000
WINDOW_OPENS_MS = 9 * 3_600_000  # every rule's daily window is 09:00-24:00
RANDOM_MATCH_PROBABILITY_MILLIONTHS = 700_000
RANDOM_RATIO_CHOICES = 20  # 0.05, 0.10, ..., 1.00
RANDOM_RATIO_STEP_PERCENT = 5
FLOWER_TIERS = [(199, 30), (99, 10), (39, 5)]  # (at least this many flowers, percent of the match)
TENCENT_DAILY_CAP = 99_900
TENCENT_DAILY_CAP_ID = "tencent-999-per-person-per-day"
ENTERPRISE_A_DAILY_CAP = 50_000
ENTERPRISE_A_DAILY_CAP_ID = "rules[2].caps[0]"  # the cap has no id: SPEC §5.3 names it by its path
ENTERPRISE_B_ORGANIZATIONS = {"org-03", "org-07"}

LEDGER_HEADER = ["seq", "time", "kind", "event_id", "donation_id", "donor", "project", "rule", "fund",
                 "amount", "limited_by", "disposition"]

UNIX_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
ONE_MS = datetime.timedelta(milliseconds=1)


def parse_money(text):
    """Money text of SPEC §1 ("20.00", "500万", "2.9999亿") as an integer count of fen."""
    scale = 1
    if text.endswith("万"):
        text, scale = text[:-1], 10 ** 4
    elif text.endswith("亿"):
        text, scale = text[:-1], 10 ** 8
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"not an amount: {text!r}")
    # The value must be a whole number of fen: "12.345" is an error, never rounded.
    scaled = int(whole + fraction) * scale * MINOR_PER_UNIT
    fen, rest = divmod(scaled, 10 ** len(fraction))
    if rest:
        raise ValueError(f"not a whole number of fen: {text!r}")
    return fen


def format_money(fen):
    return f"{fen // MINOR_PER_UNIT}.{fen % MINOR_PER_UNIT:0{MINOR_DIGITS}d}"


def parse_time(text):
    """An RFC 3339 time with an offset (or integer epoch milliseconds) as epoch milliseconds."""
    if text.isdigit():
        return int(text)
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"a time without an offset: {text!r}")
    return (moment - UNIX_EPOCH) // ONE_MS  # floor: digits beyond milliseconds are dropped


def format_time(epoch_ms):
    """Epoch milliseconds as the engine writes them: the campaign's offset, with milliseconds."""
    local = datetime.datetime(1970, 1, 1) + CAMPAIGN_OFFSET + datetime.timedelta(milliseconds=epoch_ms)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{epoch_ms % 1000:03d}{CAMPAIGN_ZONE_TEXT}"


def local_time_ms(date_text, clock_text="00:00"):
    return parse_time(f"{date_text}T{clock_text}:00{CAMPAIGN_ZONE_TEXT}")


CAMPAIGN_START_MS = local_time_ms("2018-09-07")
CAMPAIGN_END_MS = local_time_ms("2018-09-10")


# SPEC §5.4: FNV-1a 64 over "seed 0x1F rule 0x1F donation 0x1F purpose", then SplitMix64's finalizer.
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK_64 = (1 << 64) - 1


def fnv1a(data, state=FNV_OFFSET):
    for byte in data:
        state = ((state ^ byte) * FNV_PRIME) & MASK_64
    return state


def splitmix64_finalizer(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK_64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK_64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK_64
    return z ^ (z >> 31)


class Sampler:
    """U(n) for one rule: the seed and rule part of the hashed text is the same for every draw."""

    def __init__(self, seed, rule_id):
        self.prefix_state = fnv1a(f"{seed}\x1f{rule_id}\x1f".encode())

    def uniform(self, n, donation_id, purpose):
        h = splitmix64_finalizer(fnv1a(f"{donation_id}\x1f{purpose}".encode(), self.prefix_state))
        return (h * n) >> 64


class Fund:
    """A fund's released and drawn money; releases are (epoch ms, fen), in time order."""

    def __init__(self, fund_id, budget, releases):
        if sum(amount for _, amount in releases) > budget:
            raise ValueError(f"fund {fund_id}: the releases exceed the budget")
        self.id = fund_id
        self.pending = list(releases)
        self.released = 0
        self.drawn = 0

    def release_until(self, epoch_ms):
        while self.pending and self.pending[0][0] <= epoch_ms:
            self.released += self.pending.pop(0)[1]

    def available(self):
        return self.released - self.drawn


def make_funds(budgets, tencent_daily_amount):
    tencent_releases = [(local_time_ms(date, TENCENT_DAILY_CLOCK), tencent_daily_amount)
                        for date in TENCENT_DAILY_DATES]
    # Funds without a release schedule have their whole budget at the campaign's start.
    return {
        "tencent": Fund("tencent", budgets["tencent"], tencent_releases),
        "enterprise-a": Fund("enterprise-a", budgets["enterprise-a"], [(CAMPAIGN_START_MS, budgets["enterprise-a"])]),
        "enterprise-b": Fund("enterprise-b", budgets["enterprise-b"], [(CAMPAIGN_START_MS, budgets["enterprise-b"])]),
    }


def draw_match(want, match_caps, fund):
    """SPEC §5.2 steps 3-5 for a rule with one source fund: (paid, limited_by).

    match_caps: (cap id, what is left) for each match cap on the rule, in the engine's order.
    Nothing is paid when a cap has nothing left (cap_reached) or the fund has nothing (not_released,
    fund_empty); a partial match names the first cap that clipped it, else the fund."""
    if any(left <= 0 for _, left in match_caps) or fund.available() <= 0:
        return 0, ""
    allowed, limit = want, ""
    for cap_id, left in match_caps:
        if left < allowed:
            allowed = left
            limit = limit or cap_id
    paid = min(allowed, fund.available())
    if paid == want:
        return paid, ""
    return paid, limit or fund.id


class Tencent2018:
    """The campaign's state: funds, cap counters and the ledger being written."""

    def __init__(self, projects, budgets, tencent_daily_amount, ledger_writer):
        self.projects = projects
        self.funds = make_funds(budgets, tencent_daily_amount)
        self.sampler = Sampler(SEED, "tencent-random")
        self.random_match_days = set()       # (donor, project, day): the one match per project and day
        self.tencent_used = {}               # (donor, day) -> fen of tencent-random and red-flower-bonus
        self.enterprise_a_used = {}          # (donor, day) -> fen of enterprise-a-match
        self.ledger = ledger_writer
        self.seq = 0

    def process(self, donation):
        epoch_ms = donation["time"]
        for fund in self.funds.values():
            fund.release_until(epoch_ms)
        if not CAMPAIGN_START_MS <= epoch_ms < CAMPAIGN_END_MS:
            return  # outside_campaign for every rule
        local_ms = epoch_ms + CAMPAIGN_OFFSET // ONE_MS
        if local_ms % DAY_MS < WINDOW_OPENS_MS:
            return  # outside_window for every rule
        day = local_ms // DAY_MS
        donation["time_text"] = None  # formatted when the first ledger line needs it
        random_paid = self.tencent_random(donation, day)
        self.red_flower_bonus(donation, day, random_paid)
        self.enterprise_a_match(donation, day)
        self.enterprise_b_match(donation)

    def tencent_random(self, donation, day):
        amount, donation_id = donation["amount"], donation["id"]
        if amount < MINIMUM_DONATION:
            return 0
        if self.sampler.uniform(1_000_000, donation_id, "p") >= RANDOM_MATCH_PROBABILITY_MILLIONTHS:
            return 0
        k = self.sampler.uniform(RANDOM_RATIO_CHOICES, donation_id, "r")
        want = amount * (k + 1) * RANDOM_RATIO_STEP_PERCENT // 100
        project_day = (donation["donor"], donation["project"], day)
        if want == 0 or project_day in self.random_match_days:
            return 0
        paid = self.pay_from_tencent(donation, day, "tencent-random", want)
        if paid > 0:
            self.random_match_days.add(project_day)
        return paid

    def red_flower_bonus(self, donation, day, random_paid):
        flowers = donation["flowers"]
        percent = next((percent for least, percent in FLOWER_TIERS if flowers >= least), 0)
        want = random_paid * percent // 100
        if want > 0:
            self.pay_from_tencent(donation, day, "red-flower-bonus", want)

    def pay_from_tencent(self, donation, day, rule_id, want):
        """Both tencent rules draw on the tencent fund under the shared 999.00 per donor and day."""
        donor_day = (donation["donor"], day)
        used = self.tencent_used.get(donor_day, 0)
        paid, limited_by = draw_match(want, [(TENCENT_DAILY_CAP_ID, TENCENT_DAILY_CAP - used)], self.funds["tencent"])
        if paid > 0:
            self.tencent_used[donor_day] = used + paid
            self.write_match(donation, rule_id, "tencent", paid, limited_by)
        return paid

    def enterprise_a_match(self, donation, day):
        amount = donation["amount"]
        if "enterprise-a" not in self.projects[donation["project"]]["tags"] or amount < MINIMUM_DONATION:
            return
        donor_day = (donation["donor"], day)
        used = self.enterprise_a_used.get(donor_day, 0)
        cap = [(ENTERPRISE_A_DAILY_CAP_ID, ENTERPRISE_A_DAILY_CAP - used)]
        paid, limited_by = draw_match(amount, cap, self.funds["enterprise-a"])
        if paid > 0:
            self.enterprise_a_used[donor_day] = used + paid
            self.write_match(donation, "enterprise-a-match", "enterprise-a", paid, limited_by)

    def enterprise_b_match(self, donation):
        amount = donation["amount"]
        if self.projects[donation["project"]]["organization"] not in ENTERPRISE_B_ORGANIZATIONS:
            return
        if amount < MINIMUM_DONATION:
            return
        paid, limited_by = draw_match(amount, [], self.funds["enterprise-b"])
        if paid > 0:
            self.write_match(donation, "enterprise-b-match", "enterprise-b", paid, limited_by)

    def write_match(self, donation, rule_id, fund_id, paid, limited_by):
        self.funds[fund_id].drawn += paid
        if donation["time_text"] is None:
            donation["time_text"] = format_time(donation["time"])
        self.seq += 1
        self.ledger.writerow([self.seq, donation["time_text"], "match", donation["id"], donation["id"],
                              donation["donor"], donation["project"], rule_id, fund_id, format_money(paid),
                              limited_by, ""])


def read_projects(path):
    """Project id -> {"organization", "tags"} (tags separated by "|")."""
    with open(path, newline="", encoding="utf-8-sig") as file:
        return {row["id"]: {"organization": row["organization"],
                            "tags": set(row["tags"].split("|")) if row.get("tags") else set()}
                for row in csv.DictReader(file)}


def read_donations(path, projects):
    """Yields each donation of the events file as a dict, checking what this program relies on."""
    with open(path, newline="", encoding="utf-8-sig") as file:
        rows = csv.reader(file)
        header = next(rows)
        column = {name: i for i, name in enumerate(header)}
        missing = {"id", "time", "donor", "project", "amount"} - column.keys()
        if missing or "kind" in column:
            raise SystemExit(f"{path}: expected a donations-only file with id,time,donor,project,amount")
        flowers_column = column.get("attr.flowers")
        previous_ms = None
        for line_number, row in enumerate(rows, start=2):
            epoch_ms = parse_time(row[column["time"]])
            if previous_ms is not None and epoch_ms < previous_ms:
                raise SystemExit(f"{path}:{line_number}: events are not in time order")
            previous_ms = epoch_ms
            project = row[column["project"]]
            if project not in projects:
                raise SystemExit(f"{path}:{line_number}: unknown project {project}")
            flowers = row[flowers_column] if flowers_column is not None else ""
            yield {"id": row[column["id"]], "time": epoch_ms, "donor": row[column["donor"]], "project": project,
                   "amount": parse_money(row[column["amount"]]), "flowers": int(flowers) if flowers else 0}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects_csv")
    parser.add_argument("events_csv")
    parser.add_argument("out_ledger_csv")
    parser.add_argument("--budget", action="append", default=[], metavar="FUND=AMOUNT",
                        help="replace a fund's budget (money text, e.g. tencent=3000.00)")
    parser.add_argument("--daily-amount", default=TENCENT_DAILY_AMOUNT,
                        help="replace the tencent fund's daily 09:00 tranche")
    return parser.parse_args()


def budgets_from(overrides):
    budgets = {fund_id: parse_money(text) for fund_id, text in FUND_BUDGETS.items()}
    for override in overrides:
        fund_id, _, text = override.partition("=")
        if fund_id not in budgets:
            raise SystemExit(f"--budget: unknown fund {fund_id!r}")
        budgets[fund_id] = parse_money(text)
    return budgets


def main():
    arguments = parse_arguments()
    projects = read_projects(arguments.projects_csv)
    budgets = budgets_from(arguments.budget)
    with open(arguments.out_ledger_csv, "w", newline="", encoding="utf-8") as out:
        ledger = csv.writer(out, lineterminator="\n")
        ledger.writerow(LEDGER_HEADER)
        campaign = Tencent2018(projects, budgets, parse_money(arguments.daily_amount), ledger)
        for donation in read_donations(arguments.events_csv, projects):
            campaign.process(donation)
    print(f"{campaign.seq} ledger lines", file=sys.stderr)


if __name__ == "__main__":
    main()
