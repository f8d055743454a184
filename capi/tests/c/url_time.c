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
#include "common.h"

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

static int weq(const WCHAR *a, const WCHAR *b) {
    size_t n = wlen(b);
    return wlen(a) == n && memcmp(a, b, n * sizeof(WCHAR)) == 0;
}

static int wneq(const WCHAR *a, size_t len, const WCHAR *b) {
    return wlen(b) == len && memcmp(a, b, len * sizeof(WCHAR)) == 0;
}

/* Host hooks: the thread-local last error "the host" owns (common.h). */
static struct hinternet_host_hooks make_hooks(void) {
    struct hinternet_host_hooks hooks = hooks_template();
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
    CHECK_THAT(atomic_load(&host_error_sets) == 0);

    CHECK_THAT(hinternet_set_host_hooks(&hooks) == TRUE);
    /* From now on every error goes through the host's hooks. */
    CHECK_THAT(hinternet_set_host_hooks(&hooks) == FALSE);
    CHECK_THAT(host_error == ERROR_INVALID_PARAMETER);
    CHECK_THAT(atomic_load(&host_error_sets) == 1);
    host_error = 4242;
    CHECK_THAT(hinternet_get_last_error() == 4242);
}

static void test_hooks_refused_after_first_export(void) {
    struct hinternet_host_hooks hooks = make_hooks();
    CHECK_THAT(WinHttpCheckPlatform() == TRUE);
    CHECK_FAILS_WITH(hinternet_set_host_hooks(&hooks), ERROR_INVALID_PARAMETER);
    CHECK_THAT(atomic_load(&host_error_sets) == 0);
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
    CHECK_THAT(WinHttpCrackUrl(url, 0, 0, &uc) == TRUE);
    CHECK_THAT(hinternet_get_last_error() == ERROR_SUCCESS);
    CHECK_THAT(uc.nScheme == WINHTTP_INTERNET_SCHEME_HTTP);
    CHECK_THAT(uc.nPort == 8080);
    CHECK_THAT(uc.lpszScheme == url && uc.dwSchemeLength == 4);
    CHECK_THAT(uc.lpszUserName == url + 7 && uc.dwUserNameLength == 4);
    CHECK_THAT(uc.lpszPassword == url + 12 && uc.dwPasswordLength == 4);
    CHECK_THAT(uc.lpszHostName == url + 17 && uc.dwHostNameLength == 15);
    CHECK_THAT(wneq(uc.lpszUrlPath, uc.dwUrlPathLength, u"/path/a"));
    CHECK_THAT(wneq(uc.lpszExtraInfo, uc.dwExtraInfoLength, u"?x=1#f"));

    /* An explicit length: only that much of the URL is cracked. */
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.dwHostNameLength = uc.dwUrlPathLength = uc.dwExtraInfoLength = (DWORD)-1;
    CHECK_THAT(WinHttpCrackUrl(url, 38, 0, &uc) == TRUE);
    CHECK_THAT(uc.dwHostNameLength == 15 && uc.dwUrlPathLength == 1 && uc.dwExtraInfoLength == 0);

    /* Buffers: a short one fails with 122 and its required size; others are copied. */
    memset(&uc, 0, sizeof uc);
    uc.dwStructSize = sizeof uc;
    uc.lpszScheme = scheme;
    uc.dwSchemeLength = 1;
    uc.lpszHostName = host;
    uc.dwHostNameLength = 64;
    CHECK_FAILS_WITH(WinHttpCrackUrl(url, 0, 0, &uc), ERROR_INSUFFICIENT_BUFFER);
    CHECK_THAT(uc.dwSchemeLength == 5);
    CHECK_THAT(uc.dwHostNameLength == 15 && weq(host, u"www.example.com"));
    WCHAR scheme5[5];
    uc.lpszScheme = scheme5;
    uc.dwSchemeLength = 5;
    uc.dwHostNameLength = 64;
    CHECK_THAT(WinHttpCrackUrl(url, 0, 0, &uc) == TRUE);
    CHECK_THAT(uc.dwSchemeLength == 4 && weq(scheme5, u"http"));

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
    CHECK_THAT(len == 24); /* "https://example.com/a b" + NUL, in WCHARs */
    len = 23;
    CHECK_FAILS_WITH(WinHttpCreateUrl(&uc, 0, out, &len), ERROR_INSUFFICIENT_BUFFER);
    CHECK_THAT(len == 24);
    len = 64;
    CHECK_THAT(WinHttpCreateUrl(&uc, 0, out, &len) == TRUE);
    CHECK_THAT(len == 23 && weq(out, u"https://example.com/a b"));
    CHECK_THAT(hinternet_get_last_error() == ERROR_SUCCESS);

    /* Round trip through WinHttpCrackUrl. */
    URL_COMPONENTS back;
    memset(&back, 0, sizeof back);
    back.dwStructSize = sizeof back;
    back.dwHostNameLength = back.dwUrlPathLength = (DWORD)-1;
    CHECK_THAT(WinHttpCrackUrl(out, len, 0, &back) == TRUE);
    CHECK_THAT(back.nScheme == WINHTTP_INTERNET_SCHEME_HTTPS && back.nPort == 443);
    CHECK_THAT(wneq(back.lpszHostName, back.dwHostNameLength, u"example.com"));
    CHECK_THAT(wneq(back.lpszUrlPath, back.dwUrlPathLength, u"/a b"));

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
    CHECK_THAT(InternetCrackUrlA(ftp, 0, 0, &a) == TRUE);
    CHECK_THAT(a.nScheme == INTERNET_SCHEME_FTP && a.nPort == INTERNET_DEFAULT_FTP_PORT);
    CHECK_THAT(a.lpszHostName == ftp + 6 && a.dwHostNameLength == 12);
    CHECK_THAT(a.lpszUrlPath == ftp + 18 && a.dwUrlPathLength == 13);

    /* Byte offsets and byte lengths in a UTF-8 URL (pointers reset: after a pointer-mode
     * crack they point into the previous URL, which is read-only). */
    memset(&a, 0, sizeof a);
    a.dwStructSize = sizeof a;
    a.dwHostNameLength = a.dwUrlPathLength = a.dwExtraInfoLength = 1;
    CHECK_THAT(InternetCrackUrlA(utf8, (DWORD)-1, 0, &a) == TRUE);
    CHECK_THAT(a.lpszHostName == utf8 + 7 && a.dwHostNameLength == 15);
    CHECK_THAT(a.lpszUrlPath == utf8 + 22 && a.dwUrlPathLength == 2);
    CHECK_THAT(a.lpszExtraInfo == utf8 + 24 && a.dwExtraInfoLength == 2);

    /* A buffer sized in bytes: "b\xc3\xbc" "cher.example" needs 16. */
    a.lpszHostName = host;
    a.dwHostNameLength = sizeof host;
    CHECK_FAILS_WITH(InternetCrackUrlA(utf8, 0, 0, &a), ERROR_INSUFFICIENT_BUFFER);
    CHECK_THAT(a.dwHostNameLength == 16);
    CHECK_FAILS_WITH(InternetCrackUrlA("no-colon", 0, 0, &a), ERROR_INTERNET_UNRECOGNIZED_SCHEME);

    URL_COMPONENTSW w;
    memset(&w, 0, sizeof w);
    w.dwStructSize = sizeof w;
    w.dwSchemeLength = w.dwHostNameLength = 1;
    CHECK_THAT(InternetCrackUrlW(u"about:blank", 0, 0, &w) == TRUE);
    CHECK_THAT(w.nScheme == INTERNET_SCHEME_UNKNOWN && w.dwSchemeLength == 5);
    CHECK_THAT(w.lpszHostName == NULL && w.dwHostNameLength == 0);
    /* Windows checks dwStructSize in InternetCrackUrlA only. */
    memset(&w, 0, sizeof w);
    w.dwSchemeLength = 1;
    CHECK_THAT(InternetCrackUrlW(u"about:blank", 0, 0, &w) == TRUE);
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
    CHECK_THAT(len == 42); /* ("http://example.com/x" + NUL) * sizeof(WCHAR) */
    len = 64;
    CHECK_THAT(InternetCreateUrlW(&w, 0, wout, &len) == TRUE);
    CHECK_THAT(len == 20 && weq(wout, u"http://example.com/x"));
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
    CHECK_THAT(len == 18); /* "gopher://h\xc3\xa9:70/1" is 17 bytes */
    CHECK_THAT(InternetCreateUrlA(&ca, 0, aout, &len) == TRUE);
    CHECK_THAT(len == 17 && strcmp(aout, "gopher://h\xc3\xa9:70/1") == 0);
}

static void test_canonicalize_and_combine(void) {
    char a[64];
    WCHAR w[64];
    DWORD len;

    len = sizeof a;
    CHECK_THAT(InternetCanonicalizeUrlA("http://www.example.com/a/../b c", a, &len, 0) == TRUE);
    CHECK_THAT(strcmp(a, "http://www.example.com/b%20c") == 0 && len == strlen(a));
    len = 5;
    CHECK_FAILS_WITH(InternetCanonicalizeUrlA("http://www.example.com/a/../b c", a, &len, 0),
                     ERROR_INSUFFICIENT_BUFFER);
    CHECK_THAT(len == 29);
    CHECK_FAILS_WITH(InternetCanonicalizeUrlA("http://x/", a, NULL, 0), ERROR_INVALID_PARAMETER);
    len = sizeof a;
    CHECK_FAILS_WITH(InternetCanonicalizeUrlA("http://x/", NULL, &len, 0), ERROR_INVALID_PARAMETER);

    len = 64;
    CHECK_THAT(InternetCanonicalizeUrlW(u"http://h/./p", w, &len, 0) == TRUE);
    CHECK_THAT(weq(w, u"http://h/p") && len == 10);

    len = sizeof a;
    CHECK_THAT(InternetCombineUrlA("http://h/a/b", "../c", a, &len, 0) == TRUE);
    CHECK_THAT(strcmp(a, "http://h/c") == 0 && len == 10);
    len = 3;
    CHECK_FAILS_WITH(InternetCombineUrlW(u"http://h/a/b", u"c?d", w, &len, 0),
                     ERROR_INSUFFICIENT_BUFFER);
    CHECK_THAT(len == 15); /* "http://h/a/c?d" + NUL */
    CHECK_THAT(InternetCombineUrlW(u"http://h/a/b", u"c?d", w, &len, 0) == TRUE);
    CHECK_THAT(weq(w, u"http://h/a/c?d") && len == 14);
    CHECK_FAILS_WITH(InternetCombineUrlA(NULL, "x", a, &len, 0), ERROR_INVALID_PARAMETER);
}

static void test_time(void) {
    const SYSTEMTIME st = {2005, 1, 5, 7, 12, 6, 35, 0};
    SYSTEMTIME back;
    WCHAR w[WINHTTP_TIME_FORMAT_BUFSIZE / sizeof(WCHAR)];
    char a[INTERNET_RFC1123_BUFSIZE];
    WCHAR wi[INTERNET_RFC1123_BUFSIZE];

    CHECK_THAT(WinHttpTimeFromSystemTime(&st, w) == TRUE);
    CHECK_THAT(weq(w, u"Fri, 07 Jan 2005 12:06:35 GMT"));
    memset(&back, 0xff, sizeof back);
    CHECK_THAT(WinHttpTimeToSystemTime(w, &back) == TRUE);
    CHECK_THAT(memcmp(&back, &st, sizeof st) == 0);
    CHECK_FAILS_WITH(WinHttpTimeFromSystemTime(NULL, w), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(WinHttpTimeFromSystemTime(&st, NULL), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(WinHttpTimeToSystemTime(NULL, &back), ERROR_INVALID_PARAMETER);

    CHECK_FAILS_WITH(InternetTimeFromSystemTimeA(&st, INTERNET_RFC1123_FORMAT, a, 29),
                     ERROR_INSUFFICIENT_BUFFER);
    CHECK_THAT(InternetTimeFromSystemTimeA(&st, INTERNET_RFC1123_FORMAT, a, sizeof a) == TRUE);
    CHECK_THAT(strcmp(a, "Fri, 07 Jan 2005 12:06:35 GMT") == 0);
    CHECK_THAT(InternetTimeFromSystemTime(&st, INTERNET_RFC1123_FORMAT, a, sizeof a) == TRUE);
    CHECK_FAILS_WITH(InternetTimeFromSystemTimeA(&st, 1, a, sizeof a), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(InternetTimeFromSystemTimeW(&st, INTERNET_RFC1123_FORMAT, wi, 59),
                     ERROR_INSUFFICIENT_BUFFER);
    CHECK_THAT(InternetTimeFromSystemTimeW(&st, INTERNET_RFC1123_FORMAT, wi, sizeof wi) == TRUE);
    CHECK_THAT(weq(wi, u"Fri, 07 Jan 2005 12:06:35 GMT"));

    memset(&back, 0, sizeof back);
    CHECK_THAT(InternetTimeToSystemTimeA("Fri, 07 Jan 2005 12:06:35 GMT", &back, 0) == TRUE);
    CHECK_THAT(memcmp(&back, &st, sizeof st) == 0);
    memset(&back, 0, sizeof back);
    CHECK_THAT(InternetTimeToSystemTime("Fri Jan 7 12:06:35 2005", &back, 0) == TRUE);
    CHECK_THAT(back.wYear == 2005 && back.wDay == 7 && back.wHour == 12);
    CHECK_THAT(InternetTimeToSystemTimeW(u"Fri, 07 Jan 2005 12:06:35 GMT", &back, 0) == TRUE);
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
    CHECK_THAT(hinternet_get_last_error() == 77);
    if (with_hooks)
        CHECK_THAT(host_error == 77);

    test_winhttp_crack();
    test_winhttp_create();
    test_wininet_crack_and_create();
    test_canonicalize_and_combine();
    test_time();

    if (with_hooks)
        CHECK_THAT(atomic_load(&host_error_sets) > 10);
    else
        CHECK_THAT(atomic_load(&host_error_sets) == 0);
    CHECK_THAT(hinternet_panic_count() == 0);

    printf("url_time (%s): ", with_hooks ? "hooks" : "plain");
    return report();
}
