/*
 * The swap's check of a folder it carries over from the earlier site (src/site/write/carry-over.ts,
 * `carryable`), compiled: at 1M spans the folder holds 72k run pages, and the check in JavaScript
 * (a `readdir` of them as objects, and sets of their paths) took 0.15-0.2 s at the end of a
 * rebuild, 1 s at 5M spans. It must give exactly what the JavaScript gives; tests hold the two
 * equal.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A name of the folder the manifest lists, and what was found of it. */
enum { LISTED = 1, SEEN = 2, CARRIED = 3 };
typedef struct {
  uint64_t hash;
  const uint8_t *name;
  uint32_t length;
  uint8_t state;
} Slot;

typedef struct {
  Slot *slots;
  size_t mask;
} Names;

static uint64_t fnv1a(const uint8_t *p, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/* The slot of `name` (of hash `h`): its own, or the empty one where it would go. */
static Slot *slot_of(Names *t, const uint8_t *name, size_t n, uint64_t h) {
  size_t i = (size_t)h & t->mask;
  for (;;) {
    Slot *s = &t->slots[i];
    if (s->state == 0 || (s->hash == h && s->length == n && memcmp(s->name, name, n) == 0)) return s;
    i = (i + 1) & t->mask;
  }
}

/*
 * The next path of `paths` (each ended by \0) from `*at`: 1 with `name` and `length` set when it
 * is `prefix` + a name with no '/', 0 when it is another path, -1 at the end.
 */
static int next_name(const uint8_t *paths, size_t size, size_t *at, const uint8_t *prefix, size_t plen, const uint8_t **name, size_t *length) {
  if (*at >= size) return -1;
  const uint8_t *p = paths + *at;
  const uint8_t *end = memchr(p, 0, size - *at);
  if (end == NULL) return -1;
  size_t n = (size_t)(end - p);
  *at += n + 1;
  if (n <= plen || memcmp(p, prefix, plen) != 0 || memchr(p + plen, '/', n - plen) != NULL) return 0;
  *name = p + plen;
  *length = n - plen;
  return 1;
}

/*
 * The check, on bytes: 1 and the names of the entries not carried in `out` (each ended by \0,
 * malloc'd) when the folder `dir` holds only regular files (not links) whose paths `prefix` +
 * name are in `listed`, and each path of `carried` is `prefix` + one of those names; 0 when it
 * does not; -1 when out of memory.
 */
static int check(const char *dir, const uint8_t *prefix, size_t plen, const uint8_t *listed, size_t lsize, const uint8_t *carried,
                 size_t csize, uint8_t **out, size_t *out_size) {
  const uint8_t *name;
  size_t length, at, count = 0;
  int r;
  for (at = 0; (r = next_name(listed, lsize, &at, prefix, plen, &name, &length)) >= 0;) count += (size_t)r;
  size_t cap = 16;
  while (cap < count * 2) cap *= 2;
  Names t = { calloc(cap, sizeof(Slot)), cap - 1 };
  if (t.slots == NULL) return -1;
  for (at = 0; (r = next_name(listed, lsize, &at, prefix, plen, &name, &length)) >= 0;) {
    if (r == 0) continue;
    uint64_t h = fnv1a(name, length);
    Slot *s = slot_of(&t, name, length, h);
    s->hash = h;
    s->name = name;
    s->length = (uint32_t)length;
    s->state = LISTED;
  }
  int ok = 0;
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  if (d == NULL) {
    if (fd >= 0) close(fd);
    free(t.slots);
    return 0;
  }
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (e == NULL) {
      ok = errno == 0;
      break;
    }
    const char *n = e->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    int regular = e->d_type == DT_REG;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st;
      regular = fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
    }
    if (!regular) break;
    size_t nl = strlen(n);
    Slot *s = slot_of(&t, (const uint8_t *)n, nl, fnv1a((const uint8_t *)n, nl));
    if (s->state != LISTED) break;
    s->state = SEEN;
  }
  closedir(d);
  /* Every carried path must be one of the folder's entries, once. */
  for (at = 0; ok && (r = next_name(carried, csize, &at, prefix, plen, &name, &length)) >= 0;) {
    Slot *s = r == 1 ? slot_of(&t, name, length, fnv1a(name, length)) : NULL;
    if (s != NULL && s->state == SEEN) s->state = CARRIED;
    else ok = 0;
  }
  if (ok) {
    size_t bytes = 0;
    for (size_t i = 0; i <= t.mask; i++)
      if (t.slots[i].state == SEEN) bytes += t.slots[i].length + 1;
    uint8_t *o = malloc(bytes + 1);
    if (o == NULL) {
      free(t.slots);
      return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i <= t.mask; i++) {
      Slot *s = &t.slots[i];
      if (s->state != SEEN) continue;
      memcpy(o + n, s->name, s->length);
      n += s->length;
      o[n++] = 0;
    }
    *out = o;
    *out_size = n;
  }
  free(t.slots);
  return ok;
}

static int bytes_of(napi_env env, napi_value v, uint8_t **data, size_t *size) {
  bool is;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is) return 0;
  return napi_get_buffer_info(env, v, (void **)data, size) == napi_ok;
}

/*
 * carryCheck(dir, prefix, listed, carried): `dir` the folder's path, `prefix` its site path and
 * '/' (a Buffer), `listed` and `carried` site paths each ended by \0 (Buffers). A Buffer of the
 * names of its entries not carried (each ended by \0), or null when it may not be carried.
 */
static napi_value carry_check(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  uint8_t *prefix, *listed, *carried;
  size_t plen, lsize, csize, dlen;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4 || napi_get_value_string_utf8(env, argv[0], NULL, 0, &dlen) != napi_ok ||
      !bytes_of(env, argv[1], &prefix, &plen) || !bytes_of(env, argv[2], &listed, &lsize) || !bytes_of(env, argv[3], &carried, &csize)) {
    napi_throw_type_error(env, NULL, "carryCheck(dir, prefix, listed, carried)");
    return NULL;
  }
  char *dir = malloc(dlen + 1);
  if (dir == NULL) {
    napi_throw_error(env, NULL, "carryCheck: out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, argv[0], dir, dlen + 1, &dlen);
  uint8_t *out = NULL;
  size_t out_size = 0;
  int ok = strlen(dir) == dlen ? check(dir, prefix, plen, listed, lsize, carried, csize, &out, &out_size) : 0;
  free(dir);
  napi_value result;
  if (ok < 0) {
    napi_throw_error(env, NULL, "carryCheck: out of memory");
    return NULL;
  }
  if (ok == 0) {
    napi_get_null(env, &result);
    return result;
  }
  napi_status made = napi_create_buffer_copy(env, out_size, out, NULL, &result);
  free(out);
  if (made != napi_ok) {
    napi_throw_error(env, NULL, "carryCheck: cannot make its buffer");
    return NULL;
  }
  return result;
}

/* Adds the folder check to the module's exports (flat-scan.c's NAPI_MODULE_INIT). */
int export_folder_check(napi_env env, napi_value exports) {
  napi_value fn;
  return napi_create_function(env, "carryCheck", NAPI_AUTO_LENGTH, carry_check, NULL, &fn) == napi_ok && napi_set_named_property(env, exports, "carryCheck", fn) == napi_ok;
}
