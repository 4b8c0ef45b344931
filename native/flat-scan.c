/*
 * The flat-line scan of src/normalise/flat-line.ts, compiled: splits a block of bytes into lines
 * (as LineCursor does) and reads each flat line's fields into typed arrays, many lines a call.
 *
 * It may only ever be more careful than the JavaScript scan: a line it reads must give exactly
 * what `scanFlatLine` gives for it, and any line it is not sure of (an unusual value, a timestamp
 * or number the short forms below do not read, a byte above ASCII in a type) is left to
 * JavaScript, which reads it the fast way or the full way. Tests hold the two equal.
 */
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The keys read, in the slot order of flat-line.ts's KEYS. */
static const char *const KEYS[] = {
  "event_type", "type", "agent_name", "agent", "run_id", "trace_id", "workflow", "workflow_name", "pattern", "pattern_type",
  "provider", "model", "model_name", "input_tokens", "prompt_tokens", "output_tokens", "completion_tokens", "tokens",
  "token_count", "total_tokens", "duration_ms", "latency_ms", "elapsed_ms", "duration_seconds", "cost_estimate", "cost_usd",
  "cost", "timestamp", "ts", "time", "status", "error", "error_message", "message", "kind", "call_id", "target", "route",
  "selected", "decision",
};
enum {
  K_EVENT_TYPE, K_TYPE, K_AGENT_NAME, K_AGENT, K_RUN_ID, K_TRACE_ID, K_WORKFLOW, K_WORKFLOW_NAME, K_PATTERN, K_PATTERN_TYPE,
  K_PROVIDER, K_MODEL, K_MODEL_NAME, K_INPUT_TOKENS, K_PROMPT_TOKENS, K_OUTPUT_TOKENS, K_COMPLETION_TOKENS, K_TOKENS,
  K_TOKEN_COUNT, K_TOTAL_TOKENS, K_DURATION_MS, K_LATENCY_MS, K_ELAPSED_MS, K_DURATION_SECONDS, K_COST_ESTIMATE, K_COST_USD,
  K_COST, K_TIMESTAMP, K_TS, K_TIME, K_STATUS, K_ERROR, K_ERROR_MESSAGE, K_MESSAGE, K_KIND, K_CALL_ID, K_TARGET, K_ROUTE,
  K_SELECTED, K_DECISION, NKEYS
};
/* Keys whose presence sends the line the full way: containers and the prompt and output texts. */
static const char *const SLOW_KEYS[] = {
  "payload", "data", "metadata", "messages_in", "messages", "prompt", "response", "completion", "result_output", "output",
};
#define NSLOW ((int)(sizeof(SLOW_KEYS) / sizeof(SLOW_KEYS[0])))

/* Text columns of a line read, in EventBatch order, then the message (an error's text when no `error`). */
enum { C_TYPE, C_AGENT, C_RUN, C_WORKFLOW, C_PATTERN, C_PROVIDER, C_MODEL, C_STATUS, C_ERROR, C_KIND, C_CALL, C_DETAIL, C_MESSAGE, NCOLS };
/* Numbers of a line read: tokens in, out, total; duration (ms); cost; timestamp (epoch ms). */
enum { N_INPUT, N_OUTPUT, N_TOTAL, N_DURATION, N_COST, N_TIME, NNUMS };

/* An open-addressed table from a key's hash to its slot + 1, or to -(index + 1) of a slow key. */
#define TABLE_SIZE 1024
static int16_t table_entry[TABLE_SIZE];
static uint8_t key_length[NKEYS + NSLOW];

/* The hash flat-line.ts computes over a value's bytes (h = h * 31 + byte), four bytes a step. */
static inline uint32_t hash31(const uint8_t *p, int32_t n) {
  uint32_t h = 0;
  int32_t k = 0;
  for (; k + 4 <= n; k += 4) h = h * 923521u + p[k] * 29791u + p[k + 1] * 961u + p[k + 2] * 31u + p[k + 3];
  for (; k < n; k++) h = h * 31u + p[k];
  return h;
}

static void enter(const char *name, int16_t entry) {
  uint32_t p = hash31((const uint8_t *)name, (int32_t)strlen(name)) & (TABLE_SIZE - 1);
  while (table_entry[p] != 0) p = (p + 1) & (TABLE_SIZE - 1);
  table_entry[p] = entry;
}

static const char *name_of(int entry) { return entry > 0 ? KEYS[entry - 1] : SLOW_KEYS[-entry - 1]; }

/* Made once per process: every worker thread loads this module. */
static void init_table(void) {
  for (int i = 0; i < NKEYS; i++) enter(KEYS[i], (int16_t)(i + 1));
  for (int i = 0; i < NSLOW; i++) enter(SLOW_KEYS[i], (int16_t)(-(i + 1)));
  for (int i = 0; i < NKEYS; i++) key_length[i] = (uint8_t)strlen(KEYS[i]);
  for (int i = 0; i < NSLOW; i++) key_length[NKEYS + i] = (uint8_t)strlen(SLOW_KEYS[i]);
}
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Value kinds of a slot, as flat-line.ts. */
/* ESCAPED: a string with escapes, decoded by JavaScript (JSON.parse of its bytes). */
enum { ABSENT, STRING, NUMBER, TRUE_, FALSE_, NULL_, WIDE, ESCAPED };

typedef struct {
  uint8_t kind[NKEYS];
  int32_t start[NKEYS];
  int32_t end[NKEYS];
  int32_t hash[NKEYS];
  double num[NKEYS];
  int bad;
} Line;

static const double POW10[23] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline int is_space(int c) { return c == 32 || c == 9 || c == 13 || c == 10; }
static inline int trims(int c) { return c <= 32 || c >= 0x80; }

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline int is_hex(int c) { return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102); }

/*
 * Where the string whose bytes start at `i` ends (its closing quote), or -1 when a control byte
 * or an escape JSON does not have comes first, or the line ends. Eight bytes a step while none of
 * them can end it; `*high` is set when a byte is above ASCII, `*escapes_end` to where the last
 * escape (a backslash and what it escapes) ends, or -1 when there is none.
 */
static inline int32_t string_end(const uint8_t *s, int32_t i, int32_t end, int *high, int32_t *escapes_end) {
  uint64_t seen = 0;
  int32_t escaped = -1;
  for (;;) {
    while (i + 8 <= end) {
      uint64_t x;
      memcpy(&x, s + i, 8);
      uint64_t q = x ^ (ONES * 34);
      uint64_t b = x ^ (ONES * 92);
      /* A byte's high bit set in `stop` when it may be a quote, a backslash or below 32: the step
         then goes byte by byte, which decides. */
      uint64_t stop = (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((x - ONES * 32) & ~x)) & HIGHS;
      if (stop) break;
      seen |= x;
      i += 8;
    }
    int c;
    for (;; i++) {
      if (i >= end) return -1;
      c = s[i];
      if (c == 34 || c == 92 || c < 32) break;
      seen |= (uint64_t)c;
    }
    if (c == 34) break;
    if (c < 32) return -1;
    /* An escape: one of JSON's, else the line is JSON.parse's to refuse. */
    int e = i + 1 < end ? s[i + 1] : 0;
    if (e == 117) {
      if (i + 6 > end || !is_hex(s[i + 2]) || !is_hex(s[i + 3]) || !is_hex(s[i + 4]) || !is_hex(s[i + 5])) return -1;
      i += 6;
    } else if (e == 34 || e == 92 || e == 47 || e == 98 || e == 102 || e == 110 || e == 114 || e == 116) {
      i += 2;
    } else {
      return -1;
    }
    escaped = i;
  }
  *high = (seen & HIGHS) != 0;
  *escapes_end = escaped;
  return i;
}

static inline int byte_at(const uint8_t *s, int32_t k, int32_t end) { return k < end ? (int)s[k] : 256; }

/*
 * The slot of each key of the last line read, by its place in the line (-1: a key not read), as
 * flat-line.ts guesses keys: lines of one shape repeat their keys in the same order, so a key is
 * first compared with the one at its place in the last line whose first value hashed alike.
 */
#define SHAPES 16
#define PLACES 64
typedef struct {
  int8_t slot[SHAPES * PLACES];
} Guesses;

/*
 * Scans s[start, end) as a flat JSON object into `L`, as flat-line.ts's `scan`. Bytes at or past
 * `end` read as 256, which matches nothing (JavaScript reads the line end there, which matches
 * nothing either). Returns 0 for anything the JavaScript scan refuses, and for numbers its short
 * form does not read (those it reads with Number(), left to it).
 */
static int scan(const uint8_t *s, int32_t start, int32_t end, Line *L, Guesses *G) {
#define AT(k) byte_at(s, (k), end)
  memset(L->kind, ABSENT, sizeof L->kind);
  int32_t i = start;
  int first = AT(i);
  if (first != 123 && first != 32 && first != 9) return 0;
  while (i < end && is_space(s[i])) i++;
  if (AT(i) != 123) return 0;
  i++;
  while (i < end && is_space(s[i])) i++;
  if (AT(i) == 125) return 0;
  int row = 0;
  for (int place = 0;; place++) {
    if (AT(i) != 34) return 0;
    i++;
    int id = -1;
    int guess = place < PLACES ? G->slot[row + place] : -1;
    int32_t n = guess >= 0 ? key_length[guess] : 0;
    if (guess >= 0 && i + n < end && s[i + n] == 34 && memcmp(s + i, KEYS[guess], (size_t)n) == 0) {
      id = guess;
      i += n + 1;
    } else {
      int32_t key_start = i;
      int high = 0;
      int32_t escapes_end = -1;
      i = string_end(s, i, end, &high, &escapes_end);
      /* A key with escapes is left to JavaScript. */
      if (i < 0 || escapes_end != -1) return 0;
      int32_t key_len = i - key_start;
      uint32_t h = hash31(s + key_start, key_len);
      i++;
      for (uint32_t p = h & (TABLE_SIZE - 1); table_entry[p] != 0; p = (p + 1) & (TABLE_SIZE - 1)) {
        int entry = table_entry[p];
        int k = entry > 0 ? entry - 1 : NKEYS + (-entry - 1);
        if (key_length[k] != key_len || memcmp(name_of(entry), s + key_start, (size_t)key_len) != 0) continue;
        if (entry < 0) return 0;
        id = entry - 1;
        break;
      }
      if (place < PLACES) G->slot[row + place] = (int8_t)id;
    }
    while (i < end && is_space(s[i])) i++;
    if (AT(i) != 58) return 0;
    i++;
    while (i < end && is_space(s[i])) i++;
    if (id != -1 && L->kind[id] != ABSENT) return 0; /* a repeated key: JSON.parse keeps the last */
    int c = AT(i);
    if (c == 34) {
      i++;
      int32_t vs = i;
      int high = 0;
      int32_t escapes_end = -1;
      i = string_end(s, i, end, &high, &escapes_end);
      if (i < 0) return 0;
      if (id != -1) {
        if (i > vs && (trims(s[vs]) || trims(s[i - 1]))) return 0;
        /* An escape at either end may stand for white space, which the full path trims. */
        if (escapes_end != -1 && (s[vs] == 92 || escapes_end == i)) return 0;
        L->kind[id] = escapes_end != -1 ? ESCAPED : high ? WIDE : STRING;
        L->start[id] = vs;
        L->end[id] = i;
        L->hash[id] = (int32_t)hash31(s + vs, i - vs);
        if (place == 0) row = (L->hash[id] & (SHAPES - 1)) * PLACES;
      }
      i++;
    } else if (c == 45 || (c >= 48 && c <= 57)) {
      int neg = 0;
      if (c == 45) {
        neg = 1;
        i++;
      }
      double m = 0;
      int digits = 0, frac = 0;
      int d = AT(i);
      if (d == 48) {
        i++;
        digits++;
        d = AT(i);
      } else if (d >= 49 && d <= 57) {
        while (d >= 48 && d <= 57) {
          m = m * 10 + (d - 48);
          digits++;
          d = AT(++i);
        }
      } else return 0;
      if (d == 46) {
        d = AT(++i);
        if (!(d >= 48 && d <= 57)) return 0;
        while (d >= 48 && d <= 57) {
          m = m * 10 + (d - 48);
          digits++;
          frac++;
          d = AT(++i);
        }
      }
      int exp = 0;
      if (d == 101 || d == 69) {
        d = AT(++i);
        int eneg = 0;
        if (d == 43 || d == 45) {
          eneg = d == 45;
          d = AT(++i);
        }
        if (!(d >= 48 && d <= 57)) return 0;
        while (d >= 48 && d <= 57) {
          exp = exp * 10 + (d - 48);
          if (exp > 1000) exp = 1000;
          d = AT(++i);
        }
        if (eneg) exp = -exp;
      }
      if (id != -1) {
        int p = exp - frac;
        /* Only the short form, exact in one rounding; JavaScript reads the rest with Number(). */
        if (!(digits <= 15 && p >= -22 && p <= 22)) return 0;
        double v = p >= 0 ? m * POW10[p] : m / POW10[-p];
        if (!isfinite(v)) return 0;
        L->num[id] = neg ? -v : v;
        L->kind[id] = NUMBER;
      }
    } else if (c == 116) {
      if (AT(i + 1) != 114 || AT(i + 2) != 117 || AT(i + 3) != 101) return 0;
      i += 4;
      if (id != -1) L->kind[id] = TRUE_;
    } else if (c == 102) {
      if (AT(i + 1) != 97 || AT(i + 2) != 108 || AT(i + 3) != 115 || AT(i + 4) != 101) return 0;
      i += 5;
      if (id != -1) L->kind[id] = FALSE_;
    } else if (c == 110) {
      if (AT(i + 1) != 117 || AT(i + 2) != 108 || AT(i + 3) != 108) return 0;
      i += 4;
      if (id != -1) L->kind[id] = NULL_;
    } else {
      return 0;
    }
    if (i > end) return 0;
    while (i < end && is_space(s[i])) i++;
    int sep = AT(i);
    i++;
    if (sep == 125) break;
    if (sep != 44) return 0;
    while (i < end && is_space(s[i])) i++;
  }
  while (i < end && is_space(s[i])) i++;
  return i == end;
#undef AT
}

/* A text slot that is given (a non-empty string): the slot; -1 when not given (absent, null, ""). */
static int given_at(Line *L, int k) {
  int kind = L->kind[k];
  if (kind == STRING || kind == WIDE || kind == ESCAPED) return L->end[k] > L->start[k] ? k : -1;
  if (kind != ABSENT && kind != NULL_) L->bad = 1;
  return -1;
}

static int text_slot(Line *L, int a, int b, int c, int d) {
  int k = given_at(L, a);
  if (k == -1 && b != -1) k = given_at(L, b);
  if (k == -1 && c != -1) k = given_at(L, c);
  if (k == -1 && d != -1) k = given_at(L, d);
  return k;
}

enum { ANY, AMOUNT, TOKENS };

static double number_at(Line *L, int k, int test) {
  int kind = L->kind[k];
  if (kind == NUMBER) {
    double n = L->num[k];
    if (test == ANY || (n >= 0 && (test == AMOUNT || n <= 1e12))) return n;
    return NAN;
  }
  if (kind == STRING || kind == WIDE || kind == ESCAPED) L->bad = 1;
  return NAN;
}

static double number_of(Line *L, int test, int a, int b, int c) {
  double n = number_at(L, a, test);
  if (isnan(n) && b != -1) n = number_at(L, b, test);
  if (isnan(n) && c != -1) n = number_at(L, c, test);
  return n;
}

/* JavaScript's Math.round: to the nearest integer, halves up, keeping the sign of zero. */
static double js_round(double v) {
  if (!isfinite(v)) return v;
  double r = floor(v);
  if (v - r >= 0.5) r += 1;
  if (r == 0) return copysign(0.0, v);
  return r;
}

static int days_in(int year, int month) {
  if (month == 2) return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

static double floor_div(double a, double b) { return floor(a / b); }

static double days_from_civil(int year, int month, int day) {
  double y = month <= 2 ? year - 1 : year;
  double era = floor_div(y, 400);
  double yoe = y - era * 400;
  double doy = floor((153.0 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy - 719468;
}

static inline int digit(const uint8_t *b, int32_t i) {
  int d = (int)b[i] - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/*
 * timestamp.ts's fastIsoBytes for b[start, stop): 1 and `*out` when read; 0 when it is not one of
 * the short shapes, or has more fraction digits than one exact division reads (left to JavaScript).
 */
static int fast_iso(const uint8_t *b, int32_t start, int32_t stop, double *out) {
  int32_t n = stop - start;
  if (n < 19 || b[start + 4] != 45 || b[start + 7] != 45 || b[start + 10] != 84 || b[start + 13] != 58 || b[start + 16] != 58) return 0;
  int32_t end = n;
  if (b[stop - 1] == 90) end--;
  int dg[14];
  static const int at[] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18};
  for (int k = 0; k < 14; k++) {
    dg[k] = digit(b, start + at[k]);
    if (dg[k] < 0) return 0;
  }
  int y = dg[0] * 1000 + dg[1] * 100 + dg[2] * 10 + dg[3];
  int m = dg[4] * 10 + dg[5];
  int d = dg[6] * 10 + dg[7];
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m))) return 0;
  int h = dg[8] * 10 + dg[9];
  int mi = dg[10] * 10 + dg[11];
  int sec = dg[12] * 10 + dg[13];
  if (!(h < 24 && mi < 60 && sec < 61)) return 0;
  double ms = days_from_civil(y, m, d) * 86400000.0 + (double)((h * 60 + mi) * 60 + sec) * 1000;
  if (end > 19) {
    if (b[start + 19] != 46 || end == 20) return 0;
    int whole = 0;
    for (int32_t i = 20; i < 23; i++) {
      int dd = i < end ? digit(b, start + i) : 0;
      if (dd < 0) return 0;
      whole = whole * 10 + dd;
    }
    double rest = 0;
    int rest_digits = 0;
    for (int32_t i = 23; i < end; i++) {
      int dd = digit(b, start + i);
      if (dd < 0) return 0;
      rest = rest * 10 + dd;
      rest_digits++;
    }
    ms += whole;
    if (rest_digits > 0) {
      /* Number("0.<digits>"): exact in one division while the digits fit. */
      if (rest_digits > 15) return 0;
      ms += rest / POW10[rest_digits];
    }
  }
  *out = ms;
  return 1;
}

/* The timestamp of a slot: 1 with `*out`; 0 when JavaScript must read it; -1 when the slot is not given (the next one is tried). */
static int timestamp_at(const uint8_t *s, Line *L, int k, double *out) {
  int kind = L->kind[k];
  if (kind == STRING) {
    if (L->end[k] <= L->start[k]) return -1;
    return fast_iso(s, L->start[k], L->end[k], out);
  }
  if (kind == WIDE || kind == ESCAPED) return 0;
  if (kind == NUMBER) {
    double v = L->num[k];
    *out = fabs(v) >= 1e11 ? v : v * 1000;
    return 1;
  }
  if (kind == TRUE_ || kind == FALSE_) {
    L->bad = 1;
    return 0;
  }
  return -1;
}

/* Where a block's results go (typed arrays the caller keeps and passes on every call). */
typedef struct {
  int32_t *lines;   /* per line: start, end (CR and byte-order mark removed) */
  uint8_t *read;    /* per line: 1 when read here, 0 when JavaScript must read it */
  int32_t *tstart;  /* per line and column: where its text starts, or -1 (not given) */
  int32_t *tend;
  int32_t *thash;
  uint8_t *twide;   /* per line and column: WIDE_TEXT */
  double *nums;     /* per line: NNUMS numbers, NaN for none */
} Out;

/* A column's flags: its text is decoded by JavaScript rather than looked up by its bytes (it has
   bytes above ASCII, or escapes); and it has escapes (JSON.parse decodes it). */
#define WIDE_TEXT 1
#define ESCAPED_TEXT 2

static void put_col(Line *L, Out *o, size_t at, int slot) {
  if (slot == -1) {
    o->tstart[at] = -1;
    return;
  }
  o->tstart[at] = L->start[slot];
  o->tend[at] = L->end[slot];
  o->thash[at] = L->hash[slot];
  o->twide[at] = L->kind[slot] == ESCAPED ? WIDE_TEXT | ESCAPED_TEXT : L->kind[slot] == WIDE ? WIDE_TEXT : 0;
}

/* Reads one line into row `r` of `o`: 1 when read, 0 when it is left to JavaScript. */
static int read_line(const uint8_t *s, int32_t start, int32_t end, Out *o, size_t r, Guesses *G) {
  Line L;
  if (!scan(s, start, end, &L, G)) return 0;
  L.bad = 0;
  int type = text_slot(&L, K_EVENT_TYPE, K_TYPE, -1, -1);
  if (type == -1 || L.bad || L.kind[type] == WIDE || L.kind[type] == ESCAPED) return 0;
  /* Upper-case types are lower-cased by the full path: left to JavaScript. */
  for (int32_t i = L.start[type]; i < L.end[type]; i++)
    if (s[i] >= 65 && s[i] <= 90) return 0;
  size_t c = r * NCOLS;
  put_col(&L, o, c + C_TYPE, type);
  put_col(&L, o, c + C_AGENT, text_slot(&L, K_AGENT_NAME, K_AGENT, -1, -1));
  put_col(&L, o, c + C_RUN, text_slot(&L, K_RUN_ID, K_TRACE_ID, -1, -1));
  put_col(&L, o, c + C_WORKFLOW, text_slot(&L, K_WORKFLOW, K_WORKFLOW_NAME, -1, -1));
  put_col(&L, o, c + C_PATTERN, text_slot(&L, K_PATTERN, K_PATTERN_TYPE, -1, -1));
  put_col(&L, o, c + C_PROVIDER, text_slot(&L, K_PROVIDER, -1, -1, -1));
  put_col(&L, o, c + C_MODEL, text_slot(&L, K_MODEL, K_MODEL_NAME, -1, -1));
  put_col(&L, o, c + C_STATUS, text_slot(&L, K_STATUS, -1, -1, -1));
  int error = text_slot(&L, K_ERROR, K_ERROR_MESSAGE, -1, -1);
  put_col(&L, o, c + C_ERROR, error);
  /* Which of these two a line uses depends on its type's role, which JavaScript knows: both are
     read (a message or detail of an unusual type sends the line to JavaScript, which is careful). */
  put_col(&L, o, c + C_MESSAGE, error == -1 ? text_slot(&L, K_MESSAGE, -1, -1, -1) : -1);
  put_col(&L, o, c + C_KIND, text_slot(&L, K_KIND, -1, -1, -1));
  put_col(&L, o, c + C_CALL, text_slot(&L, K_CALL_ID, -1, -1, -1));
  put_col(&L, o, c + C_DETAIL, text_slot(&L, K_TARGET, K_ROUTE, K_SELECTED, K_DECISION));
  double *n = o->nums + r * NNUMS;
  n[N_INPUT] = number_of(&L, TOKENS, K_INPUT_TOKENS, K_PROMPT_TOKENS, -1);
  n[N_OUTPUT] = number_of(&L, TOKENS, K_OUTPUT_TOKENS, K_COMPLETION_TOKENS, -1);
  n[N_TOTAL] = number_of(&L, TOKENS, K_TOKENS, K_TOKEN_COUNT, K_TOTAL_TOKENS);
  double ms = number_of(&L, AMOUNT, K_DURATION_MS, K_LATENCY_MS, K_ELAPSED_MS);
  double seconds = isnan(ms) ? number_of(&L, AMOUNT, K_DURATION_SECONDS, -1, -1) : NAN;
  n[N_DURATION] = isnan(ms) ? (isnan(seconds) ? NAN : js_round(seconds * 1000 * 1000) / 1000) : ms;
  n[N_COST] = number_of(&L, ANY, K_COST_ESTIMATE, K_COST_USD, K_COST);
  /* The first timestamp given wins even when it cannot be read. */
  double when = NAN;
  int got = timestamp_at(s, &L, K_TIMESTAMP, &when);
  if (got == -1) got = timestamp_at(s, &L, K_TS, &when);
  if (got == -1) got = timestamp_at(s, &L, K_TIME, &when);
  if (got == 0) return 0;
  n[N_TIME] = when;
  return !L.bad;
}

/*
 * A batch's table of strings, as EventBatch numbers them (1, 2, …): the texts a block's lines
 * give, looked up by their bytes, and the texts JavaScript asks for (`tableIntern`), in one
 * numbering. JavaScript keeps the strings in the same order.
 */
typedef struct {
  uint32_t *slots; /* id, 0 for an empty slot */
  uint32_t mask;
  uint32_t count;
  uint32_t cap;    /* room for ids */
  size_t *off;     /* per id (at id - 1): its bytes in the arena, their length and hash */
  uint32_t *len;
  uint32_t *hash;
  uint8_t *arena;
  size_t used, arena_cap;
} Table;

static int table_init(Table *t) {
  memset(t, 0, sizeof *t);
  t->mask = 1023;
  t->cap = 512;
  t->arena_cap = 1 << 16;
  t->slots = calloc(t->mask + 1, sizeof *t->slots);
  t->off = malloc(t->cap * sizeof *t->off);
  t->len = malloc(t->cap * sizeof *t->len);
  t->hash = malloc(t->cap * sizeof *t->hash);
  t->arena = malloc(t->arena_cap);
  return t->slots && t->off && t->len && t->hash && t->arena;
}

static void table_free(Table *t) {
  free(t->slots);
  free(t->off);
  free(t->len);
  free(t->hash);
  free(t->arena);
}

static void table_reset(Table *t) {
  memset(t->slots, 0, (t->mask + 1) * sizeof *t->slots);
  t->count = 0;
  t->used = 0;
}

static int table_grow_slots(Table *t) {
  uint32_t mask = t->mask * 2 + 1;
  uint32_t *slots = calloc(mask + 1, sizeof *slots);
  if (!slots) return 0;
  for (uint32_t id = 1; id <= t->count; id++) {
    uint32_t p = t->hash[id - 1] & mask;
    while (slots[p] != 0) p = (p + 1) & mask;
    slots[p] = id;
  }
  free(t->slots);
  t->slots = slots;
  t->mask = mask;
  return 1;
}

/* The id of the bytes b[0, n) (hash h), added when new (*added set); 0 when out of memory. */
static uint32_t table_intern(Table *t, const uint8_t *b, uint32_t n, uint32_t h, int *added) {
  uint32_t p = h & t->mask;
  for (uint32_t id = t->slots[p]; id != 0; id = t->slots[p]) {
    if (t->hash[id - 1] == h && t->len[id - 1] == n && memcmp(t->arena + t->off[id - 1], b, n) == 0) return id;
    p = (p + 1) & t->mask;
  }
  /* Ids are int32 in the batch's columns. */
  if (t->count >= INT32_MAX) return 0;
  if (t->count == t->cap) {
    uint32_t cap = t->cap * 2;
    size_t *off = realloc(t->off, cap * sizeof *off);
    if (off) t->off = off;
    uint32_t *len = realloc(t->len, cap * sizeof *len);
    if (len) t->len = len;
    uint32_t *hash = realloc(t->hash, cap * sizeof *hash);
    if (hash) t->hash = hash;
    if (!off || !len || !hash) return 0;
    t->cap = cap;
  }
  if (t->used + n > t->arena_cap) {
    size_t cap = t->arena_cap * 2;
    while (cap < t->used + n) cap *= 2;
    uint8_t *arena = realloc(t->arena, cap);
    if (!arena) return 0;
    t->arena = arena;
    t->arena_cap = cap;
  }
  memcpy(t->arena + t->used, b, n);
  uint32_t id = ++t->count;
  t->off[id - 1] = t->used;
  t->len[id - 1] = n;
  t->hash[id - 1] = h;
  t->used += n;
  t->slots[p] = id;
  *added = 1;
  if (id * 2 > t->mask + 1 && !table_grow_slots(t)) return 0;
  return id;
}

static void finalize_table(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  table_free(data);
  free(data);
}

/* newTable(): an empty table, freed with the object that holds it. */
static napi_value new_table(napi_env env, napi_callback_info info) {
  (void)info;
  Table *t = malloc(sizeof *t);
  if (!t || !table_init(t)) {
    if (t) table_free(t);
    free(t);
    napi_throw_error(env, NULL, "newTable: out of memory");
    return NULL;
  }
  napi_value ext;
  if (napi_create_external(env, t, finalize_table, NULL, &ext) != napi_ok) {
    table_free(t);
    free(t);
    return NULL;
  }
  return ext;
}

static Table *table_of(napi_env env, napi_value v) {
  napi_valuetype type;
  void *data = NULL;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_external || napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  return data;
}

static napi_status typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return napi_invalid_arg;
  napi_status status = napi_get_typedarray_info(env, v, &type, length, data, &buffer, &offset);
  if (status != napi_ok) return status;
  return type == want ? napi_ok : napi_invalid_arg;
}

/*
 * scanLines(bytes, pos, state, lines, read, tstart, tend, thash, twide, nums): reads the lines of
 * `bytes` from `pos` (a line start), at most as many as `read` has room for, and returns how many
 * it split. state[0] is set to where the next line starts.
 */
static napi_value scan_lines(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || (argc != 10 && argc != 12)) {
    napi_throw_type_error(env, NULL, "scanLines takes 10 arguments, or 12 with a table");
    return NULL;
  }
  /* With a table, each text not above ASCII is looked up (added when new) and its id given in
     place of its hash; the new ids' texts are listed in `fresh` (start, end), state[1] their count. */
  Table *table = NULL;
  int32_t *fresh = NULL;
  size_t n_fresh = 0;
  if (argc == 12 && ((table = table_of(env, argv[10])) == NULL || typed(env, argv[11], napi_int32_array, (void **)&fresh, &n_fresh) != napi_ok)) {
    napi_throw_type_error(env, NULL, "scanLines: bad table");
    return NULL;
  }
  uint8_t *bytes;
  size_t length, n_state, n_lines, n_read, n_ts, n_te, n_th, n_tw, n_nums;
  int32_t *state;
  double pos_d;
  Out o;
  if (typed(env, argv[0], napi_uint8_array, (void **)&bytes, &length) != napi_ok || napi_get_value_double(env, argv[1], &pos_d) != napi_ok ||
      typed(env, argv[2], napi_int32_array, (void **)&state, &n_state) != napi_ok ||
      typed(env, argv[3], napi_int32_array, (void **)&o.lines, &n_lines) != napi_ok ||
      typed(env, argv[4], napi_uint8_array, (void **)&o.read, &n_read) != napi_ok ||
      typed(env, argv[5], napi_int32_array, (void **)&o.tstart, &n_ts) != napi_ok ||
      typed(env, argv[6], napi_int32_array, (void **)&o.tend, &n_te) != napi_ok ||
      typed(env, argv[7], napi_int32_array, (void **)&o.thash, &n_th) != napi_ok ||
      typed(env, argv[8], napi_uint8_array, (void **)&o.twide, &n_tw) != napi_ok ||
      typed(env, argv[9], napi_float64_array, (void **)&o.nums, &n_nums) != napi_ok) {
    napi_throw_type_error(env, NULL, "scanLines: bad arguments");
    return NULL;
  }
  size_t room = n_read;
  if ((table && (n_state < 2 || n_fresh < 2 * NCOLS * room)) || n_state < 1 || n_lines < 2 * room || n_ts < NCOLS * room || n_te < NCOLS * room || n_th < NCOLS * room || n_tw < NCOLS * room ||
      n_nums < NNUMS * room || length > INT32_MAX || !(pos_d >= 0 && pos_d <= (double)length)) {
    napi_throw_range_error(env, NULL, "scanLines: arrays too small or position out of range");
    return NULL;
  }
  int32_t len = (int32_t)length;
  int32_t pos = (int32_t)pos_d;
  size_t count = 0, fresh_count = 0;
  Guesses guesses;
  memset(guesses.slot, -1, sizeof guesses.slot);
  while (count < room && pos < len) {
    const uint8_t *nl = memchr(bytes + pos, 10, (size_t)(len - pos));
    int32_t end = nl == NULL ? len : (int32_t)(nl - bytes);
    int32_t next = nl == NULL ? len : end + 1;
    if (end > pos && bytes[end - 1] == 13) end--;
    int32_t start = pos;
    if (end - start >= 3 && bytes[start] == 0xef && bytes[start + 1] == 0xbb && bytes[start + 2] == 0xbf) start += 3;
    o.lines[2 * count] = start;
    o.lines[2 * count + 1] = end;
    o.read[count] = (uint8_t)read_line(bytes, start, end, &o, count, &guesses);
    if (o.read[count] && table) {
      /* Not the detail and the message, which only some types take (JavaScript looks them up then). */
      for (size_t at = count * NCOLS, c = 0; c < NCOLS; c++) {
        if (c == C_DETAIL || c == C_MESSAGE || o.tstart[at + c] == -1 || (o.twide[at + c] & WIDE_TEXT)) continue;
        int added = 0;
        uint32_t id = table_intern(table, bytes + o.tstart[at + c], (uint32_t)(o.tend[at + c] - o.tstart[at + c]), (uint32_t)o.thash[at + c], &added);
        if (id == 0) {
          napi_throw_error(env, NULL, "scanLines: out of memory");
          return NULL;
        }
        if (added) {
          fresh[2 * fresh_count] = o.tstart[at + c];
          fresh[2 * fresh_count + 1] = o.tend[at + c];
          fresh_count++;
        }
        o.thash[at + c] = (int32_t)id;
      }
    }
    count++;
    pos = next;
  }
  state[0] = pos;
  if (table) state[1] = (int32_t)fresh_count;
  napi_value result;
  napi_create_uint32(env, (uint32_t)count, &result);
  return result;
}

/* A type's role, as EventBatch's writer tells it by the type's id (`roles`): 0 not known yet. */
enum { ROLE_UNKNOWN, ROLE_PLAIN, ROLE_OTHER, ROLE_CALL_ERROR, ROLE_ERROR };
/* EventBatch's rows: twelve string ids an event (the columns before the message), five amounts. */
#define ROW_TEXTS 12
#define ROW_AMOUNTS 5

/*
 * emitRows(bytes, read, tstart, tend, thash, twide, nums, from, count, line, roles, strings, lines,
 * times, amountRow, amounts, counts, table, fresh): writes the events of block lines `from`,
 * `from + 1`, … (scanned with `table`) into EventBatch's rows, as its writer's `pushNative` does,
 * and returns the block line it stopped at: `count`, or a line JavaScript must take (not read
 * here, a text above ASCII or with escapes, a type whose role is not known yet, an error without a
 * text, or rows full). counts holds the writer's event count and amount rows (updated), and
 * counts[2] is set to the number of texts added to the table (their places in `fresh`). Line
 * `from` is numbered `line`.
 */
static napi_value emit_rows(napi_env env, napi_callback_info info) {
  size_t argc = 19;
  napi_value argv[19];
  Table *table;
  uint8_t *bytes, *read, *twide, *roles;
  int32_t *tstart, *tend, *thash, *strings, *lines, *amount_row, *counts, *fresh;
  double *nums, *times, *amounts;
  size_t n_bytes, n_read, n_ts, n_te, n_th, n_tw, n_nums, n_roles, n_strings, n_lines, n_times, n_ar, n_amounts, n_counts, n_fresh;
  double from_d, count_d, line_d;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 19 ||
      typed(env, argv[0], napi_uint8_array, (void **)&bytes, &n_bytes) != napi_ok ||
      typed(env, argv[1], napi_uint8_array, (void **)&read, &n_read) != napi_ok ||
      typed(env, argv[2], napi_int32_array, (void **)&tstart, &n_ts) != napi_ok ||
      typed(env, argv[3], napi_int32_array, (void **)&tend, &n_te) != napi_ok ||
      typed(env, argv[4], napi_int32_array, (void **)&thash, &n_th) != napi_ok ||
      typed(env, argv[5], napi_uint8_array, (void **)&twide, &n_tw) != napi_ok ||
      typed(env, argv[6], napi_float64_array, (void **)&nums, &n_nums) != napi_ok ||
      napi_get_value_double(env, argv[7], &from_d) != napi_ok || napi_get_value_double(env, argv[8], &count_d) != napi_ok ||
      napi_get_value_double(env, argv[9], &line_d) != napi_ok ||
      typed(env, argv[10], napi_uint8_array, (void **)&roles, &n_roles) != napi_ok ||
      typed(env, argv[11], napi_int32_array, (void **)&strings, &n_strings) != napi_ok ||
      typed(env, argv[12], napi_int32_array, (void **)&lines, &n_lines) != napi_ok ||
      typed(env, argv[13], napi_float64_array, (void **)&times, &n_times) != napi_ok ||
      typed(env, argv[14], napi_int32_array, (void **)&amount_row, &n_ar) != napi_ok ||
      typed(env, argv[15], napi_float64_array, (void **)&amounts, &n_amounts) != napi_ok ||
      typed(env, argv[16], napi_int32_array, (void **)&counts, &n_counts) != napi_ok || (table = table_of(env, argv[17])) == NULL ||
      typed(env, argv[18], napi_int32_array, (void **)&fresh, &n_fresh) != napi_ok) {
    napi_throw_type_error(env, NULL, "emitRows: bad arguments");
    return NULL;
  }
  size_t room = n_read;
  if (!(from_d >= 0 && count_d >= from_d && count_d <= (double)room && line_d >= 0 && line_d <= INT32_MAX) || n_ts < NCOLS * room || n_te < NCOLS * room ||
      n_th < NCOLS * room || n_tw < NCOLS * room || n_nums < NNUMS * room || n_counts < 3 || n_fresh < 2 * room || n_bytes > INT32_MAX ||
      counts[0] < 0 || counts[1] < 0) {
    napi_throw_range_error(env, NULL, "emitRows: arrays too small or lines out of range");
    return NULL;
  }
  size_t from = (size_t)from_d, count = (size_t)count_d;
  /* The writer's room, in events and amount rows. */
  size_t cap = n_lines;
  if (n_strings / ROW_TEXTS < cap) cap = n_strings / ROW_TEXTS;
  if (n_times < cap) cap = n_times;
  if (n_ar < cap) cap = n_ar;
  size_t cap_rows = n_amounts / ROW_AMOUNTS;
  size_t i = (size_t)counts[0], rows = (size_t)counts[1], added_count = 0;
  int32_t line = (int32_t)line_d;
  size_t r = from;
  for (; r < count; r++) {
    if (!read[r] || i >= cap) break;
    size_t at = r * NCOLS;
    uint32_t type = (uint32_t)thash[at];
    if (tstart[at] == -1 || (twide[at] & WIDE_TEXT) || type >= n_roles || roles[type] == ROLE_UNKNOWN) break;
    int role = roles[type];
    int plain = 1;
    for (int c = 0; c < C_DETAIL; c++)
      if (tstart[at + c] != -1 && (twide[at + c] & WIDE_TEXT)) plain = 0;
    if (!plain) break;
    /* The text an error takes when it has no `error`, and an unusual type's detail. */
    int extra = -1;
    if (tstart[at + C_ERROR] == -1 && (role == ROLE_CALL_ERROR || role == ROLE_ERROR)) {
      if (tstart[at + C_MESSAGE] != -1) extra = C_MESSAGE;
      else if (role == ROLE_ERROR) break; /* the word `error`: JavaScript's */
    }
    if (role == ROLE_OTHER && tstart[at + C_DETAIL] != -1) extra = C_DETAIL;
    if (extra != -1 && (twide[at + extra] & WIDE_TEXT)) break;
    const double *n = nums + r * NNUMS;
    int none = isnan(n[N_INPUT]) && isnan(n[N_OUTPUT]) && isnan(n[N_TOTAL]) && isnan(n[N_DURATION]) && isnan(n[N_COST]);
    if (!none && rows >= cap_rows) break;
    int32_t extra_id = 0;
    if (extra != -1) {
      /* The text's bytes are in `bytes` when they are the bytes the block was scanned from. */
      if (tstart[at + extra] < 0 || tend[at + extra] < tstart[at + extra] || (size_t)tend[at + extra] > n_bytes) {
        napi_throw_range_error(env, NULL, "emitRows: a text outside the bytes (not the bytes the block was scanned from)");
        return NULL;
      }
      int added = 0;
      uint32_t id = table_intern(table, bytes + tstart[at + extra], (uint32_t)(tend[at + extra] - tstart[at + extra]), (uint32_t)thash[at + extra], &added);
      if (id == 0) {
        napi_throw_error(env, NULL, "emitRows: out of memory");
        return NULL;
      }
      if (added) {
        fresh[2 * added_count] = tstart[at + extra];
        fresh[2 * added_count + 1] = tend[at + extra];
        added_count++;
      }
      extra_id = (int32_t)id;
    }
    int32_t *row = strings + i * ROW_TEXTS;
    for (int c = 0; c < C_DETAIL; c++) row[c] = tstart[at + c] == -1 ? 0 : thash[at + c];
    if (extra == C_MESSAGE) row[C_ERROR] = extra_id;
    row[C_DETAIL] = extra == C_DETAIL ? extra_id : 0;
    lines[i] = line + (int32_t)(r - from);
    times[i] = n[N_TIME];
    if (none) {
      amount_row[i] = -1;
    } else {
      double *a = amounts + rows * ROW_AMOUNTS;
      a[0] = n[N_INPUT];
      a[1] = n[N_OUTPUT];
      a[2] = n[N_TOTAL];
      a[3] = n[N_DURATION];
      a[4] = n[N_COST];
      amount_row[i] = (int32_t)rows++;
    }
    i++;
  }
  counts[0] = (int32_t)i;
  counts[1] = (int32_t)rows;
  counts[2] = (int32_t)added_count;
  napi_value result;
  napi_create_uint32(env, (uint32_t)r, &result);
  return result;
}

/*
 * renumber(strings, n, tableLength, newIds, columns): EventBatch's new numbering of a batch's
 * strings (event-batch.ts, `renumbered`): the ids of the columns with fewest distinct values
 * first, a column at a time while they fit in ids 1 to 255, then the others in their order.
 * Fills newIds (old id → new, 0 stays 0) and columns (each column's place in the narrow rows, 64
 * + its place in the wide rows, or -1 when it holds no id); returns the narrow rows' stride + 256
 * × the wide rows'. The same numbering as the JavaScript (tests hold them equal).
 */
#define WIDE_PLACE 64
static napi_value renumber_js(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t *strings, *new_ids;
  int8_t *columns;
  size_t n_strings, n_new, n_columns;
  double n_d, len_d;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5 ||
      typed(env, argv[0], napi_int32_array, (void **)&strings, &n_strings) != napi_ok || napi_get_value_double(env, argv[1], &n_d) != napi_ok ||
      napi_get_value_double(env, argv[2], &len_d) != napi_ok || typed(env, argv[3], napi_int32_array, (void **)&new_ids, &n_new) != napi_ok ||
      typed(env, argv[4], napi_int8_array, (void **)&columns, &n_columns) != napi_ok) {
    napi_throw_type_error(env, NULL, "renumber(strings, n, tableLength, newIds, columns)");
    return NULL;
  }
  if (!(n_d >= 0 && n_d * ROW_TEXTS <= (double)n_strings && len_d >= 0 && len_d + 1 <= (double)n_new && n_columns >= ROW_TEXTS)) {
    napi_throw_range_error(env, NULL, "renumber: arrays too small");
    return NULL;
  }
  size_t n = (size_t)n_d, len = (size_t)len_d;
  uint16_t *in_columns = calloc(len + 1, sizeof *in_columns);
  if (!in_columns) {
    napi_throw_error(env, NULL, "renumber: out of memory");
    return NULL;
  }
  int32_t distinct[ROW_TEXTS] = {0};
  for (size_t i = 0; i < n * ROW_TEXTS; i += ROW_TEXTS) {
    for (int k = 0; k < ROW_TEXTS; k++) {
      uint32_t id = (uint32_t)strings[i + k];
      if (id == 0) continue;
      if (id > len) {
        free(in_columns);
        napi_throw_range_error(env, NULL, "renumber: an id past the table");
        return NULL;
      }
      if (!(in_columns[id] & (1u << k))) {
        in_columns[id] |= (uint16_t)(1u << k);
        distinct[k]++;
      }
    }
  }
  /* The columns with ids, fewest distinct first (by column for the same count). */
  int order[ROW_TEXTS], m = 0;
  for (int k = 0; k < ROW_TEXTS; k++) {
    if (distinct[k] == 0) continue;
    int j = m++;
    while (j > 0 && distinct[order[j - 1]] > distinct[k]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = k;
  }
  memset(new_ids, 0, (len + 1) * sizeof *new_ids);
  int32_t next = 1;
  for (int o = 0; o < m; o++) {
    uint16_t bit = (uint16_t)(1u << order[o]);
    int32_t needed = 0;
    for (size_t id = 1; id <= len && next - 1 + needed <= 0xff; id++)
      if ((in_columns[id] & bit) && new_ids[id] == 0) needed++;
    if (next - 1 + needed > 0xff) break;
    for (size_t id = 1; id <= len; id++)
      if ((in_columns[id] & bit) && new_ids[id] == 0) new_ids[id] = next++;
  }
  for (size_t id = 1; id <= len; id++)
    if (new_ids[id] == 0) new_ids[id] = next++;
  int32_t largest[ROW_TEXTS] = {0};
  for (size_t id = 1; id <= len; id++) {
    for (int k = 0, b = in_columns[id]; b != 0; k++, b >>= 1)
      if ((b & 1) && new_ids[id] > largest[k]) largest[k] = new_ids[id];
  }
  free(in_columns);
  int narrow = 0, wide = 0;
  for (int k = 0; k < ROW_TEXTS; k++) columns[k] = largest[k] == 0 ? -1 : largest[k] <= 0xff ? (int8_t)narrow++ : (int8_t)(WIDE_PLACE + wide++);
  napi_value result;
  napi_create_uint32(env, (uint32_t)(narrow + 256 * wide), &result);
  return result;
}

/*
 * fillColumns(strings, n, newIds, columns, narrow, narrowStride, wide, wideStride): the batch's
 * rows of ids as `renumber` laid them out (event-batch.ts, `fillNarrow` and `fillWide`): wide
 * is a Uint16Array or an Int32Array.
 */
static napi_value fill_columns(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  int32_t *strings, *new_ids;
  int8_t *columns;
  uint8_t *narrow;
  void *wide;
  size_t n_strings, n_new, n_columns, n_narrow, n_wide;
  double n_d, ns_d, ws_d;
  napi_typedarray_type wide_type;
  napi_value wide_buffer;
  size_t wide_offset;
  bool is_typed = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 8 ||
      typed(env, argv[0], napi_int32_array, (void **)&strings, &n_strings) != napi_ok || napi_get_value_double(env, argv[1], &n_d) != napi_ok ||
      typed(env, argv[2], napi_int32_array, (void **)&new_ids, &n_new) != napi_ok ||
      typed(env, argv[3], napi_int8_array, (void **)&columns, &n_columns) != napi_ok ||
      typed(env, argv[4], napi_uint8_array, (void **)&narrow, &n_narrow) != napi_ok || napi_get_value_double(env, argv[5], &ns_d) != napi_ok ||
      napi_is_typedarray(env, argv[6], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[6], &wide_type, &n_wide, &wide, &wide_buffer, &wide_offset) != napi_ok ||
      (wide_type != napi_uint16_array && wide_type != napi_int32_array) || napi_get_value_double(env, argv[7], &ws_d) != napi_ok) {
    napi_throw_type_error(env, NULL, "fillColumns(strings, n, newIds, columns, narrow, narrowStride, wide, wideStride)");
    return NULL;
  }
  if (!(n_d >= 0 && n_d * ROW_TEXTS <= (double)n_strings && ns_d >= 0 && ws_d >= 0 && n_d * ns_d <= (double)n_narrow && n_d * ws_d <= (double)n_wide &&
        n_columns >= ROW_TEXTS)) {
    napi_throw_range_error(env, NULL, "fillColumns: arrays too small");
    return NULL;
  }
  size_t n = (size_t)n_d, ns = (size_t)ns_d, ws = (size_t)ws_d;
  for (int k = 0; k < ROW_TEXTS; k++) {
    int j = columns[k];
    if (j == -1) continue;
    size_t place = j < WIDE_PLACE ? (size_t)j : (size_t)(j - WIDE_PLACE);
    if (j < 0 || (j < WIDE_PLACE ? place >= ns : place >= ws)) {
      napi_throw_range_error(env, NULL, "fillColumns: a column's place past its rows");
      return NULL;
    }
    for (size_t i = 0; i < n; i++) {
      uint32_t id = (uint32_t)strings[i * ROW_TEXTS + k];
      if (id >= n_new) {
        napi_throw_range_error(env, NULL, "fillColumns: an id past the table");
        return NULL;
      }
      int32_t v = new_ids[id];
      if (j < WIDE_PLACE) narrow[i * ns + place] = (uint8_t)v;
      else if (wide_type == napi_uint16_array) ((uint16_t *)wide)[i * ws + place] = (uint16_t)v;
      else ((int32_t *)wide)[i * ws + place] = v;
    }
  }
  return NULL;
}

/* JavaScript's Math.round: the nearest integer, halves up (toward +Infinity). */
static double js_math_round(double x) {
  double r = floor(x);
  return x - r >= 0.5 ? r + 1 : r;
}

/* The int standing for NaN in a column of ints (number-column.ts, NONE). */
#define NONE_INT INT32_MIN
/* The most decimals a column of ints takes (number-column.ts, MAX_DECIMALS). */
#define MAX_DECIMALS 9

/* The int for which base + int / divisor is exactly v (as number-column.ts's exactInt), or 0 with *ok = 0. */
static int32_t exact_int(double v, double base, double divisor, int *ok) {
  double d = js_math_round((v - base) * divisor);
  if (!(d > (double)NONE_INT && d <= (double)INT32_MAX)) {
    *ok = 0;
    return 0;
  }
  double back = base + d / divisor;
  /* Object.is: the same bits (-0 is not 0; v is never NaN here). */
  *ok = memcmp(&back, &v, sizeof v) == 0;
  return (int32_t)d;
}

/*
 * intColumn(values, n, stride, offset, base, ints): values[offset + i × stride] for i < n written
 * as base + int / 10^k into ints, with the fewest decimals k every value needs (number-column.ts,
 * `writeInts`); returns 10^k, or 0 when some value needs more than 9 decimals or more than 32
 * bits. NaN is written as NONE.
 */
static napi_value int_column(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  double *values, n_d, stride_d, offset_d, base;
  int32_t *ints;
  size_t n_values, n_ints;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6 ||
      typed(env, argv[0], napi_float64_array, (void **)&values, &n_values) != napi_ok || napi_get_value_double(env, argv[1], &n_d) != napi_ok ||
      napi_get_value_double(env, argv[2], &stride_d) != napi_ok || napi_get_value_double(env, argv[3], &offset_d) != napi_ok ||
      napi_get_value_double(env, argv[4], &base) != napi_ok || typed(env, argv[5], napi_int32_array, (void **)&ints, &n_ints) != napi_ok) {
    napi_throw_type_error(env, NULL, "intColumn(values, n, stride, offset, base, ints)");
    return NULL;
  }
  if (!(n_d >= 0 && stride_d >= 1 && offset_d >= 0 && offset_d < stride_d && n_d <= (double)n_ints && (n_d == 0 || offset_d + (n_d - 1) * stride_d < (double)n_values))) {
    napi_throw_range_error(env, NULL, "intColumn: arrays too small");
    return NULL;
  }
  size_t n = (size_t)n_d, stride = (size_t)stride_d, offset = (size_t)offset_d;
  int k = 0;
  double divisor = 1;
  napi_value result;
  for (size_t i = 0; i < n; i++) {
    double v = values[offset + i * stride];
    if (isnan(v)) {
      ints[i] = NONE_INT;
      continue;
    }
    int ok;
    int32_t x = exact_int(v, base, divisor, &ok);
    if (ok) {
      ints[i] = x;
      continue;
    }
    /* More decimals, and the values before written again with them. */
    do {
      if (++k > MAX_DECIMALS) {
        napi_create_double(env, 0, &result);
        return result;
      }
      divisor = POW10[k];
      exact_int(v, base, divisor, &ok);
    } while (!ok);
    i = (size_t)-1;
  }
  napi_create_double(env, divisor, &result);
  return result;
}

/* tableIntern(table, bytes): the id of the UTF-8 bytes, added when new. */
static napi_value table_intern_js(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  Table *t;
  uint8_t *b;
  size_t n;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 || (t = table_of(env, argv[0])) == NULL ||
      typed(env, argv[1], napi_uint8_array, (void **)&b, &n) != napi_ok || n > UINT32_MAX) {
    napi_throw_type_error(env, NULL, "tableIntern(table, bytes)");
    return NULL;
  }
  int added = 0;
  uint32_t id = table_intern(t, b, (uint32_t)n, hash31(b, (int32_t)n), &added);
  if (id == 0) {
    napi_throw_error(env, NULL, "tableIntern: out of memory");
    return NULL;
  }
  napi_value result;
  napi_create_uint32(env, id, &result);
  return result;
}

/* tableReset(table): empty, for the next batch (keeping its room). */
static napi_value table_reset_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Table *t;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || (t = table_of(env, argv[0])) == NULL) {
    napi_throw_type_error(env, NULL, "tableReset(table)");
    return NULL;
  }
  table_reset(t);
  return NULL;
}

/*
 * leanMalloc(): fixes glibc's threshold above which malloc maps memory of its own for a block
 * (and unmaps it when freed) at its default, 128 KiB. Left alone, glibc raises it each time such a
 * block is freed, up to 32 MiB, and later blocks of that size then come from the threads' arenas,
 * which keep the memory once freed: the megabyte buffers a build reads and writes with kept about
 * 40 MB of its peak (BENCHMARKS.md, sixteenth round). Returns whether it was set (false elsewhere
 * than glibc).
 */
static napi_value lean_malloc(napi_env env, napi_callback_info info) {
  (void)info;
  int done = 0;
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
  done = mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1;
#endif
  napi_value out;
  if (napi_get_boolean(env, done != 0, &out) != napi_ok) return NULL;
  return out;
}

/* native/folder-check.c */
int export_folder_check(napi_env env, napi_value exports);

static int export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok && napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
  pthread_once(&table_once, init_table);
  if (!export_fn(env, exports, "scanLines", scan_lines) || !export_fn(env, exports, "newTable", new_table) ||
      !export_fn(env, exports, "tableIntern", table_intern_js) || !export_fn(env, exports, "tableReset", table_reset_js) || !export_fn(env, exports, "emitRows", emit_rows) ||
      !export_fn(env, exports, "renumber", renumber_js) || !export_fn(env, exports, "fillColumns", fill_columns) ||
      !export_fn(env, exports, "intColumn", int_column) ||
      !export_fn(env, exports, "leanMalloc", lean_malloc) || !export_folder_check(env, exports))
    return NULL;
  return exports;
}
