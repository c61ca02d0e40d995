/* A platform's checkout through matchfund's C API, on the Big Give rules (rules/
 * bigive-christmas-challenge.yaml): quote the match a donor would get, hold it while the donor
 * pays, confirm; another donor's hold runs out and its money goes to the next donor; save the
 * engine, restore it as after a crash, finish the campaign and read the funds and the ledger.
 *
 *   checkout RULES.yaml SNAPSHOT_PATH
 *
 * Prints each step; exits 1 on any failure, 0 otherwise. Built and run by the tests (under
 * AddressSanitizer in CI), and against an installed matchfund with pkg-config.
 */
#include <stdio.h>
#include <string.h>

#include "matchfund/matchfund.h"

static int failed(const char* what, const char* message) {
  fprintf(stderr, "checkout: %s: %s\n", what, message);
  return 1;
}

/* Minor units as text with the campaign's two digits: 12345 -> "123.45". */
static const char* amount(int64_t minor) {
  static char text[8][32]; /* enough for the most amounts one printf shows */
  static int next = 0;
  char* out = text[next++ % 8];
  snprintf(out, 32, "%s%lld.%02lld", minor < 0 ? "-" : "", (long long)(minor < 0 ? -minor : minor) / 100,
           (long long)(minor < 0 ? -minor : minor) % 100);
  return out;
}

static int send(mf_engine* engine, const char* kind, const char* id, const char* time, const char* donor,
                const char* project, const char* value, const char* ref, int quote) {
  mf_event e;
  mf_decision decision;
  size_t k;
  memset(&e, 0, sizeof e);
  e.kind = kind;
  e.id = id;
  e.time = time;
  e.donor = donor;
  e.project = project;
  e.amount = value;
  e.ref = ref;
  if ((quote ? mf_engine_quote(engine, &e, &decision) : mf_engine_process(engine, &e, &decision)) != MF_OK) {
    return failed(id, mf_engine_error(engine));
  }
  printf("%s %s %s:", quote ? "quote" : "event", kind, id);
  if (decision.rejected) {
    printf(" rejected (%s)\n", decision.reason);
    return 0;
  }
  for (k = 0; k < decision.rule_count; ++k) {
    const mf_rule_outcome* r = &decision.rules[k];
    printf(" %s %s%s%s want %s paid %s;", r->rule, r->outcome, r->limit[0] ? ":" : "", r->limit, amount(r->want),
           amount(r->paid));
  }
  printf(" matched %s\n", amount(decision.matched));
  return 0;
}

static int print_fund(mf_engine* engine, const char* id) {
  mf_fund_totals t;
  if (mf_engine_fund(engine, id, &t) != MF_OK) return failed(id, mf_engine_error(engine));
  printf("fund %s: released %s drawn %s held %s returned %s closeout %s available %s\n", id, amount(t.released),
         amount(t.drawn), amount(t.held), amount(t.returned), amount(t.closeout), amount(t.available));
  return 0;
}

int main(int argc, char** argv) {
  mf_error error;
  mf_rules* rules;
  mf_engine* engine;
  mf_engine* restored;
  mf_hold hold;
  uint64_t position = 0;
  size_t k;
  int bad = 0;
  if (argc != 3) return failed("usage", "checkout RULES.yaml SNAPSHOT_PATH");
  printf("matchfund %s\n", mf_version());
  rules = mf_rules_load(argv[1], &error);
  if (rules == NULL) return failed("rules", error.message);
  engine = mf_engine_new(rules, &error);
  if (engine == NULL) return failed("engine", error.message);

  /* food-larder's pot: 2,000.00 of pledges and 1,000.00 of champion money. */
  bad |= send(engine, "donation", "d1", "2025-12-02T12:00:00Z", "alice", "food-larder", "2500.00", NULL, 0);
  bad |= send(engine, "donation", "q1", "2025-12-02T12:05:00Z", "bob", "food-larder", "600.00", NULL, 1);
  bad |= send(engine, "hold", "h1", "2025-12-02T12:05:00Z", "bob", "food-larder", "600.00", NULL, 0);
  bad |= send(engine, "donation", "d2", "2025-12-02T12:10:00Z", "cara", "food-larder", "600.00", NULL, 0);
  if (mf_engine_hold(engine, "h1", &hold) != MF_OK) return failed("h1", mf_engine_error(engine));
  printf("hold h1: %s, holds %s\n", hold.status, amount(hold.held));
  bad |= print_fund(engine, "champions");

  /* Saved, and restored as a host does after a crash. */
  if (mf_engine_save(engine, argv[2], 4) != MF_OK) return failed("save", mf_engine_error(engine));
  mf_engine_free(engine);
  restored = mf_engine_restore(rules, argv[2], &position, &error);
  if (restored == NULL) return failed("restore", error.message);
  printf("restored at position %llu\n", (unsigned long long)position);

  /* bob never pays: h1 expires at 12:35; dev's hold at 12:40 gets the champion money. */
  bad |= send(restored, "hold", "h2", "2025-12-02T12:40:00Z", "dev", "food-larder", "600.00", NULL, 0);
  bad |= send(restored, "confirm", "c2", "2025-12-02T12:45:00Z", NULL, NULL, NULL, "h2", 0);
  bad |= send(restored, "confirm", "c1", "2025-12-02T12:46:00Z", NULL, NULL, NULL, "h1", 0);
  bad |= send(restored, "donation", "d3", "2025-12-02T12:47:00Z", "eve", "nowhere", "5.00", NULL, 0);
  if (mf_engine_hold(restored, "h1", &hold) != MF_OK) return failed("h1", mf_engine_error(restored));
  printf("hold h1: %s\n", hold.status);
  if (mf_engine_finish(restored) != MF_OK) return failed("finish", mf_engine_error(restored));
  bad |= print_fund(restored, "pledges");
  bad |= print_fund(restored, "champions");
  for (k = 0; k < mf_engine_ledger_count(restored); ++k) {
    mf_ledger_line line;
    if (mf_engine_ledger_line(restored, k, &line) != MF_OK) return failed("ledger", mf_engine_error(restored));
    printf("ledger %llu %s %s %s %s %s %s\n", (unsigned long long)line.seq, line.kind, line.event_id, line.donation_id,
           line.rule, line.fund, amount(line.amount));
  }
  if (mf_engine_fund(restored, "nope", NULL) != MF_ERROR_ARGUMENT) bad = 1;
  mf_engine_free(restored);
  mf_rules_free(rules);
  return bad;
}
