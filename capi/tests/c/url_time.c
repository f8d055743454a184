/*
 * The handle-free WinHTTP/WinINet exports of libhinternet, called from C exactly as a
 * Windows program would: URL crack/create round trips, short buffers with the exact last
 * error and required sizes, NULL out pointers, the time functions, and the host-hook API.
 *
 * Usage: url_time plain   (no hooks; checks that hooks are refused after the first export)
 *        url_time hooks   (installs set/get_last_error hooks first; every error goes
 *                          through them)
 * Exit status 0 when every check passed.
 */
#include <stdio.h>
#include <string.h>
#include <stddef.h>

#include "hinternet.h"
#include "hinternet_win32.h"

static int failures;
static int checks;

#define CHECK(cond)                                                              \
    do {                                                                         \
        checks++;                                                                \
        if (!(cond)) {                                                           \
            failures++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

#define CHECK_FAILS_WITH(call, code)                                             \
    do {                                                                         \
        BOOL ok_ = (call);                                                       \
        DWORD err_ = hinternet_get_last_error();                                 \
        checks++;                                                                \
        if (ok_ || err_ != (DWORD)(code)) {                                      \
            failures++;                                                          \
            fprintf(stderr, "%s:%d: %s: got %d/%u, want FALSE/%u\n", __FILE__,   \
                    __LINE__, #call, (int)ok_, (unsigned)err_, (unsigned)(code)); \
        }                                                                        \
    } while (0)

/* The layouts of 64-bit Windows. */
_Static_assert(sizeof(URL_COMPONENTS) == 104, "URL_COMPONENTS");
_Static_assert(sizeof(URL_COMPONENTSA) == 104, "URL_COMPONENTSA");
_Static_assert(offsetof(URL_COMPONENTSW, nPort) == 36, "nPort");
_Static_assert(offsetof(URL_COMPONENTSW, dwExtraInfoLength) == 96, "dwExtraInfoLength");
_Static_assert(sizeof(SYSTEMTIME) == 16, "SYSTEMTIME");
_Static_assert(sizeof(WINHTTP_ASYNC_RESULT) == 16, "WINHTTP_ASYNC_RESULT");
_Static_assert(offsetof(WINHTTP_ASYNC_RESULT, dwError) == 8, "dwError");
_Static_assert(sizeof(INTERNET_ASYNC_RESULT) == 16, "INTERNET_ASYNC_RESULT");
_Static_assert(sizeof(WINHTTP_PROXY_INFO) == 24, "WINHTTP_PROXY_INFO");
_Static_assert(sizeof(WINHTTP_WEB_SOCKET_ASYNC_RESULT) == 24, "WS async result");
_Static_assert(offsetof(WINHTTP_WEB_SOCKET_ASYNC_RESULT, Operation) == 16, "Operation");
_Static_assert(sizeof(WINHTTP_WEB_SOCKET_STATUS) == 8, "WS status");
_Static_assert(sizeof(INTERNET_BUFFERSW) == 56, "INTERNET_BUFFERSW");
_Static_assert(sizeof(INTERNET_BUFFERSA) == 56, "INTERNET_BUFFERSA");
_Static_assert(offsetof(INTERNET_BUFFERSW, dwOffsetHigh) == 52, "dwOffsetHigh");
_Static_assert(sizeof(WIN32_FIND_DATAW) == 592, "WIN32_FIND_DATAW");
_Static_assert(sizeof(WIN32_FIND_DATAA) == 320, "WIN32_FIND_DATAA");
_Static_assert(offsetof(WIN32_FIND_DATAW, cAlternateFileName) == 564, "cAlternateFileName");
_Static_assert(sizeof(GOPHER_FIND_DATAW) == 1588, "GOPHER_FIND_DATAW");
_Static_assert(sizeof(GOPHER_FIND_DATAA) == 808, "GOPHER_FIND_DATAA");
_Static_assert(offsetof(GOPHER_FIND_DATAW, Locator) == 280, "Locator W");
_Static_assert(offsetof(GOPHER_FIND_DATAA, Locator) == 152, "Locator A");

static size_t wlen(const WCHAR *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static int weq(const WCHAR *a, const WCHAR *b) {
    size_t n = wlen(b);
    return wlen(a) == n && memcmp(a, b, n * sizeof(WCHAR)) == 0;
}

static int wneq(const WCHAR *a, size_t len, const WCHAR *b) {
    return wlen(b) == len && memcmp(a, b, len * sizeof(WCHAR)) == 0;
}

/* Host hooks: a thread-local last error owned by "the host". */
static _Thread_local DWORD host_error;
static int host_set_calls;

static void HINTERNET_CALLBACK host_set_last_error(uint32_t code) {
    host_error = code;
    host_set_calls++;
}

static uint32_t HINTERNET_CALLBACK host_get_last_error(void) { return host_error; }

static struct hinternet_host_hooks make_hooks(void) {
    struct hinternet_host_hooks hooks;
    memset(&hooks, 0, sizeof hooks);
    hooks.version = HINTERNET_HOST_HOOKS_VERSION;
    hooks.size = sizeof hooks;
    hooks.set_last_error = host_set_last_error;
    hooks.get_last_error = host_get_last_error;
    return hooks;
}

static void test_hooks_installed_first(void) {
    struct hinternet_host_hooks hooks = make_hooks();
    struct hinternet_host_hooks bad = hooks;

    CHECK_FAILS_WITH(hinternet_set_host_hooks(NULL), ERROR_INVALID_PARAMETER);
    bad.version = 99;
    CHECK_FAILS_WITH(hinternet_set_host_hooks(&bad), ERROR_INVALID_PARAMETER);
    bad = hooks;
    bad.size = 8;
    CHECK_FAILS_WITH(hinternet_set_host_hooks(&bad), ERROR_INVALID_PARAMETER);
    bad = hooks;
    bad.get_last_error = NULL;
    CHECK_FAILS_WITH(hinternet_set_host_hooks(&bad), ERROR_INVALID_PARAMETER);
    CHECK(host_set_calls == 0);

    CHECK(hinternet_set_host_hooks(&hooks) == TRUE);
    /* From now on every error goes through the host's hooks. */
    CHECK(hinternet_set_host_hooks(&hooks) == FALSE);
    CHECK(host_error == ERROR_INVALID_PARAMETER);
    CHECK(host_set_calls == 1);
    host_error = 4242;
    CHECK(hinternet_get_last_error() == 4242);
}

static void test_hooks_refused_after_first_export(void) {
    struct hinternet_host_hooks hooks = make_hooks();
    CHECK(WinHttpCheckPlatform() == TRUE);
    CHECK_FAILS_WITH(hinternet_set_host_hooks(&hooks), ERROR_INVALID_PARAMETER);
    CHECK(host_set_calls == 0);
}

static void test_winhttp_crack(void) {
    const WCHAR *url = u"http://user:pass@www.example.com:8080/path/a?x=1#f";
    URL_COMPONENTS uc;
    WCHAR scheme[1], host[64];

    /* Pointer mode: components point into the URL. */
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.dwSchemeLength = uc.dwHostNameLength = uc.dwUserNameLength = (DWORD)-1;
    uc.dwPasswordLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = (DWORD)-1;
    hinternet_set_last_error(1234);
    CHECK(WinHttpCrackUrl(url, 0, 0, &uc) == TRUE);
    CHECK(hinternet_get_last_error() == ERROR_SUCCESS);
    CHECK(uc.nScheme == WINHTTP_INTERNET_SCHEME_HTTP);
    CHECK(uc.nPort == 8080);
    CHECK(uc.lpszScheme == url && uc.dwSchemeLength == 4);
    CHECK(uc.lpszUserName == url + 7 && uc.dwUserNameLength == 4);
    CHECK(uc.lpszPassword == url + 12 && uc.dwPasswordLength == 4);
    CHECK(uc.lpszHostName == url + 17 && uc.dwHostNameLength == 15);
    CHECK(wneq(uc.lpszUrlPath, uc.dwUrlPathLength, u"/path/a"));
    CHECK(wneq(uc.lpszExtraInfo, uc.dwExtraInfoLength, u"?x=1#f"));

    /* An explicit length: only that much of the URL is cracked. */
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = (DWORD)-1;
    CHECK(WinHttpCrackUrl(url, 38, 0, &uc) == TRUE);
    CHECK(uc.dwHostNameLength == 15 && uc.dwUrlPathLength == 1 && uc.dwExtraInfoLength == 0);

    /* Buffers: a short one fails with 122 and its required size; others are copied. */
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = 1;
    uc.lpszHostName = host;
    uc.dwHostNameLength = 64;
    CHECK_FAILS_WITH(WinHttpCrackUrl(url, 0, 0, &uc), ERROR_INSUFFICIENT_BUFFER);
    CHECK(uc.dwSchemeLength == 5);
    CHECK(uc.dwHostNameLength == 15 && weq(host, u"www.example.com"));
    WCHAR scheme5[5];
    uc.lpszScheme = scheme5;
    uc.dwSchemeLength = 5;
    uc.dwHostNameLength = 64;
    CHECK(WinHttpCrackUrl(url, 0, 0, &uc) == TRUE);
    CHECK(uc.dwSchemeLength == 4 && weq(scheme5, u"http"));

    /* Bad arguments. */
    CHECK_FAILS_WITH(WinHttpCrackUrl(url, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(WinHttpCrackUrl(NULL, 0, 0, &uc), ERROR_INVALID_PARAMETER);
    uc.dwStructSize = 100;
    CHECK_FAILS_WITH(WinHttpCrackUrl(url, 0, 0, &uc), ERROR_INVALID_PARAMETER);
    uc.dwStructSize = sizeof uc;
    uc.lpszScheme = NULL;
    uc.dwSchemeLength = 0;
    uc.lpszHostName = NULL;
    uc.dwHostNameLength = 0;
    CHECK_FAILS_WITH(WinHttpCrackUrl(u"gopher://host/", 0, 0, &uc),
                     ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
    CHECK_FAILS_WITH(WinHttpCrackUrl(u"http:/nohost", 0, 0, &uc), ERROR_WINHTTP_INVALID_URL);
}

static void test_winhttp_create(void) {
    URL_COMPONENTS uc;
    WCHAR out[64];
    DWORD len;

    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.nScheme = WINHTTP_INTERNET_SCHEME_HTTPS;
    uc.lpszHostName = (LPWSTR)u"example.com";
    uc.nPort = INTERNET_DEFAULT_HTTPS_PORT;
    uc.lpszUrlPath = (LPWSTR)u"/a b";

    len = 0;
    CHECK_FAILS_WITH(WinHttpCreateUrl(&uc, 0, NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 24); /* "https://example.com/a b" + NUL, in WCHARs */
    len = 23;
    CHECK_FAILS_WITH(WinHttpCreateUrl(&uc, 0, out, &len), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 24);
    len = 64;
    CHECK(WinHttpCreateUrl(&uc, 0, out, &len) == TRUE);
    CHECK(len == 23 && weq(out, u"https://example.com/a b"));
    CHECK(hinternet_get_last_error() == ERROR_SUCCESS);

    /* Round trip through WinHttpCrackUrl. */
    URL_COMPONENTS back;
    memset(&back, 0, sizeof back);
    back.dwStructSize = sizeof back;
    back.dwHostNameLength = back.dwUrlPathLength = (DWORD)-1;
    CHECK(WinHttpCrackUrl(out, len, 0, &back) == TRUE);
    CHECK(back.nScheme == WINHTTP_INTERNET_SCHEME_HTTPS && back.nPort == 443);
    CHECK(wneq(back.lpszHostName, back.dwHostNameLength, u"example.com"));
    CHECK(wneq(back.lpszUrlPath, back.dwUrlPathLength, u"/a b"));

    CHECK_FAILS_WITH(WinHttpCreateUrl(&uc, 0, out, NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(WinHttpCreateUrl(NULL, 0, out, &len), ERROR_INVALID_PARAMETER);
    uc.dwStructSize = 0;
    CHECK_FAILS_WITH(WinHttpCreateUrl(&uc, 0, out, &len), ERROR_INVALID_PARAMETER);
}

static void test_wininet_crack_and_create(void) {
    const char *ftp = "ftp://host.example/dir/file.txt";
    const char *utf8 = "http://b\xc3\xbc" "cher.example/x?q";
    URL_COMPONENTSA a;
    char host[8];

    memset(&a, 0, sizeof a);
    a.dwStructSize = sizeof a;
    a.dwHostNameLength = a.dwUrlPathLength = 1;
    CHECK(InternetCrackUrlA(ftp, 0, 0, &a) == TRUE);
    CHECK(a.nScheme == INTERNET_SCHEME_FTP && a.nPort == INTERNET_DEFAULT_FTP_PORT);
    CHECK(a.lpszHostName == ftp + 6 && a.dwHostNameLength == 12);
    CHECK(a.lpszUrlPath == ftp + 18 && a.dwUrlPathLength == 13);

    /* Byte offsets and byte lengths in a UTF-8 URL (pointers reset: after a pointer-mode
     * crack they point into the previous URL, which is read-only). */
    memset(&a, 0, sizeof a);
    a.dwStructSize = sizeof a;
    a.dwHostNameLength = a.dwUrlPathLength = a.dwExtraInfoLength = 1;
    CHECK(InternetCrackUrlA(utf8, (DWORD)-1, 0, &a) == TRUE);
    CHECK(a.lpszHostName == utf8 + 7 && a.dwHostNameLength == 15);
    CHECK(a.lpszUrlPath == utf8 + 22 && a.dwUrlPathLength == 2);
    CHECK(a.lpszExtraInfo == utf8 + 24 && a.dwExtraInfoLength == 2);

    /* A buffer sized in bytes: "b\xc3\xbc" "cher.example" needs 16. */
    a.lpszHostName = host;
    a.dwHostNameLength = sizeof host;
    CHECK_FAILS_WITH(InternetCrackUrlA(utf8, 0, 0, &a), ERROR_INSUFFICIENT_BUFFER);
    CHECK(a.dwHostNameLength == 16);
    CHECK_FAILS_WITH(InternetCrackUrlA("no-colon", 0, 0, &a), ERROR_INTERNET_UNRECOGNIZED_SCHEME);

    URL_COMPONENTSW w;
    memset(&w, 0, sizeof w);
    w.dwStructSize = sizeof w;
    w.dwSchemeLength = w.dwHostNameLength = 1;
    CHECK(InternetCrackUrlW(u"about:blank", 0, 0, &w) == TRUE);
    CHECK(w.nScheme == INTERNET_SCHEME_UNKNOWN && w.dwSchemeLength == 5);
    CHECK(w.lpszHostName == NULL && w.dwHostNameLength == 0);
    /* Windows checks dwStructSize in InternetCrackUrlA only. */
    memset(&w, 0, sizeof w);
    w.dwSchemeLength = 1;
    CHECK(InternetCrackUrlW(u"about:blank", 0, 0, &w) == TRUE);
    a.dwStructSize = 0;
    CHECK_FAILS_WITH(InternetCrackUrlA("about:blank", 0, 0, &a), ERROR_INVALID_PARAMETER);

    /* InternetCreateUrlW: the required size comes back in bytes. */
    WCHAR wout[64];
    DWORD len = 0;
    memset(&w, 0, sizeof w);
    w.dwStructSize = sizeof w;
    w.nScheme = INTERNET_SCHEME_HTTP;
    w.lpszHostName = (LPWSTR)u"example.com";
    w.nPort = 80;
    w.lpszUrlPath = (LPWSTR)u"/x";
    CHECK_FAILS_WITH(InternetCreateUrlW(&w, 0, NULL, &len), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 42); /* ("http://example.com/x" + NUL) * sizeof(WCHAR) */
    len = 64;
    CHECK(InternetCreateUrlW(&w, 0, wout, &len) == TRUE);
    CHECK(len == 20 && weq(wout, u"http://example.com/x"));
    CHECK_FAILS_WITH(InternetCreateUrlW(&w, 0, wout, NULL), ERROR_INVALID_PARAMETER);

    /* InternetCreateUrlA: bytes; an explicit component length is honoured. */
    char aout[64];
    URL_COMPONENTSA ca;
    memset(&ca, 0, sizeof ca);
    ca.dwStructSize = sizeof ca;
    ca.lpszScheme = (LPSTR)"gopherXXX";
    ca.dwSchemeLength = 6;
    ca.lpszHostName = (LPSTR)"h\xc3\xa9";
    ca.nPort = 70;
    ca.lpszUrlPath = (LPSTR)"/1";
    len = 5;
    CHECK_FAILS_WITH(InternetCreateUrlA(&ca, 0, aout, &len), ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 18); /* "gopher://h\xc3\xa9:70/1" is 17 bytes */
    CHECK(InternetCreateUrlA(&ca, 0, aout, &len) == TRUE);
    CHECK(len == 17 && strcmp(aout, "gopher://h\xc3\xa9:70/1") == 0);
}

static void test_canonicalize_and_combine(void) {
    char a[64];
    WCHAR w[64];
    DWORD len;

    len = sizeof a;
    CHECK(InternetCanonicalizeUrlA("http://www.example.com/a/../b c", a, &len, 0) == TRUE);
    CHECK(strcmp(a, "http://www.example.com/b%20c") == 0 && len == strlen(a));
    len = 5;
    CHECK_FAILS_WITH(InternetCanonicalizeUrlA("http://www.example.com/a/../b c", a, &len, 0),
                     ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 29);
    CHECK_FAILS_WITH(InternetCanonicalizeUrlA("http://x/", a, NULL, 0), ERROR_INVALID_PARAMETER);
    len = sizeof a;
    CHECK_FAILS_WITH(InternetCanonicalizeUrlA("http://x/", NULL, &len, 0), ERROR_INVALID_PARAMETER);

    len = 64;
    CHECK(InternetCanonicalizeUrlW(u"http://h/./p", w, &len, 0) == TRUE);
    CHECK(weq(w, u"http://h/p") && len == 10);

    len = sizeof a;
    CHECK(InternetCombineUrlA("http://h/a/b", "../c", a, &len, 0) == TRUE);
    CHECK(strcmp(a, "http://h/c") == 0 && len == 10);
    len = 3;
    CHECK_FAILS_WITH(InternetCombineUrlW(u"http://h/a/b", u"c?d", w, &len, 0),
                     ERROR_INSUFFICIENT_BUFFER);
    CHECK(len == 15); /* "http://h/a/c?d" + NUL */
    CHECK(InternetCombineUrlW(u"http://h/a/b", u"c?d", w, &len, 0) == TRUE);
    CHECK(weq(w, u"http://h/a/c?d") && len == 14);
    CHECK_FAILS_WITH(InternetCombineUrlA(NULL, "x", a, &len, 0), ERROR_INVALID_PARAMETER);
}

static void test_time(void) {
    const SYSTEMTIME st = {2005, 1, 5, 7, 12, 6, 35, 0};
    SYSTEMTIME back;
    WCHAR w[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR)];
    char a[INTERNET_RFC1123_BUFSIZE];
    WCHAR wi[INTERNET_RFC1123_BUFSIZE];

    CHECK(WinHttpTimeFromSystemTime(&st, w) == TRUE);
    CHECK(weq(w, u"Fri, 07 Jan 2005 12:06:35 GMT"));
    memset(&back, 0xff, sizeof back);
    CHECK(WinHttpTimeToSystemTime(w, &back) == TRUE);
    CHECK(memcmp(&back, &st, sizeof st) == 0);
    CHECK_FAILS_WITH(WinHttpTimeFromSystemTime(NULL, w), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(WinHttpTimeFromSystemTime(&st, NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(WinHttpTimeToSystemTime(NULL, &back), ERROR_INVALID_PARAMETER);

    CHECK_FAILS_WITH(InternetTimeFromSystemTimeA(&st, INTERNET_RFC1123_FORMAT, a, 29),
                     ERROR_INSUFFICIENT_BUFFER);
    CHECK(InternetTimeFromSystemTimeA(&st, INTERNET_RFC1123_FORMAT, a, sizeof a) == TRUE);
    CHECK(strcmp(a, "Fri, 07 Jan 2005 12:06:35 GMT") == 0);
    CHECK(InternetTimeFromSystemTime(&st, INTERNET_RFC1123_FORMAT, a, sizeof a) == TRUE);
    CHECK_FAILS_WITH(InternetTimeFromSystemTimeA(&st, 1, a, sizeof a), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(InternetTimeFromSystemTimeW(&st, INTERNET_RFC1123_FORMAT, wi, 59),
                     ERROR_INSUFFICIENT_BUFFER);
    CHECK(InternetTimeFromSystemTimeW(&st, INTERNET_RFC1123_FORMAT, wi, sizeof wi) == TRUE);
    CHECK(weq(wi, u"Fri, 07 Jan 2005 12:06:35 GMT"));

    memset(&back, 0, sizeof back);
    CHECK(InternetTimeToSystemTimeA("Fri, 07 Jan 2005 12:06:35 GMT", &back, 0) == TRUE);
    CHECK(memcmp(&back, &st, sizeof st) == 0);
    memset(&back, 0, sizeof back);
    CHECK(InternetTimeToSystemTime("Fri Jan 7 12:06:35 2005", &back, 0) == TRUE);
    CHECK(back.wYear == 2005 && back.wDay == 7 && back.wHour == 12);
    CHECK(InternetTimeToSystemTimeW(u"Fri, 07 Jan 2005 12:06:35 GMT", &back, 0) == TRUE);
    CHECK_FAILS_WITH(InternetTimeToSystemTimeW(u"", &back, 0), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(InternetTimeToSystemTimeA("Fri", NULL, 0), ERROR_INVALID_PARAMETER);
}

int main(int argc, char **argv) {
    int with_hooks = argc > 1 && strcmp(argv[1], "hooks") == 0;

    if (with_hooks)
        test_hooks_installed_first();
    else
        test_hooks_refused_after_first_export();

    hinternet_set_last_error(77);
    CHECK(hinternet_get_last_error() == 77);
    if (with_hooks)
        CHECK(host_error == 77);

    test_winhttp_crack();
    test_winhttp_create();
    test_wininet_crack_and_create();
    test_canonicalize_and_combine();
    test_time();

    if (with_hooks)
        CHECK(host_set_calls > 10);
    else
        CHECK(host_set_calls == 0);
    CHECK(hinternet_panic_count() == 0);

    printf("url_time (%s): %d checks, %d failed\n", with_hooks ? "hooks" : "plain", checks,
           failures);
    return failures ? 1 : 0;
}
