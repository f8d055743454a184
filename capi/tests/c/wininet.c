/*
 * wininet.c: the WinINet handle exports from C, against the loopback test servers.
 *
 *   wininet http PORT     InternetOpenW/ConnectW/HttpOpenRequestW, GET /bytes?n=100000:
 *                         HttpQueryInfoW (number, text, short buffer, HTTP_QUERY_CUSTOM),
 *                         InternetQueryDataAvailable, InternetReadFile loop, pattern checked
 *   wininet ansi PORT     the same GET through the A functions (InternetOpenA ...
 *                         HttpQueryInfoA with byte sizes), InternetReadFileExA,
 *                         InternetQueryOptionA/W user agent sizes, InternetOpenUrlA
 *   wininet upload PORT   HttpSendRequestExW + 3 x InternetWriteFile + HttpEndRequestW to
 *                         /echo; the echoed body must match
 *   wininet upload-async PORT  the upload in an INTERNET_FLAG_ASYNC session with 1000 initial
 *                         body bytes in INTERNET_BUFFERS.lpvBuffer, then 2 x InternetWriteFile
 *   wininet async PORT    an INTERNET_FLAG_ASYNC root: InternetOpenUrlW answers NULL +
 *                         ERROR_IO_PENDING, the handle arrives in REQUEST_COMPLETE's
 *                         INTERNET_ASYNC_RESULT; reads that pend complete the same way
 *   wininet async-hooks PORT  the async GET with host hooks installed first: every
 *                         REQUEST_COMPLETE callback must run on a thread created through
 *                         the host's create_thread hook
 *   wininet ftp PORT      InternetOpenUrlW ftp:// download of /readme.txt; InternetConnectW
 *                         FTP: FtpFindFirstFileW/A + InternetFindNextFileW on /pub,
 *                         FtpGetCurrentDirectoryW/A (short buffer), FtpOpenFileW +
 *                         FtpGetFileSize + read, InternetGetLastResponseInfoW/A
 *   wininet ftp-async PORT  FtpGetCurrentDirectoryW in an INTERNET_FLAG_ASYNC session: FALSE +
 *                         ERROR_IO_PENDING, the text and its length written by REQUEST_COMPLETE
 *   wininet ftp-two-pending PORT  FtpGetCurrentDirectoryW, FtpFindFirstFileW and a second
 *                         FtpGetCurrentDirectoryW pending together on one asynchronous
 *                         connect: each out value is in place at its own REQUEST_COMPLETE,
 *                         the refused one's stays untouched
 *   wininet ftp-command PORT  FtpCommandW/A with fExpectResponse: the data handle (NLST, LIST)
 *                         read with InternetReadFile and closed, the busy rule meanwhile;
 *                         NOOP without a handle; a refused LIST
 *   wininet gopher PORT   GopherFindFirstFileW + InternetFindNextFileW over the root menu,
 *                         GopherFindFirstFileA, GopherCreateLocatorA/W +
 *                         GopherGetLocatorTypeW, GopherOpenFileW of /about.txt
 *   wininet gopher-attributes PORT  GopherGetAttributeW/A on a Gopher+ locator: one block
 *                         and all blocks into a buffer (short buffer: needed size), the
 *                         enumerator (every block, and stopping at FALSE), a non-Gopher+
 *                         locator
 *   wininet errors PORT   bad handles, NULL out pointers, short buffers: exact last errors
 *
 * Prints "N passed, M failed"; exits 1 when any check failed.
 */
#include "common.h"

static INTERNET_PORT port;

/* Reads a handle to its end into buf (at most cap bytes); returns the length or -1. */
static long read_all(HINTERNET h, unsigned char *buf, size_t cap) {
    size_t total = 0;
    for (int i = 0; i < 100000; i++) {
        DWORD n = 0xdeadbeef;
        DWORD want = cap - total > 7000 ? 7000 : (DWORD)(cap - total);
        if (!InternetReadFile(h, buf + total, want, &n)) return -1;
        if (n == 0) return (long)total;
        total += n;
        if (total == cap) return (long)total;
    }
    return -1;
}

/* ---- HTTP, W functions ---- */

static void http_get(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(root != NULL, "InternetOpenW");
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, NULL, NULL,
                                      INTERNET_SERVICE_HTTP, 0, 7);
    CHECK(conn != NULL, "InternetConnectW");
    HINTERNET req = HttpOpenRequestW(conn, u"GET", u"/bytes?n=100000", NULL, NULL, NULL,
                                     INTERNET_FLAG_RELOAD, 9);
    CHECK(req != NULL, "HttpOpenRequestW");
    CHECK(HttpAddRequestHeadersW(req, u"X-Test: 1\r\n", (DWORD)-1, HTTP_ADDREQ_FLAG_ADD),
          "HttpAddRequestHeadersW");
    CHECK(HttpSendRequestW(req, NULL, 0, NULL, 0), "HttpSendRequestW");

    DWORD status = 0, len = sizeof status;
    CHECK(HttpQueryInfoW(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len,
                         NULL) && status == 200 && len == 4,
          "status %u len %u", status, len);

    /* Text: a short buffer answers 122 with the bytes needed (NUL included). */
    WCHAR text[32];
    len = 4;
    CHECK(!HttpQueryInfoW(req, HTTP_QUERY_CONTENT_LENGTH, text, &len, NULL) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len == 14,
          "short Content-Length: len %u", len);
    len = sizeof text;
    CHECK(HttpQueryInfoW(req, HTTP_QUERY_CONTENT_LENGTH, text, &len, NULL) &&
              wide_is(text, "100000") && len == 12,
          "Content-Length text, len %u", len);
    /* HTTP_QUERY_CUSTOM: the header name comes in the buffer. */
    WCHAR custom[64] = u"Content-Length";
    len = sizeof custom;
    CHECK(HttpQueryInfoW(req, HTTP_QUERY_CUSTOM, custom, &len, NULL) && wide_is(custom, "100000"),
          "HTTP_QUERY_CUSTOM");

    DWORD available = 0;
    CHECK(InternetQueryDataAvailable(req, &available, 0, 0) && available > 0,
          "InternetQueryDataAvailable %u", available);

    static unsigned char body[100000 + 16];
    long got = read_all(req, body, sizeof body);
    CHECK(got == 100000 && pattern_ok(body, 100000), "body: %ld bytes", got);

    CHECK(InternetCloseHandle(req), "close request");
    CHECK(InternetCloseHandle(conn), "close connect");
    CHECK(InternetCloseHandle(root), "close root");
}

/* ---- HTTP, A functions ---- */

static void ansi(void) {
    HINTERNET root = InternetOpenA("agent-\xc3\xa9", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(root != NULL, "InternetOpenA");

    /* The user agent (Wine's test_InternetQueryOptionA rule): a short buffer asks for bytes
     * with the terminator (A: 9 bytes of UTF-8 for "agent-é"; W: 16), a copy reports
     * characters without it (A: 8 bytes, W: 7 WCHARs). */
    char agent[16];
    DWORD len = 4;
    CHECK(!InternetQueryOptionA(root, INTERNET_OPTION_USER_AGENT, agent, &len) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len == 9,
          "short A user agent: len %u", len);
    len = sizeof agent;
    CHECK(InternetQueryOptionA(root, INTERNET_OPTION_USER_AGENT, agent, &len) && len == 8 &&
              strcmp(agent, "agent-\xc3\xa9") == 0,
          "A user agent: len %u", len);
    WCHAR wagent[16];
    len = 4;
    CHECK(!InternetQueryOptionW(root, INTERNET_OPTION_USER_AGENT, wagent, &len) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len == 16,
          "short W user agent: len %u", len);
    len = sizeof wagent;
    CHECK(InternetQueryOptionW(root, INTERNET_OPTION_USER_AGENT, wagent, &len) && len == 7 &&
              wagent[6] == 0xe9 && wagent[7] == 0,
          "W user agent: len %u", len);
    DWORD timeout = 12345;
    CHECK(InternetSetOptionA(root, INTERNET_OPTION_CONNECT_TIMEOUT, &timeout, sizeof timeout),
          "InternetSetOptionA DWORD");
    timeout = 0;
    len = sizeof timeout;
    CHECK(InternetQueryOptionA(root, INTERNET_OPTION_CONNECT_TIMEOUT, &timeout, &len) &&
              timeout == 12345 && len == 4,
          "connect timeout back: %u", timeout);

    HINTERNET conn = InternetConnectA(root, "127.0.0.1", port, NULL, NULL,
                                      INTERNET_SERVICE_HTTP, 0, 0);
    CHECK(conn != NULL, "InternetConnectA");
    LPCSTR accept[] = {"*/*", NULL};
    HINTERNET req = HttpOpenRequestA(conn, "GET", "/bytes?n=5000", NULL, NULL, accept, 0, 0);
    CHECK(req != NULL, "HttpOpenRequestA");
    CHECK(HttpSendRequestA(req, "X-A: 1\r\n", (DWORD)-1, NULL, 0), "HttpSendRequestA");
    char text[32];
    len = 2;
    CHECK(!HttpQueryInfoA(req, HTTP_QUERY_CONTENT_LENGTH, text, &len, NULL) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len == 5,
          "short A Content-Length: len %u", len);
    len = sizeof text;
    CHECK(HttpQueryInfoA(req, HTTP_QUERY_CONTENT_LENGTH, text, &len, NULL) &&
              strcmp(text, "5000") == 0 && len == 4,
          "A Content-Length '%s' len %u", text, len);

    static unsigned char body[5000];
    size_t total = 0;
    for (int i = 0; i < 1000 && total < sizeof body; i++) {
        INTERNET_BUFFERSA b;
        memset(&b, 0, sizeof b);
        b.dwStructSize = sizeof b;
        b.lpvBuffer = body + total;
        b.dwBufferLength = (DWORD)(sizeof body - total);
        if (!InternetReadFileExA(req, &b, 0, 0)) break;
        if (b.dwBufferLength == 0) break;
        total += b.dwBufferLength;
    }
    CHECK(total == 5000 && pattern_ok(body, total), "InternetReadFileExA: %zu bytes", total);
    CHECK(InternetCloseHandle(req), "close request");
    CHECK(InternetCloseHandle(conn), "close connect");

    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/fixed", port);
    HINTERNET h = InternetOpenUrlA(root, url, NULL, 0, 0, 0);
    CHECK(h != NULL, "InternetOpenUrlA");
    char fixed[64] = {0};
    long got = read_all(h, (unsigned char *)fixed, sizeof fixed - 1);
    CHECK(got == 12 && strcmp(fixed, "hello, world") == 0, "InternetOpenUrlA body '%s'", fixed);
    CHECK(InternetCloseHandle(h), "close url");
    CHECK(InternetCloseHandle(root), "close root");
}

/* ---- upload ---- */

static void upload(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, NULL, NULL,
                                      INTERNET_SERVICE_HTTP, 0, 0);
    HINTERNET req = HttpOpenRequestW(conn, u"POST", u"/echo", NULL, NULL, NULL, 0, 0);
    CHECK(req != NULL, "HttpOpenRequestW POST");
    INTERNET_BUFFERSW in;
    memset(&in, 0, sizeof in);
    in.dwStructSize = sizeof in;
    in.dwBufferTotal = 3000;
    CHECK(HttpSendRequestExW(req, &in, NULL, 0, 0), "HttpSendRequestExW");
    static unsigned char chunk[1000];
    for (int i = 0; i < 1000; i++) chunk[i] = (unsigned char)('a' + i % 26);
    for (int k = 0; k < 3; k++) {
        DWORD written = 0;
        CHECK(InternetWriteFile(req, chunk, sizeof chunk, &written) && written == 1000,
              "InternetWriteFile %d: %u", k, written);
    }
    CHECK(HttpEndRequestW(req, NULL, 0, 0), "HttpEndRequestW");
    DWORD status = 0, len = sizeof status;
    CHECK(HttpQueryInfoW(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len,
                         NULL) && status == 200,
          "status %u", status);
    static unsigned char echo[4000];
    long got = read_all(req, echo, sizeof echo);
    int same = got == 3000;
    for (long i = 0; same && i < got; i++)
        if (echo[i] != chunk[i % 1000]) same = 0;
    CHECK(same, "echoed %ld bytes", got);
    CHECK(InternetCloseHandle(req) && InternetCloseHandle(conn) && InternetCloseHandle(root),
          "close");
}

/* ---- asynchronous ---- */

static atomic_int completes, created, closing, bad_payload;
static atomic_uintptr_t url_handle, created_value;
static atomic_uint last_async_error;

/* Host hooks (async-hooks mode): threads created by "the host" mark themselves
 * (on_host_thread, common.h). */
static atomic_int completes_off_host_thread, completes_on_main_thread;
static int hooks_installed;
static pthread_t main_thread;

static void install_hooks(void) {
    struct hinternet_host_hooks hooks = hooks_template();
    hooks.create_thread = host_create_thread;
    CHECK(hinternet_set_host_hooks(&hooks) == TRUE, "hinternet_set_host_hooks");
    hooks_installed = 1;
}

static void HINTERNET_API on_status(HINTERNET h, DWORD_PTR context, DWORD status, LPVOID info,
                                    DWORD info_len) {
    (void)h;
    if (getenv("WININET_TRACE"))
        fprintf(stdout, "status %u handle %p context %lu len %u\n", status, h,
                (unsigned long)context, info_len);
    switch (status) {
    case INTERNET_STATUS_REQUEST_COMPLETE: {
        if (hooks_installed && !on_host_thread) {
            /* The application's own thread (inside a call) or a thread nobody asked the
             * host for: only the latter breaks the hook's promise. */
            if (pthread_equal(pthread_self(), main_thread))
                atomic_fetch_add(&completes_on_main_thread, 1);
            else
                atomic_fetch_add(&completes_off_host_thread, 1);
        }
        if (context != 42) atomic_fetch_add(&bad_payload, 1);
        if (info == NULL || info_len != sizeof(INTERNET_ASYNC_RESULT)) {
            atomic_fetch_add(&bad_payload, 1);
            break;
        }
        const INTERNET_ASYNC_RESULT *r = info;
        if (atomic_load(&url_handle) == 0 && r->dwResult > 1)
            atomic_store(&url_handle, r->dwResult);
        atomic_store(&last_async_error, r->dwError);
        atomic_fetch_add(&completes, 1);
        break;
    }
    case INTERNET_STATUS_HANDLE_CREATED:
        /* The new handle (an HINTERNET, as documented; it is the root's notification). */
        if (handle_info(info, info_len) == NULL)
            atomic_fetch_add(&bad_payload, 1);
        else
            atomic_store(&created_value, (uintptr_t)handle_info(info, info_len));
        atomic_fetch_add(&created, 1);
        break;
    case INTERNET_STATUS_HANDLE_CLOSING:
        if (handle_info(info, info_len) != h)
            atomic_fetch_add(&bad_payload, 1);
        atomic_fetch_add(&closing, 1);
        break;
    default:
        break;
    }
}

static int wait_completes(int n) {
    for (int i = 0; i < 1000; i++) {
        if (atomic_load(&completes) >= n) return 1;
        sleep_ms(10);
    }
    return 0;
}

static void async_get(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL,
                                   INTERNET_FLAG_ASYNC);
    CHECK(root != NULL, "InternetOpenW async");
    CHECK(InternetSetStatusCallbackW(root, on_status) == NULL, "first callback: NULL previous");
    CHECK(InternetSetStatusCallbackW(root, on_status) == on_status, "previous is ours");
    WCHAR url[128];
    char narrow[128];
    snprintf(narrow, sizeof narrow, "http://127.0.0.1:%u/bytes?n=100000", port);
    size_t i = 0;
    for (; narrow[i]; i++) url[i] = (WCHAR)narrow[i];
    url[i] = 0;
    HINTERNET h = InternetOpenUrlW(root, url, NULL, 0, 0, 42);
    CHECK(h == NULL && hinternet_get_last_error() == ERROR_IO_PENDING,
          "async InternetOpenUrlW pends");
    CHECK(wait_completes(1), "REQUEST_COMPLETE for the open");
    CHECK(atomic_load(&last_async_error) == 0, "open error %u", atomic_load(&last_async_error));
    HINTERNET req = (HINTERNET)atomic_load(&url_handle);
    CHECK(req != NULL, "the handle in dwResult");

    static unsigned char body[100000];
    size_t total = 0;
    int done = 0;
    for (int k = 0; k < 100000 && !done && req; k++) {
        DWORD n = 0xdeadbeef;
        int before = atomic_load(&completes);
        DWORD want = sizeof body - total > 8192 ? 8192 : (DWORD)(sizeof body - total);
        if (want == 0) want = 1;
        if (InternetReadFile(req, body + total, want, &n)) {
            /* completed in the call */
        } else if (hinternet_get_last_error() == ERROR_IO_PENDING) {
            if (!wait_completes(before + 1)) break;
            if (atomic_load(&last_async_error) != 0) break;
        } else {
            break;
        }
        if (n == 0xdeadbeef) break; /* the count must have been written */
        if (n == 0) done = 1;
        total += n;
    }
    CHECK(done && total == 100000 && pattern_ok(body, total), "async body: %zu bytes", total);
    if (req) CHECK(InternetCloseHandle(req), "close url handle");
    CHECK(InternetCloseHandle(root), "close root");
    /* WinINet sends no notification for a handle whose context is 0 (the root here). */
    for (int k = 0; k < 500 && atomic_load(&closing) < 1; k++) sleep_ms(10);
    sleep_ms(50);
    CHECK(atomic_load(&closing) == 1, "HANDLE_CLOSING x%d", atomic_load(&closing));
    CHECK(atomic_load(&created) == 1 && atomic_load(&created_value) == (uintptr_t)req,
          "HANDLE_CREATED x%d", atomic_load(&created));
    CHECK(atomic_load(&bad_payload) == 0, "bad payloads: %d", atomic_load(&bad_payload));
}

/* The async GET with the host's create_thread hook: the completions of pending operations
 * are reported from the library's delivery threads, which the host must have created. */
static void async_get_on_host_threads(void) {
    main_thread = pthread_self();
    install_hooks();
    async_get();
    CHECK(atomic_load(&host_threads) > 0, "threads created through the hook: %d",
          atomic_load(&host_threads));
    /* Library threads are host threads: no REQUEST_COMPLETE on any other thread but the
     * application's own, and at least one (the open's) on a host thread. */
    int completes_total = atomic_load(&completes);
    int on_main = atomic_load(&completes_on_main_thread);
    CHECK(completes_total > 0 && atomic_load(&completes_off_host_thread) == 0,
          "%d of %d REQUEST_COMPLETE callbacks on threads the host did not create",
          atomic_load(&completes_off_host_thread), completes_total);
    CHECK(completes_total > on_main, "%d of %d REQUEST_COMPLETE callbacks on host threads",
          completes_total - on_main, completes_total);
    printf("async-hooks: %d REQUEST_COMPLETE, %d on the calling thread, %d host threads\n",
           completes_total, on_main, atomic_load(&host_threads));
}

/* FtpGetCurrentDirectoryW in an asynchronous session: the directory and its length arrive
 * with REQUEST_COMPLETE (delivered on the connect handle, with its context). */
static void ftp_async(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL,
                                   INTERNET_FLAG_ASYNC);
    CHECK(root != NULL, "InternetOpenW async");
    InternetSetStatusCallbackW(root, on_status);
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, u"user", u"secret",
                                      INTERNET_SERVICE_FTP, INTERNET_FLAG_PASSIVE, 42);
    CHECK(conn != NULL, "InternetConnectW FTP (async root)");
    WCHAR dir[32];
    for (size_t i = 0; i < 32; i++) dir[i] = 0xffff;
    DWORD len = 32;
    int before = atomic_load(&completes);
    BOOL done = FtpGetCurrentDirectoryW(conn, dir, &len);
    if (!done) {
        CHECK(hinternet_get_last_error() == ERROR_IO_PENDING, "pends");
        CHECK(wait_completes(before + 1), "REQUEST_COMPLETE");
        CHECK(atomic_load(&last_async_error) == 0, "async error %u",
              atomic_load(&last_async_error));
    }
    CHECK(dir[0] == '/' && wlen(dir) == len && len > 0 && len < 32,
          "directory of %u characters (completed %s)", len, done ? "inline" : "async");
    CHECK(InternetCloseHandle(conn) && InternetCloseHandle(root), "close");
    for (int k = 0; k < 500 && atomic_load(&closing) < 1; k++) sleep_ms(10);
    CHECK(atomic_load(&bad_payload) == 0, "bad payloads: %d", atomic_load(&bad_payload));
}

/* Three operations pending together on one FTP connect, each with its own out values:
 * FtpGetCurrentDirectoryW, FtpFindFirstFileW, FtpGetCurrentDirectoryW. They run in call
 * order; the first directory and the find succeed, and the second directory fails with
 * ERROR_FTP_TRANSFER_IN_PROGRESS when it runs (the find handle exists by then, WI-R11).
 * Each value must be in place when its own REQUEST_COMPLETE arrives (the directory's
 * carries 1, the find's the new find handle), and the failed call's buffer and length must
 * stay untouched. */
static WIN32_FIND_DATAW two_fd;
static WCHAR two_dir[32], two_dir_failed[32];
static DWORD two_len, two_len_failed;
static atomic_int two_completes, two_bad, two_find_done, two_dir_done, two_refused;
static atomic_uintptr_t two_find;
static atomic_uint two_error;

static void HINTERNET_API on_two(HINTERNET h, DWORD_PTR context, DWORD status, LPVOID info,
                                 DWORD info_len) {
    (void)h;
    if (status != INTERNET_STATUS_REQUEST_COMPLETE) return;
    if (context != 42 || info == NULL || info_len != sizeof(INTERNET_ASYNC_RESULT)) {
        atomic_fetch_add(&two_bad, 1);
        atomic_fetch_add(&two_completes, 1);
        return;
    }
    const INTERNET_ASYNC_RESULT *r = info;
    if (r->dwResult > 1 && r->dwError == 0) {
        /* The find's completion: its first entry has been written. */
        atomic_store(&two_find, r->dwResult);
        if (two_fd.cFileName[0] != 0xffff && two_fd.cFileName[0] != 0 &&
            wlen(two_fd.cFileName) < 260)
            atomic_store(&two_find_done, 1);
    } else if (r->dwResult == 1 && r->dwError == 0) {
        /* The first directory's completion: the text and its length have been written. */
        if (two_dir[0] == '/' && two_len == wlen(two_dir)) atomic_store(&two_dir_done, 1);
    } else if (r->dwResult == 0 && r->dwError == ERROR_FTP_TRANSFER_IN_PROGRESS) {
        atomic_fetch_add(&two_refused, 1);
    } else {
        atomic_store(&two_error, r->dwError);
        atomic_fetch_add(&two_bad, 1);
    }
    atomic_fetch_add(&two_completes, 1);
}

static void ftp_two_pending(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL,
                                   INTERNET_FLAG_ASYNC);
    CHECK(root != NULL, "InternetOpenW async");
    InternetSetStatusCallbackW(root, on_two);
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, u"user", u"secret",
                                      INTERNET_SERVICE_FTP, INTERNET_FLAG_PASSIVE, 42);
    CHECK(conn != NULL, "InternetConnectW FTP (async root)");
    memset(&two_fd, 0xff, sizeof two_fd);
    for (size_t i = 0; i < 32; i++) two_dir[i] = two_dir_failed[i] = 0xffff;
    two_len = two_len_failed = 32;
    BOOL dir_now = FtpGetCurrentDirectoryW(conn, two_dir, &two_len);
    int dir_pended = !dir_now && hinternet_get_last_error() == ERROR_IO_PENDING;
    CHECK(dir_pended, "FtpGetCurrentDirectoryW pends");
    HINTERNET find = FtpFindFirstFileW(conn, u"/pub", &two_fd, 0, 42);
    int find_pended = find == NULL && hinternet_get_last_error() == ERROR_IO_PENDING;
    CHECK(find_pended, "FtpFindFirstFileW pends behind it (returned %p)", (void *)find);
    BOOL failed_now = FtpGetCurrentDirectoryW(conn, two_dir_failed, &two_len_failed);
    int failed_pended = !failed_now && hinternet_get_last_error() == ERROR_IO_PENDING;
    CHECK(failed_pended, "a second FtpGetCurrentDirectoryW pends behind the find");
    int want = dir_pended + find_pended + failed_pended;
    for (int k = 0; k < 1000 && atomic_load(&two_completes) < want; k++) sleep_ms(10);
    sleep_ms(50);
    CHECK(atomic_load(&two_completes) == want, "%d REQUEST_COMPLETE of %d",
          atomic_load(&two_completes), want);
    CHECK(atomic_load(&two_bad) == 0, "bad completions: %d (error %u)", atomic_load(&two_bad),
          atomic_load(&two_error));
    CHECK(atomic_load(&two_dir_done), "the directory was written by its own completion");
    CHECK(atomic_load(&two_find_done), "the find data was written by the find's completion");
    CHECK(atomic_load(&two_refused) == 1, "the second directory refused (x%d)",
          atomic_load(&two_refused));
    CHECK(wide_is(two_dir, "/") && two_len == 1, "directory of %u characters", two_len);
    CHECK(two_dir_failed[0] == 0xffff && two_len_failed == 32,
          "the refused call's buffer and length untouched (length %u)", two_len_failed);
    HINTERNET found = (HINTERNET)atomic_load(&two_find);
    if (found) CHECK(InternetCloseHandle(found), "close the find handle");
    CHECK(InternetCloseHandle(conn) && InternetCloseHandle(root), "close");
}

/* ---- FtpCommand's data handle ---- */

static void ftp_command(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, u"user", u"secret",
                                      INTERNET_SERVICE_FTP, INTERNET_FLAG_PASSIVE, 0);
    CHECK(conn != NULL, "InternetConnectW FTP");

    /* With fExpectResponse: a data handle, read to its end with InternetReadFile. */
    HINTERNET data = (HINTERNET)1;
    CHECK(FtpCommandW(conn, TRUE, FTP_TRANSFER_TYPE_ASCII, u"NLST /pub", 0, &data) &&
              data != NULL && data != (HINTERNET)1,
          "FtpCommandW NLST returns a data handle");
    /* While it is open the connect is busy (WI-R11). */
    CHECK(!FtpCreateDirectoryW(conn, u"/x") &&
              hinternet_get_last_error() == ERROR_FTP_TRANSFER_IN_PROGRESS,
          "busy while the data handle is open");
    char names[128] = {0};
    long got = data ? read_all(data, (unsigned char *)names, sizeof names - 1) : -1;
    CHECK(got > 0 && strcmp(names, "data.bin\r\nnotes.txt\r\n") == 0, "NLST: %ld bytes '%s'",
          got, names);
    if (data) CHECK(InternetCloseHandle(data), "close the data handle");

    /* The A function, a binary LIST. */
    HINTERNET list = NULL;
    CHECK(FtpCommandA(conn, TRUE, FTP_TRANSFER_TYPE_BINARY, "LIST /pub", 0, &list) &&
              list != NULL,
          "FtpCommandA LIST returns a data handle");
    char text[1024] = {0};
    got = list ? read_all(list, (unsigned char *)text, sizeof text - 1) : -1;
    int lines = 0;
    for (long k = 0; k < got; k++)
        if (text[k] == '\n') lines++;
    CHECK(lines == 2 && strstr(text, " data.bin") && strstr(text, " notes.txt"),
          "LIST: %d lines '%s'", lines, text);
    if (list) CHECK(InternetCloseHandle(list), "close the LIST handle");

    /* Closed: the connect is free again. Without fExpectResponse the handle is NULL. */
    HINTERNET none = (HINTERNET)1;
    CHECK(FtpCommandW(conn, FALSE, 0, u"NOOP", 0, &none) && none == NULL,
          "FtpCommandW NOOP: TRUE, NULL handle");
    /* A refused command: FALSE, the server's reply as extended error, no handle. */
    HINTERNET bad = (HINTERNET)1;
    CHECK(!FtpCommandA(conn, TRUE, FTP_TRANSFER_TYPE_ASCII, "LIST /nope", 0, &bad) &&
              hinternet_get_last_error() == ERROR_INTERNET_EXTENDED_ERROR && bad == NULL,
          "FtpCommandA LIST /nope refused");
    DWORD code = 0;
    char reply[256];
    DWORD len = sizeof reply;
    CHECK(InternetGetLastResponseInfoA(&code, reply, &len) && code == 550 &&
              strncmp(reply, "550", 3) == 0,
          "the refusal's reply %u '%s'", code, reply);
    CHECK(InternetCloseHandle(conn) && InternetCloseHandle(root), "close");
}

/* ---- Gopher+ attributes ---- */

static int attribute_calls, admin_blocks, stop_after;

static int wstarts(const WCHAR *s, const char *prefix) {
    for (; *prefix; s++, prefix++)
        if (*s != (WCHAR)(unsigned char)*prefix) return 0;
    return 1;
}

static BOOL HINTERNET_API on_attribute(GOPHER_ATTRIBUTE_TYPE *info, DWORD error) {
    attribute_calls++;
    const WCHAR *text = (const WCHAR *)info->AttributeType.Unknown.Text;
    if (error == ERROR_SUCCESS && info->CategoryId == GOPHER_CATEGORY_ID_UNKNOWN &&
        info->AttributeId == GOPHER_ATTRIBUTE_ID_UNKNOWN && text != NULL &&
        wstarts(text, "+ADMIN:"))
        admin_blocks++;
    return attribute_calls < stop_after;
}

static void gopher_attributes(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, NULL, NULL,
                                      INTERNET_SERVICE_GOPHER, 0, 0);
    CHECK(conn != NULL, "InternetConnectW gopher");
    WCHAR plus[256], about[256];
    char plus_a[256];
    DWORD len = 256;
    CHECK(GopherCreateLocatorW(u"127.0.0.1", port, u"plus", u"/plus.txt",
                               GOPHER_TYPE_TEXT_FILE | GOPHER_TYPE_GOPHER_PLUS, plus, &len),
          "Gopher+ locator");
    len = 256;
    CHECK(GopherCreateLocatorA("127.0.0.1", port, "plus", "/plus.txt",
                               GOPHER_TYPE_TEXT_FILE | GOPHER_TYPE_GOPHER_PLUS, plus_a, &len),
          "Gopher+ locator A");
    len = 256;
    CHECK(GopherCreateLocatorW(u"127.0.0.1", port, u"About", u"/about.txt",
                               GOPHER_TYPE_TEXT_FILE, about, &len),
          "plain locator");

    /* One block, W: a short buffer asks for the characters needed, NUL included. */
    WCHAR wbuf[512];
    DWORD got = 0;
    CHECK(!GopherGetAttributeW(conn, plus, u"+ADMIN", (LPBYTE)wbuf, 4, &got, NULL, 0) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && got > 4,
          "short W buffer: %u", got);
    DWORD needed = got;
    got = 0;
    CHECK(GopherGetAttributeW(conn, plus, u"+ADMIN", (LPBYTE)wbuf, 512, &got, NULL, 0) &&
              got + 1 == needed && wlen(wbuf) == got && wstarts(wbuf, "+ADMIN:"),
          "W +ADMIN: %u characters", got);
    int has_admin_line = 0;
    for (DWORD i = 0; i + 10 <= got; i++)
        if (wstarts(wbuf + i, "Test Admin")) has_admin_line = 1;
    CHECK(has_admin_line, "the ADMIN block's text");

    /* All blocks, A. */
    char abuf[1024];
    got = 0;
    CHECK(GopherGetAttributeA(conn, plus_a, NULL, (LPBYTE)abuf, sizeof abuf, &got, NULL, 0) &&
              got == strlen(abuf) && strstr(abuf, "+INFO:") && strstr(abuf, "+ADMIN:") &&
              strstr(abuf, "+ABSTRACT:"),
          "A all blocks: %u bytes", got);

    /* The enumerator: every block, then stopping at the first FALSE. */
    attribute_calls = admin_blocks = 0;
    stop_after = 100;
    CHECK(GopherGetAttributeW(conn, plus, NULL, NULL, 0, NULL, on_attribute, 0) &&
              attribute_calls == 3 && admin_blocks == 1,
          "enumerator: %d calls, %d ADMIN", attribute_calls, admin_blocks);
    attribute_calls = admin_blocks = 0;
    stop_after = 1;
    CHECK(GopherGetAttributeW(conn, plus, NULL, NULL, 0, NULL, on_attribute, 0) &&
              attribute_calls == 1,
          "enumerator stops: %d calls", attribute_calls);

    /* A locator without the Gopher+ flag, and bad parameters. */
    got = 0;
    CHECK(!GopherGetAttributeW(conn, about, NULL, (LPBYTE)wbuf, 512, &got, NULL, 0) &&
              hinternet_get_last_error() == ERROR_GOPHER_NOT_GOPHER_PLUS,
          "not Gopher+");
    CHECK(!GopherGetAttributeW(conn, NULL, NULL, (LPBYTE)wbuf, 512, &got, NULL, 0) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "NULL locator");
    CHECK(!GopherGetAttributeW(conn, plus, NULL, (LPBYTE)wbuf, 512, NULL, NULL, 0) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "NULL count without an enumerator");
    CHECK(InternetCloseHandle(conn) && InternetCloseHandle(root), "close");
}

/* The upload in an asynchronous session, the first 1000 bytes in INTERNET_BUFFERS. */
static int settle_async(BOOL ok, int before, const char *what) {
    if (ok) return 1;
    if (hinternet_get_last_error() != ERROR_IO_PENDING) {
        CHECK(0, "%s failed", what);
        return 0;
    }
    int done = wait_completes(before + 1) && atomic_load(&last_async_error) == 0;
    CHECK(done, "%s: REQUEST_COMPLETE error %u", what, atomic_load(&last_async_error));
    return done;
}

static void upload_async(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL,
                                   INTERNET_FLAG_ASYNC);
    InternetSetStatusCallbackW(root, on_status);
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, NULL, NULL,
                                      INTERNET_SERVICE_HTTP, 0, 0);
    HINTERNET req = HttpOpenRequestW(conn, u"POST", u"/echo", NULL, NULL, NULL, 0, 42);
    CHECK(req != NULL, "HttpOpenRequestW POST");
    static unsigned char body[3000];
    for (int i = 0; i < 3000; i++) body[i] = (unsigned char)('a' + i % 23);
    INTERNET_BUFFERSW in;
    memset(&in, 0, sizeof in);
    in.dwStructSize = sizeof in;
    in.lpvBuffer = body;
    in.dwBufferLength = 1000;
    in.dwBufferTotal = 3000;
    int before = atomic_load(&completes);
    int ok = settle_async(HttpSendRequestExW(req, &in, NULL, 0, 42), before,
                          "HttpSendRequestExW with initial bytes");
    for (int k = 1; ok && k < 3; k++) {
        DWORD written = 0;
        before = atomic_load(&completes);
        ok = settle_async(InternetWriteFile(req, body + 1000 * k, 1000, &written), before,
                          "InternetWriteFile");
        CHECK(ok && written == 1000, "InternetWriteFile %d: %u", k, written);
    }
    before = atomic_load(&completes);
    ok = ok && settle_async(HttpEndRequestW(req, NULL, 0, 42), before, "HttpEndRequestW");
    static unsigned char echo[5000];
    size_t total = 0;
    int done = 0;
    for (int k = 0; ok && k < 10000 && !done && total + 1024 <= sizeof echo; k++) {
        DWORD n = 0xdeadbeef;
        before = atomic_load(&completes);
        if (!settle_async(InternetReadFile(req, echo + total, 1024, &n), before, "read")) break;
        if (n == 0xdeadbeef || n > 1024) break;
        if (n == 0) done = 1;
        total += n;
    }
    CHECK(done && total == 3000 && memcmp(echo, body, 3000) == 0, "echoed %zu bytes", total);
    CHECK(InternetCloseHandle(req) && InternetCloseHandle(conn) && InternetCloseHandle(root),
          "close");
    CHECK(atomic_load(&bad_payload) == 0, "bad payloads: %d", atomic_load(&bad_payload));
}

/* ---- FTP ---- */

static void ftp(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    WCHAR url[128];
    char narrow[128];
    snprintf(narrow, sizeof narrow, "ftp://127.0.0.1:%u/readme.txt", port);
    size_t i = 0;
    for (; narrow[i]; i++) url[i] = (WCHAR)narrow[i];
    url[i] = 0;
    HINTERNET file = InternetOpenUrlW(root, url, NULL, 0, INTERNET_FLAG_PASSIVE, 0);
    CHECK(file != NULL, "InternetOpenUrlW ftp://");
    char readme[128] = {0};
    long got = file ? read_all(file, (unsigned char *)readme, sizeof readme - 1) : -1;
    CHECK(got > 0 && strcmp(readme, "hello from the hinternet ftp test server\r\n") == 0,
          "ftp download: %ld bytes '%s'", got, readme);
    if (file) CHECK(InternetCloseHandle(file), "close ftp url");

    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, u"user", u"secret",
                                      INTERNET_SERVICE_FTP, INTERNET_FLAG_PASSIVE, 0);
    CHECK(conn != NULL, "InternetConnectW FTP");

    DWORD code = 1;
    WCHAR wresp[512];
    DWORD len = sizeof wresp / sizeof wresp[0];
    CHECK(InternetGetLastResponseInfoW(&code, wresp, &len) && len == wlen(wresp) && len > 0,
          "InternetGetLastResponseInfoW len %u", len);
    char aresp[2];
    len = sizeof aresp;
    CHECK(!InternetGetLastResponseInfoA(&code, aresp, &len) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len > 2,
          "short InternetGetLastResponseInfoA len %u", len);

    CHECK(FtpSetCurrentDirectoryW(conn, u"/pub"), "FtpSetCurrentDirectoryW");
    WCHAR wdir[8];
    len = 4;
    CHECK(!FtpGetCurrentDirectoryW(conn, wdir, &len) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len == 5,
          "short FtpGetCurrentDirectoryW len %u", len);
    len = sizeof wdir / sizeof wdir[0];
    CHECK(FtpGetCurrentDirectoryW(conn, wdir, &len) && wide_is(wdir, "/pub") && len == 4,
          "FtpGetCurrentDirectoryW len %u", len);
    char adir[8];
    len = sizeof adir;
    CHECK(FtpGetCurrentDirectoryA(conn, adir, &len) && strcmp(adir, "/pub") == 0 && len == 4,
          "FtpGetCurrentDirectoryA len %u", len);

    WIN32_FIND_DATAW fd;
    memset(&fd, 0xff, sizeof fd);
    HINTERNET find = FtpFindFirstFileW(conn, NULL, &fd, 0, 0);
    CHECK(find != NULL, "FtpFindFirstFileW");
    int names = 0, data_size_ok = 0;
    for (int k = 0; find && k < 16; k++) {
        names++;
        if (wide_is(fd.cFileName, "data.bin") && fd.nFileSizeLow == 1024 && fd.nFileSizeHigh == 0 &&
            !(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
            data_size_ok = 1;
        if (!InternetFindNextFileW(find, &fd)) {
            CHECK(hinternet_get_last_error() == ERROR_NO_MORE_FILES, "end of listing");
            break;
        }
    }
    CHECK(names == 2 && data_size_ok, "listing: %d names, data.bin ok %d", names, data_size_ok);
    if (find) CHECK(InternetCloseHandle(find), "close find");

    WIN32_FIND_DATAA fda;
    memset(&fda, 0, sizeof fda);
    find = FtpFindFirstFileA(conn, "/", &fda, 0, 0);
    CHECK(find != NULL && fda.cFileName[0] != 0, "FtpFindFirstFileA '%s'", fda.cFileName);
    if (find) CHECK(InternetCloseHandle(find), "close find A");

    HINTERNET f = FtpOpenFileW(conn, u"data.bin", GENERIC_READ, FTP_TRANSFER_TYPE_BINARY, 0);
    CHECK(f != NULL, "FtpOpenFileW");
    DWORD high = 7;
    DWORD low = f ? FtpGetFileSize(f, &high) : 0;
    CHECK(low == 1024 && high == 0, "FtpGetFileSize %u/%u", low, high);
    static unsigned char bin[2048];
    got = f ? read_all(f, bin, sizeof bin) : -1;
    int bin_ok = got == 1024;
    for (long k = 0; bin_ok && k < got; k++)
        if (bin[k] != (unsigned char)(k % 256)) bin_ok = 0;
    CHECK(bin_ok, "data.bin: %ld bytes", got);
    if (f) CHECK(InternetCloseHandle(f), "close file");

    CHECK(InternetCloseHandle(conn), "close connect");
    CHECK(InternetCloseHandle(root), "close root");
}

/* ---- Gopher ---- */

static void gopher(void) {
    HINTERNET root = InternetOpenW(u"hinternet-c", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, NULL, NULL,
                                      INTERNET_SERVICE_GOPHER, 0, 0);
    CHECK(conn != NULL, "InternetConnectW gopher");
    GOPHER_FIND_DATAW gd;
    memset(&gd, 0, sizeof gd);
    HINTERNET find = GopherFindFirstFileW(conn, NULL, NULL, &gd, 0, 0);
    CHECK(find != NULL, "GopherFindFirstFileW");
    int items = 0, about_ok = 0, dir_ok = 0;
    WCHAR about_locator[654] = {0};
    for (int k = 0; find && k < 32; k++) {
        items++;
        if (wide_is(gd.DisplayString, "About this server") &&
            (gd.GopherType & GOPHER_TYPE_TEXT_FILE)) {
            about_ok = 1;
            memcpy(about_locator, gd.Locator, sizeof about_locator);
        }
        if (wide_is(gd.DisplayString, "A submenu") && (gd.GopherType & GOPHER_TYPE_DIRECTORY))
            dir_ok = 1;
        if (!InternetFindNextFileW(find, &gd)) {
            CHECK(hinternet_get_last_error() == ERROR_NO_MORE_FILES, "end of menu");
            break;
        }
    }
    CHECK(items >= 5 && about_ok && dir_ok, "menu: %d items, about %d, dir %d", items,
          about_ok, dir_ok);
    if (find) CHECK(InternetCloseHandle(find), "close find");

    GOPHER_FIND_DATAA ga;
    memset(&ga, 0, sizeof ga);
    find = GopherFindFirstFileA(conn, NULL, NULL, &ga, 0, 0);
    CHECK(find != NULL && strcmp(ga.DisplayString, "About this server") == 0,
          "GopherFindFirstFileA '%s'", ga.DisplayString);
    if (find) CHECK(InternetCloseHandle(find), "close find A");

    DWORD type = 0;
    CHECK(about_locator[0] && GopherGetLocatorTypeW(about_locator, &type) &&
              (type & GOPHER_TYPE_TEXT_FILE),
          "GopherGetLocatorTypeW %#x", type);
    char loc[16];
    DWORD len = sizeof loc;
    CHECK(!GopherCreateLocatorA("127.0.0.1", port, "About", "/about.txt", GOPHER_TYPE_TEXT_FILE,
                                loc, &len) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len > sizeof loc,
          "short GopherCreateLocatorA: %u", len);
    WCHAR wloc[256];
    len = sizeof wloc / sizeof wloc[0];
    CHECK(GopherCreateLocatorW(u"127.0.0.1", port, u"About", u"/about.txt",
                               GOPHER_TYPE_TEXT_FILE, wloc, &len) &&
              len == wlen(wloc),
          "GopherCreateLocatorW len %u", len);

    HINTERNET file = about_locator[0] ? GopherOpenFileW(conn, about_locator, NULL, 0, 0) : NULL;
    CHECK(file != NULL, "GopherOpenFileW");
    char text[256] = {0};
    long got = file ? read_all(file, (unsigned char *)text, sizeof text - 1) : -1;
    CHECK(got > 0 && strncmp(text, "About this server\r\n", 19) == 0, "about.txt '%s'", text);
    if (file) CHECK(InternetCloseHandle(file), "close gopher file");
    CHECK(InternetCloseHandle(conn) && InternetCloseHandle(root), "close");
}

/* ---- errors ---- */

static void errors(void) {
    HINTERNET bogus = (HINTERNET)(uintptr_t)0x7777;
    HINTERNET wide = (HINTERNET)(uintptr_t)(1ull << 40);
    DWORD n = 0, len = 0;
    CHECK(!InternetCloseHandle(bogus) && hinternet_get_last_error() == ERROR_INVALID_HANDLE,
          "close bogus");
    CHECK(!InternetCloseHandle(wide) && hinternet_get_last_error() == ERROR_INVALID_HANDLE,
          "close 40-bit value");
    char buf[16];
    CHECK(!InternetReadFile(bogus, buf, sizeof buf, &n) &&
              hinternet_get_last_error() == ERROR_INVALID_HANDLE,
          "read bogus");
    CHECK(InternetSetStatusCallbackA(bogus, NULL) == INTERNET_INVALID_STATUS_CALLBACK &&
              hinternet_get_last_error() == ERROR_INVALID_HANDLE,
          "callback on bogus");

    HINTERNET root = InternetOpenW(u"x", INTERNET_OPEN_TYPE_DIRECT, NULL, NULL, 0);
    CHECK(InternetConnectW(root, NULL, port, NULL, NULL, INTERNET_SERVICE_HTTP, 0, 0) == NULL &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "connect without a server");
    CHECK(InternetConnectW(root, u"127.0.0.1", port, NULL, NULL, 99, 0, 0) == NULL &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "unknown service");
    /* Wrong handle kinds. */
    CHECK(HttpOpenRequestW(root, u"GET", u"/", NULL, NULL, NULL, 0, 0) == NULL &&
              hinternet_get_last_error() == ERROR_INTERNET_INCORRECT_HANDLE_TYPE,
          "HttpOpenRequestW on a root");
    HINTERNET conn = InternetConnectW(root, u"127.0.0.1", port, NULL, NULL,
                                      INTERNET_SERVICE_HTTP, 0, 0);
    HINTERNET req = HttpOpenRequestW(conn, u"GET", u"/fixed", NULL, NULL, NULL, 0, 0);
    CHECK(req != NULL, "request");
    /* NULL length pointers and queries before the send. */
    CHECK(!HttpQueryInfoW(req, HTTP_QUERY_STATUS_CODE, buf, NULL, NULL) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "HttpQueryInfoW NULL length");
    CHECK(!InternetQueryOptionW(root, INTERNET_OPTION_USER_AGENT, buf, NULL) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "InternetQueryOptionW NULL length");
    CHECK(!InternetWriteFile(req, buf, 1, NULL) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "InternetWriteFile NULL count");
    CHECK(!InternetReadFile(req, buf, sizeof buf, NULL) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "InternetReadFile NULL count");
    CHECK(!InternetGetLastResponseInfoW(NULL, NULL, &len) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "InternetGetLastResponseInfoW NULL error");
    DWORD code = 0;
    CHECK(!InternetGetLastResponseInfoW(&code, NULL, NULL) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "InternetGetLastResponseInfoW NULL length");
    CHECK(HttpSendRequestW(req, NULL, 0, NULL, 0), "send");
    /* Short buffers. */
    DWORD status = 0;
    len = 2;
    CHECK(!HttpQueryInfoW(req, HTTP_QUERY_STATUS_CODE | HTTP_QUERY_FLAG_NUMBER, &status, &len,
                          NULL) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len == 4,
          "short number: len %u", len);
    len = 0;
    CHECK(!HttpQueryInfoW(req, HTTP_QUERY_RAW_HEADERS_CRLF, NULL, &len, NULL) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER && len > 20,
          "NULL buffer raw headers: len %u", len);
    DWORD timeout = 5;
    CHECK(!InternetSetOptionW(root, INTERNET_OPTION_CONNECT_TIMEOUT, &timeout, 2),
          "DWORD option with length 2 is refused");
    /* Closed handles are bad handles. */
    CHECK(InternetCloseHandle(req), "close request");
    CHECK(!InternetReadFile(req, buf, sizeof buf, &n) &&
              hinternet_get_last_error() == ERROR_INVALID_HANDLE,
          "read a closed request");
    CHECK(FtpGetFileSize(conn, &n) == 0xffffffffu, "FtpGetFileSize on an HTTP connect");
    CHECK(InternetCloseHandle(conn) && InternetCloseHandle(root), "close");
}

int main(int argc, char **argv) {
    if (!mode_and_port(argc, argv,
                       "http|ansi|upload|upload-async|async|async-hooks|ftp|ftp-async|ftp-two-pending|ftp-command|gopher|gopher-attributes|errors",
                       &port))
        return 2;
    if (strcmp(argv[1], "http") == 0)
        http_get();
    else if (strcmp(argv[1], "ansi") == 0)
        ansi();
    else if (strcmp(argv[1], "upload") == 0)
        upload();
    else if (strcmp(argv[1], "upload-async") == 0)
        upload_async();
    else if (strcmp(argv[1], "async") == 0)
        async_get();
    else if (strcmp(argv[1], "async-hooks") == 0)
        async_get_on_host_threads();
    else if (strcmp(argv[1], "ftp") == 0)
        ftp();
    else if (strcmp(argv[1], "gopher") == 0)
        gopher();
    else if (strcmp(argv[1], "ftp-async") == 0)
        ftp_async();
    else if (strcmp(argv[1], "ftp-two-pending") == 0)
        ftp_two_pending();
    else if (strcmp(argv[1], "ftp-command") == 0)
        ftp_command();
    else if (strcmp(argv[1], "gopher-attributes") == 0)
        gopher_attributes();
    else if (strcmp(argv[1], "errors") == 0)
        errors();
    else
        return 2;
    /* Every handle is closed: the library's threads can be joined, so the program ends
     * with none alive (valgrind then sees no "possibly lost" thread blocks). */
    CHECK(hinternet_shutdown(), "hinternet_shutdown");
    return report();
}
