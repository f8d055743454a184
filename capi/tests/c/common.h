/*
 * common.h: what the C test programs of tests/c/ share (example.c stays self-contained: the
 * README shows it verbatim).
 *
 *  - the check counters and macros: CHECK(cond, fmt, ...) counts a pass or prints
 *    "FAIL file:line: message (last error N)" to stderr and counts a failure;
 *    CHECK_THAT(cond) is CHECK with the condition's text as the message;
 *    CHECK_FAILS_WITH(call, code) checks that a BOOL call answers FALSE with that last
 *    error; report() prints "N passed, M failed" and gives the exit status;
 *  - mode_and_port(argc, argv, modes, &port): the "MODE PORT" arguments of the
 *    server-backed programs (prints the usage and answers 0 when they are not that);
 *  - sleep_ms, the test servers' byte pattern (i % 251), wide-string helpers;
 *  - handle_info: the HINTERNET payload of HANDLE_CREATED / HANDLE_CLOSING callbacks;
 *  - the host hooks a test installs: hooks_template() (version and size filled, every hook
 *    NULL), a last-error pair that keeps the code in a thread-local of "the host", and a
 *    create_thread hook that starts detached pthreads marked on_host_thread.
 *
 * Include it first (it sets _POSIX_C_SOURCE for nanosleep and pthreads). Everything is
 * static: each program gets its own counters. Functions are static inline so a program that
 * does not use one compiles without an unused-function warning (-Werror).
 */
#ifndef HINTERNET_TESTS_C_COMMON_H
#define HINTERNET_TESTS_C_COMMON_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hinternet.h"
#include "hinternet_win32.h"

/* ---- checks ---- */

static int passed, failed;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (cond) {                                                            \
            passed++;                                                          \
        } else {                                                               \
            failed++;                                                          \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);               \
            fprintf(stderr, __VA_ARGS__);                                      \
            fprintf(stderr, " (last error %u)\n", hinternet_get_last_error()); \
        }                                                                      \
    } while (0)

#define CHECK_THAT(cond) CHECK(cond, "%s", #cond)

#define CHECK_FAILS_WITH(call, code)                                                  \
    do {                                                                              \
        BOOL ok_ = (call);                                                            \
        DWORD e_ = hinternet_get_last_error();                                        \
        CHECK(!ok_ && e_ == (DWORD)(code), "%s: ret %d, error %u, want FALSE/%u", #call, \
              (int)ok_, (unsigned)e_, (unsigned)(code));                              \
    } while (0)

/* Prints the totals; the exit status: 1 when a check failed. */
static inline int report(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

/* ---- arguments, time, data ---- */

/* Checks the arguments "MODE PORT" (PORT a decimal 1..65535) and stores the port; prints the
 * usage with the `modes` text ("a|b|c") and answers 0 when they are not that. */
static inline int mode_and_port(int argc, char **argv, const char *modes, INTERNET_PORT *port) {
    unsigned long value = 0;
    char *end = NULL;
    if (argc == 3) value = strtoul(argv[2], &end, 10);
    if (argc != 3 || end == argv[2] || *end != '\0' || value == 0 || value > 65535) {
        fprintf(stderr, "usage: %s %s PORT\n", argc > 0 ? argv[0] : "program", modes);
        return 0;
    }
    *port = (INTERNET_PORT)value;
    return 1;
}

static inline void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The loopback server's /bytes body: byte i is i % 251. */
static inline int pattern_ok(const unsigned char *body, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (body[i] != (unsigned char)(i % 251)) return 0;
    return 1;
}

/* ---- wide strings ---- */

static inline size_t wlen(const WCHAR *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* True when the NUL-terminated `a` holds the ASCII text `b` (false for a NULL `a`). */
static inline int wide_is(const WCHAR *a, const char *b) {
    if (a == NULL) return 0;
    size_t i = 0;
    for (; b[i]; i++)
        if (a[i] != (WCHAR)(unsigned char)b[i]) return 0;
    return a[i] == 0;
}

/* ---- status callbacks ---- */

/* The HINTERNET a HANDLE_CREATED or HANDLE_CLOSING notification carries (both APIs pass a
 * pointer to it with its size), or NULL when the payload is not that. */
static inline HINTERNET handle_info(LPVOID info, DWORD info_len) {
    if (info == NULL || info_len != sizeof(HINTERNET)) return NULL;
    return *(HINTERNET *)info;
}

/* ---- host hooks ---- */

/* A hooks structure of this header's version: every hook NULL until the test sets it. */
static inline struct hinternet_host_hooks hooks_template(void) {
    struct hinternet_host_hooks hooks;
    memset(&hooks, 0, sizeof hooks);
    hooks.version = HINTERNET_HOST_HOOKS_VERSION;
    hooks.size = sizeof hooks;
    return hooks;
}

/* The last error "the host" keeps (set_last_error / get_last_error hooks), and how often the
 * library set it. */
static _Thread_local DWORD host_error;
static atomic_int host_error_sets;

static inline void HINTERNET_CALLBACK host_set_last_error(uint32_t code) {
    host_error = code;
    atomic_fetch_add(&host_error_sets, 1);
}

static inline uint32_t HINTERNET_CALLBACK host_get_last_error(void) { return host_error; }

/* Threads "the host" created (create_thread hook) mark themselves; host_threads counts them. */
static _Thread_local int on_host_thread;
static atomic_int host_threads;

struct host_start {
    hinternet_thread_start_routine start;
    void *parameter;
};

static inline void *host_thread_main(void *arg) {
    struct host_start s = *(struct host_start *)arg;
    free(arg);
    on_host_thread = 1;
    s.start(s.parameter);
    return NULL;
}

static inline int32_t HINTERNET_CALLBACK host_create_thread(hinternet_thread_start_routine start,
                                                            void *parameter) {
    struct host_start *s = malloc(sizeof *s);
    if (s == NULL) return 0;
    s->start = start;
    s->parameter = parameter;
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&thread, &attr, host_thread_main, s);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        free(s);
        return 0;
    }
    atomic_fetch_add(&host_threads, 1);
    return 1;
}

#endif
