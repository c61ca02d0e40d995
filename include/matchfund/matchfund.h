/* matchfund's C API: the engine for hosts written in C, or in any language that calls C (Java
 * through JNI or the FFM API, Go through cgo, Python through ctypes or cffi, PHP through FFI).
 *
 * C99, no C++ in it. Handles are opaque; no exception crosses this boundary; every failure is
 * an mf_status and a message. Money is an int64_t count of minor units (fen, cents);
 * mf_rules_minor_digits() says how many digits they have.
 *
 *   mf_error error;
 *   mf_rules* rules = mf_rules_load("campaign.yaml", &error);
 *   if (!rules) { fprintf(stderr, "%s\n", error.message); return 2; }
 *   mf_engine* engine = mf_engine_new(rules, &error);
 *   mf_event e = {0};
 *   e.id = "d1"; e.time = "2021-09-07T10:00:00+08:00"; e.donor = "u1"; e.project = "p1"; e.amount = "20.00";
 *   mf_decision decision;
 *   if (mf_engine_process(engine, &e, &decision) != MF_OK) { puts(mf_engine_error(engine)); }
 *   else if (decision.rejected) { printf("bad event: %s\n", decision.reason); }
 *   else { printf("matched %lld\n", (long long)decision.matched); }
 *   mf_engine_free(engine);
 *   mf_rules_free(rules);
 *
 * Threads: engines are independent and may run on different threads, also sharing one
 * mf_rules; calls on one engine must not overlap, the readers included (they fill the engine's
 * buffers). A host with many request threads gives an engine a thread of its own (engine.hpp).
 * Texts an engine hands out stay valid until the next call on that engine.
 */
#ifndef MATCHFUND_H
#define MATCHFUND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mf_rules mf_rules;
typedef struct mf_engine mf_engine;

typedef enum mf_status {
  MF_OK = 0,
  MF_ERROR_ARGUMENT = 1, /* a null handle or pointer, an unknown fund or project id, a bad kind */
  MF_ERROR_RULES = 2,    /* the rules file is bad: the message has every diagnostic */
  MF_ERROR_SNAPSHOT = 3, /* a snapshot that is not one, of other rules or another version, damaged */
  MF_ERROR_IO = 4,       /* a file that cannot be read or written */
  MF_ERROR_LIMIT = 5,    /* a limit of SPEC §1 or of one run passed; the engine is unusable after it */
  MF_ERROR_INTERNAL = 6  /* a bug in matchfund */
} mf_status;

#define MF_MESSAGE_SIZE 4096
typedef struct mf_error {
  mf_status code;
  char message[MF_MESSAGE_SIZE]; /* NUL-terminated; cut at MF_MESSAGE_SIZE - 1 bytes */
} mf_error;

/* The version of matchfund, e.g. "0.9.0". Static. */
const char* mf_version(void);

/* ---- rules ---------------------------------------------------------------------------------- */

/* Loads a rules file (SPEC §3.1). NULL on failure, with `error` filled (it may be NULL). */
mf_rules* mf_rules_load(const char* path, mf_error* error);
void mf_rules_free(mf_rules* rules);
/* The campaign's minor digits (2 for CNY: an amount of 1234 is 12.34). */
int mf_rules_minor_digits(const mf_rules* rules);
/* SHA-256 of the rules file, lower-case hex; valid while the rules live. */
const char* mf_rules_sha256(const mf_rules* rules);

/* ---- events and decisions ------------------------------------------------------------------- */

typedef struct mf_attribute {
  const char* name; /* without "attr.": "flowers" */
  const char* value;
} mf_attribute;

/* An event as an event file's fields (SPEC §3.2), each a NUL-terminated text or NULL (absent).
 * kind: "donation" (also NULL or ""), "refund", "revoke", "close", "hold", "confirm", "cancel".
 * time: RFC 3339 with an offset, or integer epoch milliseconds. amount: money text ("20.00"). */
typedef struct mf_event {
  const char* kind;
  const char* id;
  const char* time;
  const char* donor;
  const char* project;
  const char* amount;
  const char* ref;
  const char* scope;
  const char* disposition;
  const char* channel;
  const mf_attribute* attributes;
  size_t attribute_count;
} mf_event;

/* What one rule decided for a donation or hold (SPEC §5.2). */
typedef struct mf_rule_outcome {
  const char* rule;    /* the rule's id */
  const char* outcome; /* "matched", "partial", "cap_reached", "fund_empty", ... */
  const char* limit;   /* the cap or fund id of cap_reached and partial, else "" */
  int64_t want;        /* minor units; 0 where the formula was not reached */
  int64_t paid;        /* paid (a hold: held; a quote: would pay) */
} mf_rule_outcome;

typedef struct mf_decision {
  int rejected;                 /* 1: a bad event, not processed (nothing changed) */
  char reason[128];             /* SPEC §3.3's reason when rejected: "duplicate_id", "bad_field:amount" */
  const mf_rule_outcome* rules; /* a donation's or hold's outcome per rule, in evaluation order */
  size_t rule_count;            /* 0 for other kinds */
  int64_t matched;              /* what the rules paid in all */
} mf_decision;

/* ---- the engine ------------------------------------------------------------------------------- */

mf_engine* mf_engine_new(const mf_rules* rules, mf_error* error);
void mf_engine_free(mf_engine* engine);
/* The message of the last call on `engine` that did not return MF_OK ("" if none). */
const char* mf_engine_error(const mf_engine* engine);

/* Processes one event (in time order; an earlier one is rejected as out_of_order). A bad event
 * is MF_OK with decision->rejected = 1. decision->rules stays valid until the next call. */
mf_status mf_engine_process(mf_engine* engine, const mf_event* event, mf_decision* decision);
/* What mf_engine_process would decide now for a donation (or hold), changing nothing. */
mf_status mf_engine_quote(mf_engine* engine, const mf_event* event, mf_decision* decision);
/* Closes the campaign at the end of input (SPEC §7), unless a close event came. Idempotent. */
mf_status mf_engine_finish(mf_engine* engine);

/* The ledger lines kept since the start or the last discard (SPEC §8 ledger.csv). */
typedef struct mf_ledger_line {
  uint64_t seq;
  int64_t time_ms;          /* epoch milliseconds */
  const char* kind;         /* "match", "reversal", "closeout", "expiry" */
  const char* event_id;
  const char* donation_id;
  const char* donor;
  const char* project;      /* "" where none */
  const char* rule;         /* the rule, or the close-out step of a closeout line; "" where none */
  const char* fund;         /* "" for a close-out paid from outside money */
  int64_t amount;           /* negative for reversals */
  const char* limited_by;
  const char* disposition;  /* "return", "forfeit" or "" */
} mf_ledger_line;

size_t mf_engine_ledger_count(const mf_engine* engine);
/* Line `index` (0 .. count - 1); its texts stay valid until the next call on the engine. */
mf_status mf_engine_ledger_line(mf_engine* engine, size_t index, mf_ledger_line* line);
/* Forgets the lines kept so far (a host that has stored them keeps memory flat). */
void mf_engine_discard_ledger(mf_engine* engine);

typedef struct mf_fund_totals {
  int64_t budget, released, drawn, returned, forfeited, expired, closeout, unallocated, held, available;
  int exhausted;            /* 1 when exhausted_ms is set */
  int64_t exhausted_ms;
} mf_fund_totals;

typedef struct mf_project_totals {
  int64_t donations, donors, raised, refunded, matched, closeout;
} mf_project_totals;

mf_status mf_engine_fund(mf_engine* engine, const char* fund_id, mf_fund_totals* totals);
mf_status mf_engine_project(mf_engine* engine, const char* project_id, mf_project_totals* totals);

/* A hold (SPEC §12): status "open", "confirmed", "cancelled" or "expired". */
typedef struct mf_hold {
  const char* status;
  int64_t held;
  int64_t expires_ms;
  int resolved;             /* 1 when resolved_ms is set */
  int64_t resolved_ms;
} mf_hold;
mf_status mf_engine_hold(mf_engine* engine, const char* hold_id, mf_hold* hold);

/* ---- snapshots -------------------------------------------------------------------------------- */

/* Saves the engine's whole state to `path` (written whole, then renamed into place), with
 * `position`: the host's place in its input. */
mf_status mf_engine_save(mf_engine* engine, const char* path, uint64_t position);
/* A new engine from a snapshot saved with these rules; NULL with `error` filled on failure.
 * `position` (may be NULL) receives the position it was saved with. */
mf_engine* mf_engine_restore(const mf_rules* rules, const char* path, uint64_t* position, mf_error* error);

#ifdef __cplusplus
}
#endif

#endif
