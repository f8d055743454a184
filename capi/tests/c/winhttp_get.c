/*
 * winhttp_get.c: the WinHTTP handle exports from C, against the loopback HTTP test server.
 *
 *   winhttp_get sync PORT    synchronous GET of /bytes?n=100000: status 200 and
 *                            Content-Length via WINHTTP_QUERY_FLAG_NUMBER, read loop, every
 *                            byte checked against the server's pattern (i % 251)
 *   winhttp_get async PORT   the same GET in an asynchronous session, driven entirely from
 *                            the status callback (on a library thread), which closes the
 *                            request itself after the last read
 *   winhttp_get async-hooks PORT  the async GET with host hooks installed first: every
 *                            callback must run on a thread created through the host's
 *                            create_thread hook, and last errors go through its hooks
 *   winhttp_get websocket PORT  a websocket echo on /upgrade (sync), close handshake and
 *                            WinHttpWebSocketQueryCloseStatus with a short buffer
 *   winhttp_get auth PORT    /auth: WinHttpQueryAuthSchemes after the 401, then
 *                            WinHttpSetCredentials (Basic) and a 200
 *   winhttp_get post PORT    a POST of 3 x 1000 bytes to /echo with WinHttpWriteData; the
 *                            echoed body must match
 *   winhttp_get errors PORT  bad handles, NULL out pointers, short buffers: exact last errors
 *   winhttp_get proxy PORT   the proxy configuration functions (strings in global memory,
 *                            freed with hinternet_global_free), WINHTTP_OPTION_PROXY and
 *                            _CONNECTION_INFO, WinHttpReadDataEx
 *
 * Prints "N passed, M failed"; exits 1 when any check failed.
 */
#include "common.h"

#define BODY_LEN 100000

_Static_assert(sizeof(WINHTTP_CONNECTION_INFO) == 264, "WINHTTP_CONNECTION_INFO");
_Static_assert(offsetof(WINHTTP_CONNECTION_INFO, LocalAddress) == 8, "LocalAddress");
_Static_assert(offsetof(WINHTTP_CONNECTION_INFO, RemoteAddress) == 136, "RemoteAddress");
_Static_assert(sizeof(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG) == 32, "IE_PROXY_CONFIG");
_Static_assert(offsetof(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG, lpszProxyBypass) == 24, "bypass");
_Static_assert(sizeof(WINHTTP_AUTOPROXY_OPTIONS) == 32, "WINHTTP_AUTOPROXY_OPTIONS");
_Static_assert(sizeof(WINHTTP_EXTENDED_HEADER) == 16, "WINHTTP_EXTENDED_HEADER");
_Static_assert(sizeof(WINHTTP_HEADER_NAME) == 8, "WINHTTP_HEADER_NAME");
_Static_assert(offsetof(WINHTTP_AUTOPROXY_OPTIONS, dwReserved) == 24, "dwReserved");
_Static_assert(offsetof(WINHTTP_AUTOPROXY_OPTIONS, fAutoLogonIfChallenged) == 28, "fAutoLogon");

static INTERNET_PORT port;

/* ---- synchronous ---- */

/* A session-wide callback: HANDLE_CREATED carries the new HINTERNET (its hInternet is the
 * parent for a connect, as in Windows), HANDLE_CLOSING the closing one (== hInternet). */
static atomic_int sync_created, sync_closing, sync_bad_payloads;
static HINTERNET sync_created_values[2];

static void HINTERNET_API on_sync_status(HINTERNET h, DWORD_PTR context, DWORD status,
                                         LPVOID info, DWORD info_len) {
    (void)context;
    if (status != WINHTTP_CALLBACK_STATUS_HANDLE_CREATED &&
        status != WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING)
        return;
    HINTERNET value = handle_info(info, info_len);
    if (value == NULL) {
        atomic_fetch_add(&sync_bad_payloads, 1);
        return;
    }
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED) {
        int n = atomic_fetch_add(&sync_created, 1);
        if (n < 2) sync_created_values[n] = value;
    } else {
        if (value != h) atomic_fetch_add(&sync_bad_payloads, 1);
        atomic_fetch_add(&sync_closing, 1);
    }
}

static void sync_get(void) {
    HINTERNET session = WinHttpOpen(u"hinternet-c", WINHTTP_ACCESS_TYPE_NO_PROXY,
                                    WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
    CHECK(session != NULL, "WinHttpOpen");
    CHECK(hinternet_get_last_error() == ERROR_SUCCESS, "WinHttpOpen sets ERROR_SUCCESS");
    CHECK(WinHttpSetStatusCallback(session, on_sync_status,
                                   WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0) == NULL,
          "session callback");
    HINTERNET connect = WinHttpConnect(session, u"127.0.0.1", port, 0);
    CHECK(connect != NULL, "WinHttpConnect");
    HINTERNET request = WinHttpOpenRequest(connect, u"GET", u"/bytes?n=100000", NULL,
                                           WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    CHECK(request != NULL, "WinHttpOpenRequest");
    CHECK(WinHttpAddRequestHeaders(request, u"X-Test: 1", (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD),
          "WinHttpAddRequestHeaders");
    CHECK(WinHttpSendRequest(request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA,
                             0, 0, 0),
          "WinHttpSendRequest");
    CHECK(WinHttpReceiveResponse(request, NULL), "WinHttpReceiveResponse");

    DWORD status = 0, size = sizeof(status);
    CHECK(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                              WINHTTP_HEADER_NAME_BY_INDEX, &status, &size,
                              WINHTTP_NO_HEADER_INDEX),
          "QueryHeaders(STATUS_CODE)");
    CHECK(status == 200 && size == sizeof(DWORD), "status %u size %u", status, size);
    DWORD length = 0;
    size = sizeof(length);
    CHECK(WinHttpQueryHeaders(request, WINHTTP_QUERY_CONTENT_LENGTH | WINHTTP_QUERY_FLAG_NUMBER,
                              WINHTTP_HEADER_NAME_BY_INDEX, &length, &size,
                              WINHTTP_NO_HEADER_INDEX),
          "QueryHeaders(CONTENT_LENGTH)");
    CHECK(length == BODY_LEN, "Content-Length %u", length);

    unsigned char *body = calloc(1, BODY_LEN + 8192);
    size_t total = 0;
    int loops = 0;
    for (; loops < 10000; loops++) {
        DWORD available = 0;
        if (!WinHttpQueryDataAvailable(request, &available)) {
            CHECK(0, "WinHttpQueryDataAvailable");
            break;
        }
        if (available == 0) break;
        if (available > 8192) available = 8192;
        DWORD read = 0;
        if (!WinHttpReadData(request, body + total, available, &read)) {
            CHECK(0, "WinHttpReadData");
            break;
        }
        if (read == 0) break;
        total += read;
        if (total > BODY_LEN) break;
    }
    CHECK(total == BODY_LEN, "read %zu bytes", total);
    CHECK(pattern_ok(body, total), "body pattern");
    free(body);
    CHECK(WinHttpCloseHandle(request), "close request");
    CHECK(WinHttpCloseHandle(connect), "close connect");
    CHECK(WinHttpCloseHandle(session), "close session");
    for (int waited = 0; atomic_load(&sync_closing) < 3 && waited < 10000; waited += 10)
        sleep_ms(10);
    CHECK(atomic_load(&sync_created) == 2 && sync_created_values[0] == connect &&
              sync_created_values[1] == request,
          "%d HANDLE_CREATED", atomic_load(&sync_created));
    CHECK(atomic_load(&sync_closing) == 3, "%d HANDLE_CLOSING", atomic_load(&sync_closing));
    CHECK(atomic_load(&sync_bad_payloads) == 0, "%d bad handle payloads",
          atomic_load(&sync_bad_payloads));
    printf("sync: status %u, %zu bytes in %d reads\n", status, total, loops);
}

/* ---- host hooks: last error and thread creation owned by "the host" ---- */

static int hooks_installed;

static atomic_int unload_events_signalled;
static int unload_event_object; /* the "event": its address is the handle value */

static int32_t HINTERNET_CALLBACK host_set_event(void *event) {
    if (event == &unload_event_object) atomic_fetch_add(&unload_events_signalled, 1);
    return 1;
}

static void install_hooks(void) {
    struct hinternet_host_hooks hooks = hooks_template();
    hooks.set_last_error = host_set_last_error;
    hooks.get_last_error = host_get_last_error;
    hooks.create_thread = host_create_thread;
    hooks.set_event = host_set_event;
    CHECK(hinternet_set_host_hooks(&hooks) == TRUE, "hinternet_set_host_hooks");
    hooks_installed = 1;
}

/* ---- asynchronous, driven from the callback ---- */

struct async_state {
    HINTERNET request;
    unsigned char buffer[4096];
    unsigned char *body;
    size_t total;
    DWORD status;
    atomic_int closing; /* HANDLE_CLOSING seen */
    atomic_int errors;  /* callback-side failures */
    int read_buffer_ok; /* READ_COMPLETE pointed at our buffer */
    int reads;
    atomic_int off_host_thread; /* callbacks on a thread the host did not create */
    int server_names;           /* CONNECT(ING|ED)_TO_SERVER with the IP as a wide string */
};

static void HINTERNET_API on_status(HINTERNET h, DWORD_PTR context, DWORD status, LPVOID info,
                                    DWORD info_len) {
    struct async_state *st = (struct async_state *)context;
    if (st != NULL && hooks_installed && !on_host_thread) atomic_fetch_add(&st->off_host_thread, 1);
    if (st == NULL || h != st->request) {
        if (st) atomic_fetch_add(&st->errors, 1);
        return;
    }
    switch (status) {
    case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER:
    case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER: {
        /* The IP as a NUL-terminated wide string; the length counts WCHARs with the NUL. */
        static const WCHAR ip[] = u"127.0.0.1";
        if (info != NULL && info_len == sizeof(ip) / sizeof(WCHAR) &&
            memcmp(info, ip, sizeof(ip)) == 0)
            st->server_names++;
        else
            atomic_fetch_add(&st->errors, 1);
        break;
    }
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
        if (!WinHttpReceiveResponse(h, NULL)) atomic_fetch_add(&st->errors, 1);
        break;
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE: {
        DWORD size = sizeof(st->status);
        if (!WinHttpQueryHeaders(h, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                 WINHTTP_HEADER_NAME_BY_INDEX, &st->status, &size,
                                 WINHTTP_NO_HEADER_INDEX))
            atomic_fetch_add(&st->errors, 1);
        if (!WinHttpQueryDataAvailable(h, NULL)) atomic_fetch_add(&st->errors, 1);
        break;
    }
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE: {
        if (info == NULL || info_len != sizeof(DWORD)) {
            atomic_fetch_add(&st->errors, 1);
            break;
        }
        DWORD available = *(DWORD *)info;
        if (available == 0) {
            WinHttpCloseHandle(h); /* close from inside the callback */
            break;
        }
        if (available > sizeof(st->buffer)) available = sizeof(st->buffer);
        if (!WinHttpReadData(h, st->buffer, available, NULL)) atomic_fetch_add(&st->errors, 1);
        break;
    }
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        st->reads++;
        if (info != st->buffer) st->read_buffer_ok = 0;
        if (info_len == 0 || st->total + info_len > BODY_LEN) {
            WinHttpCloseHandle(h);
            break;
        }
        memcpy(st->body + st->total, info, info_len);
        st->total += info_len;
        if (!WinHttpQueryDataAvailable(h, NULL)) atomic_fetch_add(&st->errors, 1);
        break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: {
        WINHTTP_ASYNC_RESULT *r = (WINHTTP_ASYNC_RESULT *)info;
        fprintf(stderr, "REQUEST_ERROR api %lu error %u\n", (unsigned long)r->dwResult,
                r->dwError);
        atomic_fetch_add(&st->errors, 1);
        WinHttpCloseHandle(h);
        break;
    }
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        if (handle_info(info, info_len) != h)
            atomic_fetch_add(&st->errors, 1);
        atomic_store(&st->closing, 1);
        break;
    default:
        break;
    }
}

static void async_get(void) {
    static struct async_state st;
    st.body = calloc(1, BODY_LEN);
    st.read_buffer_ok = 1;
    HINTERNET session = WinHttpOpen(u"hinternet-c", WINHTTP_ACCESS_TYPE_NO_PROXY,
                                    WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS,
                                    WINHTTP_FLAG_ASYNC);
    CHECK(session != NULL, "WinHttpOpen(ASYNC)");
    if (hooks_installed) {
        void *event = &unload_event_object;
        CHECK(WinHttpSetOption(session, WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT, &event, sizeof event),
              "WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT");
    }
    HINTERNET connect = WinHttpConnect(session, u"127.0.0.1", port, 0);
    CHECK(connect != NULL, "WinHttpConnect");
    st.request = WinHttpOpenRequest(connect, u"GET", u"/bytes?n=100000", NULL,
                                    WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    CHECK(st.request != NULL, "WinHttpOpenRequest");
    WINHTTP_STATUS_CALLBACK previous = WinHttpSetStatusCallback(
        st.request, on_status, WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    CHECK(previous == NULL, "no previous callback");
    previous = WinHttpSetStatusCallback(st.request, on_status,
                                        WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS, 0);
    CHECK(previous == on_status, "previous callback is ours");
    CHECK(WinHttpSendRequest(st.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0,
                             WINHTTP_NO_REQUEST_DATA, 0, 0, (DWORD_PTR)&st),
          "WinHttpSendRequest(async)");
    int waited = 0;
    while (!atomic_load(&st.closing) && waited < 20000) {
        sleep_ms(10);
        waited += 10;
    }
    CHECK(atomic_load(&st.closing), "HANDLE_CLOSING within 20 s");
    CHECK(atomic_load(&st.errors) == 0, "%d callback-side errors", atomic_load(&st.errors));
    CHECK(st.status == 200, "status %u", st.status);
    CHECK(st.total == BODY_LEN, "read %zu bytes", st.total);
    CHECK(pattern_ok(st.body, st.total), "body pattern");
    CHECK(st.read_buffer_ok, "READ_COMPLETE passes the application's buffer");
    CHECK(st.server_names == 2, "%d server-address notifications", st.server_names);
    if (hooks_installed) {
        CHECK(atomic_load(&st.off_host_thread) == 0, "%d callbacks off the host's threads",
              atomic_load(&st.off_host_thread));
        CHECK(atomic_load(&host_threads) >= 2, "%d threads created through the hook",
              atomic_load(&host_threads));
        CHECK(atomic_load(&host_error_sets) > 0, "last errors went through the hook");
    }
    CHECK(!WinHttpCloseHandle(st.request) &&
              hinternet_get_last_error() == ERROR_INVALID_HANDLE,
          "the request is closed");
    CHECK(WinHttpCloseHandle(connect), "close connect");
    CHECK(WinHttpCloseHandle(session), "close session");
    /* Let the closing notifications of the parents drain before the process ends. */
    sleep_ms(200);
    printf("async: status %u, %zu bytes in %d reads\n", st.status, st.total, st.reads);
    free(st.body);
}

/* ---- errors ---- */

static void errors(void) {
    HINTERNET bogus = (HINTERNET)(uintptr_t)0x7777;
    CHECK_FAILS_WITH(WinHttpCloseHandle(NULL), ERROR_INVALID_HANDLE);
    CHECK_FAILS_WITH(WinHttpCloseHandle(bogus), ERROR_INVALID_HANDLE);
    CHECK_FAILS_WITH(WinHttpCloseHandle((HINTERNET)(uintptr_t)0x123456789abcULL),
                ERROR_INVALID_HANDLE);
    CHECK_FAILS_WITH(WinHttpReceiveResponse(bogus, NULL), ERROR_INVALID_HANDLE);
    CHECK(WinHttpConnect(bogus, u"127.0.0.1", port, 0) == NULL &&
              hinternet_get_last_error() == ERROR_INVALID_HANDLE,
          "WinHttpConnect(bad handle)");
    CHECK(WinHttpSetStatusCallback(bogus, NULL, 0, 0) == WINHTTP_INVALID_STATUS_CALLBACK &&
              hinternet_get_last_error() == ERROR_INVALID_HANDLE,
          "WinHttpSetStatusCallback(bad handle)");

    HINTERNET session = WinHttpOpen(u"hinternet-c", WINHTTP_ACCESS_TYPE_NO_PROXY,
                                    WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
    CHECK(session != NULL, "WinHttpOpen");
    /* Wrong handle kind. */
    CHECK(WinHttpOpenRequest(session, u"GET", u"/", NULL, NULL, NULL, 0) == NULL &&
              hinternet_get_last_error() == ERROR_WINHTTP_INCORRECT_HANDLE_TYPE,
          "WinHttpOpenRequest(session handle)");
    CHECK_FAILS_WITH(WinHttpReceiveResponse(session, NULL), ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    CHECK(WinHttpConnect(session, NULL, port, 0) == NULL &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "WinHttpConnect(NULL server)");

    /* Options: a DWORD round trip, NULL length, short buffer. */
    DWORD timeout = 1234, got = 0, size = sizeof(got);
    CHECK(WinHttpSetOption(session, WINHTTP_OPTION_CONNECT_TIMEOUT, &timeout, sizeof(timeout)),
          "SetOption(CONNECT_TIMEOUT)");
    CHECK(WinHttpQueryOption(session, WINHTTP_OPTION_CONNECT_TIMEOUT, &got, &size) &&
              got == 1234 && size == sizeof(DWORD),
          "QueryOption(CONNECT_TIMEOUT) = %u size %u", got, size);
    size = 2;
    CHECK_FAILS_WITH(WinHttpQueryOption(session, WINHTTP_OPTION_CONNECT_TIMEOUT, &got, &size),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK(size == sizeof(DWORD), "required size %u", size);
    CHECK_FAILS_WITH(WinHttpSetOption(session, WINHTTP_OPTION_CONNECT_TIMEOUT, &timeout, 2),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK(WinHttpSetTimeouts(session, 5000, 5000, 5000, 5000), "WinHttpSetTimeouts");
    CHECK_FAILS_WITH(WinHttpSetTimeouts(session, -2, 0, 0, 0), ERROR_INVALID_PARAMETER);

    HINTERNET connect = WinHttpConnect(session, u"127.0.0.1", port, 0);
    HINTERNET request = WinHttpOpenRequest(connect, u"GET", u"/fixed", NULL, NULL, NULL, 0);
    CHECK(connect != NULL && request != NULL, "connect + request");
    /* Before the send: no response yet. */
    DWORD status = 0;
    size = sizeof(status);
    CHECK_FAILS_WITH(WinHttpQueryDataAvailable(request, &size), ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    CHECK_FAILS_WITH(WinHttpReceiveResponse(request, (LPVOID)&status), ERROR_INVALID_PARAMETER);
    CHECK_FAILS_WITH(WinHttpAddRequestHeaders(request, NULL, (DWORD)-1, WINHTTP_ADDREQ_FLAG_ADD),
                ERROR_INVALID_PARAMETER);
    CHECK(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send");
    CHECK(WinHttpReceiveResponse(request, NULL), "receive");

    /* NULL length pointer. */
    CHECK_FAILS_WITH(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                    NULL, &status, NULL, NULL),
                ERROR_INVALID_PARAMETER);
    /* Short buffers: the required size (bytes, with the NUL) comes back. */
    WCHAR small[2];
    size = sizeof(small);
    CHECK_FAILS_WITH(WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, small, &size,
                                    NULL),
                ERROR_INSUFFICIENT_BUFFER);
    DWORD required = size;
    CHECK(required > sizeof(small) && required % 2 == 0, "required %u bytes", required);
    size = 0;
    CHECK_FAILS_WITH(WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL,
                                    WINHTTP_NO_OUTPUT_BUFFER, &size, NULL),
                ERROR_INSUFFICIENT_BUFFER);
    CHECK(size == required, "probe size %u == %u", size, required);
    WCHAR *raw = malloc(required);
    size = required;
    CHECK(WinHttpQueryHeaders(request, WINHTTP_QUERY_RAW_HEADERS_CRLF, NULL, raw, &size, NULL),
          "RAW_HEADERS_CRLF with the required size");
    CHECK(size == required - 2 && raw[size / 2] == 0, "length %u without the NUL", size);
    CHECK(raw[0] == u'H' && raw[1] == u'T', "starts with HTTP");
    free(raw);
    DWORD tiny = 0;
    size = 2;
    CHECK_FAILS_WITH(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                    NULL, &tiny, &size, NULL),
                ERROR_INSUFFICIENT_BUFFER);
    /* NULL read buffer. */
    DWORD read = 0;
    CHECK_FAILS_WITH(WinHttpReadData(request, NULL, 10, &read), ERROR_INVALID_PARAMETER);
    /* Read the body (12 bytes: "hello, world"). */
    char body[64] = {0};
    CHECK(WinHttpReadData(request, body, sizeof(body) - 1, &read) && read == 12 &&
              memcmp(body, "hello, world", 12) == 0,
          "body %u bytes '%s'", read, body);

    CHECK(WinHttpCloseHandle(request), "close request");
    CHECK_FAILS_WITH(WinHttpCloseHandle(request), ERROR_INVALID_HANDLE);
    CHECK_FAILS_WITH(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                                    NULL, &status, &size, NULL),
                ERROR_INVALID_HANDLE);
    CHECK(WinHttpCloseHandle(connect), "close connect");
    CHECK(WinHttpCloseHandle(session), "close session");
}

/* ---- websocket echo ---- */

static void websocket(void) {
    HINTERNET session = WinHttpOpen(u"hinternet-c", WINHTTP_ACCESS_TYPE_NO_PROXY,
                                    WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
    HINTERNET connect = WinHttpConnect(session, u"127.0.0.1", port, 0);
    HINTERNET request = WinHttpOpenRequest(connect, u"GET", u"/upgrade", NULL, NULL, NULL, 0);
    CHECK(session && connect && request, "handles");
    CHECK(WinHttpSetOption(request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, NULL, 0),
          "SetOption(UPGRADE_TO_WEB_SOCKET)");
    CHECK(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send");
    CHECK(WinHttpReceiveResponse(request, NULL), "receive");
    DWORD status = 0, size = sizeof(status);
    CHECK(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                              NULL, &status, &size, NULL) &&
              status == 101,
          "status %u", status);
    HINTERNET ws = WinHttpWebSocketCompleteUpgrade(request, 0);
    CHECK(ws != NULL, "WinHttpWebSocketCompleteUpgrade");
    CHECK(WinHttpCloseHandle(request), "close the request");

    char message[] = "hello, websocket";
    CHECK(WinHttpWebSocketSend(ws, WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE, message,
                               (DWORD)strlen(message)) == ERROR_SUCCESS,
          "WinHttpWebSocketSend");
    char echo[64] = {0};
    DWORD got = 0;
    WINHTTP_WEB_SOCKET_BUFFER_TYPE type = -1;
    CHECK(WinHttpWebSocketReceive(ws, echo, sizeof(echo) - 1, &got, &type) == ERROR_SUCCESS,
          "WinHttpWebSocketReceive");
    CHECK(got == strlen(message) && memcmp(echo, message, got) == 0 &&
              type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE,
          "echo %u bytes '%s' type %d", got, echo, type);
    CHECK(WinHttpWebSocketReceive(ws, NULL, 10, &got, &type) == ERROR_INVALID_PARAMETER,
          "Receive(NULL buffer)");
    CHECK(WinHttpWebSocketSend((HINTERNET)(uintptr_t)0x7777,
                               WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, message, 1) ==
              ERROR_INVALID_HANDLE,
          "Send(bad handle)");

    USHORT close_status = 0;
    DWORD consumed = 0;
    char reason[32];
    CHECK(WinHttpWebSocketQueryCloseStatus(ws, &close_status, reason, sizeof(reason),
                                           &consumed) == ERROR_INVALID_OPERATION,
          "QueryCloseStatus before the close");
    char bye[] = "bye";
    CHECK(WinHttpWebSocketClose(ws, WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS, bye, 3) ==
              ERROR_SUCCESS,
          "WinHttpWebSocketClose");
    CHECK(WinHttpWebSocketQueryCloseStatus(ws, NULL, reason, sizeof(reason), &consumed) ==
              ERROR_INVALID_PARAMETER,
          "QueryCloseStatus(NULL status)");
    CHECK(WinHttpWebSocketQueryCloseStatus(ws, &close_status, reason, sizeof(reason),
                                           &consumed) == ERROR_SUCCESS &&
              close_status == WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS,
          "close status %u, reason %u bytes", close_status, consumed);
    if (consumed > 0) {
        DWORD full = consumed;
        CHECK(WinHttpWebSocketQueryCloseStatus(ws, &close_status, reason, full - 1, &consumed) ==
                      ERROR_INSUFFICIENT_BUFFER &&
                  consumed == full,
              "short reason buffer: %u", consumed);
    }
    CHECK(WinHttpCloseHandle(ws), "close the websocket");
    CHECK(WinHttpCloseHandle(connect), "close connect");
    CHECK(WinHttpCloseHandle(session), "close session");
    printf("websocket: echoed %u bytes, close status %u\n", got, close_status);
}

/* ---- upload with WinHttpWriteData ---- */

static void post(void) {
    HINTERNET session = WinHttpOpen(u"hinternet-c", WINHTTP_ACCESS_TYPE_NO_PROXY,
                                    WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
    HINTERNET connect = WinHttpConnect(session, u"127.0.0.1", port, 0);
    HINTERNET request = WinHttpOpenRequest(connect, u"POST", u"/echo", NULL, NULL, NULL, 0);
    CHECK(session && connect && request, "handles");
    unsigned char chunk[1000];
    CHECK(WinHttpSendRequest(request, NULL, 0, NULL, 0, 3 * sizeof(chunk), 0), "send");
    for (int c = 0; c < 3; c++) {
        for (size_t i = 0; i < sizeof(chunk); i++) chunk[i] = (unsigned char)((c * 1000 + i) % 251);
        DWORD written = 0;
        CHECK(WinHttpWriteData(request, chunk, sizeof(chunk), &written) && written == sizeof(chunk),
              "WinHttpWriteData chunk %d: %u", c, written);
    }
    CHECK(WinHttpReceiveResponse(request, NULL), "receive");
    unsigned char body[4000];
    size_t total = 0;
    for (int loops = 0; loops < 1000 && total < sizeof(body); loops++) {
        DWORD read = 0;
        if (!WinHttpReadData(request, body + total, (DWORD)(sizeof(body) - total), &read) ||
            read == 0)
            break;
        total += read;
    }
    CHECK(total == 3000 && pattern_ok(body, total), "echoed %zu bytes", total);
    CHECK(WinHttpCloseHandle(request) && WinHttpCloseHandle(connect) &&
              WinHttpCloseHandle(session),
          "close");
    printf("post: %zu bytes echoed\n", total);
}

/* ---- Basic authentication ---- */

static void auth(void) {
    HINTERNET session = WinHttpOpen(u"hinternet-c", WINHTTP_ACCESS_TYPE_NO_PROXY,
                                    WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
    HINTERNET connect = WinHttpConnect(session, u"127.0.0.1", port, 0);
    HINTERNET request = WinHttpOpenRequest(connect, u"GET", u"/auth", NULL, NULL, NULL, 0);
    CHECK(session && connect && request, "handles");
    DWORD supported = 0, first = 0, target = 77;
    /* No challenge yet: ERROR_INVALID_OPERATION, as Windows answers without auth headers. */
    CHECK_FAILS_WITH(WinHttpQueryAuthSchemes(request, &supported, &first, &target),
                ERROR_INVALID_OPERATION);
    CHECK(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send");
    CHECK(WinHttpReceiveResponse(request, NULL), "receive");
    DWORD status = 0, size = sizeof(status);
    CHECK(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                              NULL, &status, &size, NULL) &&
              status == 401,
          "status %u", status);
    CHECK_FAILS_WITH(WinHttpQueryAuthSchemes(request, NULL, &first, &target), ERROR_INVALID_PARAMETER);
    CHECK(WinHttpQueryAuthSchemes(request, &supported, &first, &target) &&
              supported == WINHTTP_AUTH_SCHEME_BASIC && first == WINHTTP_AUTH_SCHEME_BASIC &&
              target == WINHTTP_AUTH_TARGET_SERVER,
          "schemes %u first %u target %u", supported, first, target);
    CHECK(WinHttpSetCredentials(request, WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_SCHEME_BASIC,
                                u"user", u"secret", NULL),
          "WinHttpSetCredentials");
    CHECK(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0), "send again");
    CHECK(WinHttpReceiveResponse(request, NULL), "receive again");
    size = sizeof(status);
    CHECK(WinHttpQueryHeaders(request, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                              NULL, &status, &size, NULL) &&
              status == 200,
          "status after credentials %u", status);
    CHECK(WinHttpCloseHandle(request) && WinHttpCloseHandle(connect) &&
              WinHttpCloseHandle(session),
          "close");
    printf("auth: 401 then %u\n", status);
}

/* ---- proxy configuration, connection info, WinHttpReadDataEx ---- */

static void proxy(void) {
    /* Set, then get back: the strings come in global memory, freed with hinternet_global_free. */
    WINHTTP_PROXY_INFO set = {WINHTTP_ACCESS_TYPE_NAMED_PROXY, (LPWSTR)u"proxy.invalid:8080",
                              (LPWSTR)u"<local>"};
    CHECK(WinHttpSetDefaultProxyConfiguration(&set), "WinHttpSetDefaultProxyConfiguration");
    WINHTTP_PROXY_INFO got;
    memset(&got, 0xab, sizeof got);
    CHECK(WinHttpGetDefaultProxyConfiguration(&got), "WinHttpGetDefaultProxyConfiguration");
    CHECK(got.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY &&
              wide_is(got.lpszProxy, "proxy.invalid:8080") && wide_is(got.lpszProxyBypass, "<local>"),
          "default proxy back (access %u)", got.dwAccessType);
    CHECK(hinternet_global_free(got.lpszProxy) == NULL, "GlobalFree proxy");
    CHECK(hinternet_global_free(got.lpszProxyBypass) == NULL, "GlobalFree bypass");
    CHECK(!WinHttpGetDefaultProxyConfiguration(NULL) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "NULL proxy info");

    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG ie;
    memset(&ie, 0, sizeof ie);
    CHECK(WinHttpGetIEProxyConfigForCurrentUser(&ie), "WinHttpGetIEProxyConfigForCurrentUser");
    hinternet_global_free(ie.lpszAutoConfigUrl);
    hinternet_global_free(ie.lpszProxy);
    hinternet_global_free(ie.lpszProxyBypass);

    LPWSTR url = (LPWSTR)(uintptr_t)1;
    CHECK(!WinHttpDetectAutoProxyConfigUrl(WINHTTP_AUTO_DETECT_TYPE_DHCP |
                                               WINHTTP_AUTO_DETECT_TYPE_DNS_A,
                                           &url) &&
              hinternet_get_last_error() == ERROR_WINHTTP_AUTODETECTION_FAILED,
          "WinHttpDetectAutoProxyConfigUrl");

    /* A session opened with a named proxy reports it through WinHttpQueryOption. */
    HINTERNET session = WinHttpOpen(u"hinternet-c", WINHTTP_ACCESS_TYPE_NAMED_PROXY,
                                    u"proxy.invalid:3128", u"<local>", 0);
    CHECK(session != NULL, "WinHttpOpen named proxy");
    WINHTTP_PROXY_INFO option;
    DWORD size = 4;
    CHECK(!WinHttpQueryOption(session, WINHTTP_OPTION_PROXY, &option, &size) &&
              hinternet_get_last_error() == ERROR_INSUFFICIENT_BUFFER &&
              size == sizeof(WINHTTP_PROXY_INFO),
          "short WINHTTP_OPTION_PROXY: %u", size);
    size = sizeof option;
    memset(&option, 0, sizeof option);
    CHECK(WinHttpQueryOption(session, WINHTTP_OPTION_PROXY, &option, &size) &&
              option.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY &&
              wide_is(option.lpszProxy, "proxy.invalid:3128") &&
              wide_is(option.lpszProxyBypass, "<local>"),
          "WINHTTP_OPTION_PROXY");
    hinternet_global_free(option.lpszProxy);
    hinternet_global_free(option.lpszProxyBypass);

    WINHTTP_AUTOPROXY_OPTIONS auto_options;
    memset(&auto_options, 0, sizeof auto_options);
    auto_options.dwFlags = WINHTTP_AUTOPROXY_AUTO_DETECT;
    auto_options.dwAutoDetectFlags = WINHTTP_AUTO_DETECT_TYPE_DHCP;
    WINHTTP_PROXY_INFO for_url;
    memset(&for_url, 0, sizeof for_url);
    BOOL ok = WinHttpGetProxyForUrl(session, u"http://127.0.0.1/", &auto_options, &for_url);
    DWORD error = hinternet_get_last_error();
    CHECK(!ok && error != 0 && error != ERROR_WINHTTP_INTERNAL_ERROR,
          "WinHttpGetProxyForUrl without a WPAD source: error %u", error);
    auto_options.dwReserved = 1;
    CHECK(!WinHttpGetProxyForUrl(session, u"http://127.0.0.1/", &auto_options, &for_url) &&
              hinternet_get_last_error() == ERROR_INVALID_PARAMETER,
          "dwReserved");
    CHECK(WinHttpCloseHandle(session), "close named-proxy session");
    set.dwAccessType = WINHTTP_ACCESS_TYPE_NO_PROXY;
    set.lpszProxy = NULL;
    set.lpszProxyBypass = NULL;
    CHECK(WinHttpSetDefaultProxyConfiguration(&set), "reset the default proxy");

    /* A GET: WINHTTP_OPTION_CONNECTION_INFO and WinHttpReadDataEx. */
    session = WinHttpOpen(u"hinternet-c", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    HINTERNET connect = WinHttpConnect(session, u"127.0.0.1", port, 0);
    HINTERNET request = WinHttpOpenRequest(connect, u"GET", u"/bytes?n=20000", NULL, NULL,
                                           NULL, 0);
    /* WINHTTP_OPTION_CONNECTION_INFO: refused before a connection exists (as Windows),
     * then the local and remote addresses of the request's connection. */
    WINHTTP_CONNECTION_INFO info;
    memset(&info, 0, sizeof info);
    size = sizeof info;
    CHECK(!WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_INFO, &info, &size) &&
              hinternet_get_last_error() == ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
          "WINHTTP_OPTION_CONNECTION_INFO before the send");
    CHECK(WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) &&
              WinHttpReceiveResponse(request, NULL),
          "GET");
    size = sizeof info;
    CHECK(WinHttpQueryOption(request, WINHTTP_OPTION_CONNECTION_INFO, &info, &size) &&
              size == sizeof info,
          "WINHTTP_OPTION_CONNECTION_INFO after the send (size %u)", size);
    /* SOCKADDR_IN: family, port (network order), address. */
    const unsigned char *remote = (const unsigned char *)&info.RemoteAddress;
    const unsigned char *local = (const unsigned char *)&info.LocalAddress;
    unsigned remote_port = remote[2] * 256u + remote[3], local_port = local[2] * 256u + local[3];
    CHECK(info.cbSize == sizeof info && info.RemoteAddress.ss_family == AF_INET &&
              remote_port == port && remote[4] == 127 && remote[5] == 0 && remote[6] == 0 &&
              remote[7] == 1,
          "remote address (cbSize %u, family %u, port %u)", info.cbSize,
          info.RemoteAddress.ss_family, remote_port);
    CHECK(info.LocalAddress.ss_family == AF_INET && local[4] == 127 && local[7] == 1 &&
              local_port != 0 && local_port != port,
          "local address (family %u, port %u)", info.LocalAddress.ss_family, local_port);
    /* WinHttpQueryHeadersEx: size, then the array and its strings in one buffer. */
    DWORD ex_len = 0, ex_count = 0;
    WINHTTP_EXTENDED_HEADER *ex = NULL;
    CHECK(WinHttpQueryHeadersEx(request, WINHTTP_QUERY_EX_ALL_HEADERS,
                                WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 0, NULL, NULL, NULL,
                                &ex_len, &ex, &ex_count) == ERROR_INSUFFICIENT_BUFFER &&
              ex_len > 0,
          "WinHttpQueryHeadersEx size: %u", ex_len);
    void *ex_buffer = calloc(1, ex_len);
    CHECK(WinHttpQueryHeadersEx(request, WINHTTP_QUERY_EX_ALL_HEADERS,
                                WINHTTP_EXTENDED_HEADER_FLAG_UNICODE, 0, NULL, NULL, ex_buffer,
                                &ex_len, &ex, &ex_count) == ERROR_SUCCESS &&
              ex == ex_buffer && ex_count > 0,
          "WinHttpQueryHeadersEx: %u headers", ex_count);
    int length_found = 0;
    for (DWORD k = 0; ex && k < ex_count; k++)
        if (wide_is(ex[k].pwszName, "content-length") || wide_is(ex[k].pwszName, "Content-Length"))
            length_found = wide_is(ex[k].pwszValue, "20000");
    CHECK(length_found, "Content-Length among the extended headers");
    free(ex_buffer);
    char ansi_buffer[256];
    WINHTTP_HEADER_NAME name;
    name.pszName = "Content-Length";
    ex_len = sizeof ansi_buffer;
    CHECK(WinHttpQueryHeadersEx(request, WINHTTP_QUERY_CUSTOM, 0, 0, NULL, &name, ansi_buffer,
                                &ex_len, &ex, &ex_count) == ERROR_SUCCESS &&
              ex_count == 1 && strcmp(ex[0].pszValue, "20000") == 0,
          "WinHttpQueryHeadersEx CUSTOM (ANSI)");
    CHECK(WinHttpQueryHeadersEx(request, WINHTTP_QUERY_EX_ALL_HEADERS, 2, 0, NULL, NULL, NULL,
                                &ex_len, &ex, &ex_count) == ERROR_INVALID_PARAMETER,
          "WinHttpQueryHeadersEx unknown flag");

    unsigned char *body = calloc(1, 20000 + 16);
    size_t total = 0;
    for (int k = 0; k < 1000; k++) {
        DWORD n = 0;
        DWORD rc = WinHttpReadDataEx(request, body + total, 20000 + 16 - (DWORD)total, &n, 0, 0,
                                     NULL);
        if (rc != ERROR_SUCCESS) {
            CHECK(0, "WinHttpReadDataEx %u", rc);
            break;
        }
        if (n == 0) break;
        total += n;
    }
    CHECK(total == 20000 && pattern_ok(body, total), "WinHttpReadDataEx body: %zu", total);
    CHECK(WinHttpReadDataEx(request, body, 16, NULL, 1, 0, NULL) == ERROR_INVALID_PARAMETER,
          "WinHttpReadDataEx flags");
    free(body);
    CHECK(WinHttpCloseHandle(request) && WinHttpCloseHandle(connect) &&
              WinHttpCloseHandle(session),
          "close");
}

int main(int argc, char **argv) {
    if (!mode_and_port(argc, argv,
                       "sync|async|async-hooks|post|websocket|auth|errors|proxy",
                       &port))
        return 2;
    if (strcmp(argv[1], "sync") == 0)
        sync_get();
    else if (strcmp(argv[1], "async") == 0)
        async_get();
    else if (strcmp(argv[1], "async-hooks") == 0) {
        install_hooks();
        async_get();
    }
    else if (strcmp(argv[1], "websocket") == 0)
        websocket();
    else if (strcmp(argv[1], "post") == 0)
        post();
    else if (strcmp(argv[1], "auth") == 0)
        auth();
    else if (strcmp(argv[1], "errors") == 0)
        errors();
    else if (strcmp(argv[1], "proxy") == 0)
        proxy();
    else
        return 2;
    /* Every handle is closed: the library's threads can be joined, so the program ends
     * with none alive (valgrind then sees no "possibly lost" thread blocks). */
    CHECK(hinternet_shutdown(), "hinternet_shutdown");
    if (hooks_installed)
        CHECK(atomic_load(&unload_events_signalled) == 1,
              "the unload event is signalled through set_event at shutdown (%d)",
              atomic_load(&unload_events_signalled));
    return report();
}
