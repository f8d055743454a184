/*
 * hinternet_win32.h: the WinHTTP/WinINet functions libhinternet exports, with the
 * Windows types, structures and constants they need, for C programs on Linux that have no
 * Windows SDK. Hand-written; a Rust test checks every constant against windows-sys and the
 * C test programs check every structure's size and offsets.
 *
 * Types are Windows' widths on a 64-bit (LP64) host: DWORD = uint32_t, WCHAR = uint16_t
 * (write wide literals as u"..."), BOOL = int32_t, HINTERNET = void *. Wide strings are
 * UTF-16; ANSI (...A) strings are UTF-8.
 *
 * Calling convention: the platform's (SysV on Linux) by default; define HINTERNET_ABI_WIN64
 * before including this header when linking against a library built with the `abi-win64`
 * feature (Microsoft x64 convention, for Winelib hosts and emulators).
 *
 * Do not include together with the Windows SDK's or Wine's winhttp.h / wininet.h: they
 * declare the same names (hosts that have those headers use them instead).
 */
#ifndef HINTERNET_WIN32_H
#define HINTERNET_WIN32_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef HINTERNET_API
#  if defined(HINTERNET_ABI_WIN64)
#    define HINTERNET_API __attribute__((ms_abi))
#  else
#    define HINTERNET_API
#  endif
#endif

typedef int32_t BOOL;
typedef uint32_t DWORD;
typedef uint16_t WORD;
typedef uint16_t WCHAR;
typedef uint16_t INTERNET_PORT;
typedef uintptr_t DWORD_PTR;
typedef void *HINTERNET;
typedef char CHAR;
typedef uint8_t BYTE;
typedef BYTE *LPBYTE;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef DWORD *LPDWORD;
typedef void *LPVOID;
typedef int INTERNET_SCHEME;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* Errors (GetLastError: hinternet_get_last_error) */
#define ERROR_SUCCESS 0
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_WINHTTP_INTERNAL_ERROR 12004
#define ERROR_WINHTTP_INVALID_URL 12005
#define ERROR_WINHTTP_UNRECOGNIZED_SCHEME 12006
#define ERROR_INTERNET_INTERNAL_ERROR 12004
#define ERROR_INTERNET_INVALID_URL 12005
#define ERROR_INTERNET_UNRECOGNIZED_SCHEME 12006

/* URL flags (ICU_*) */
#define ICU_NO_ENCODE 0x20000000
#define ICU_DECODE 0x10000000
#define ICU_NO_META 0x08000000
#define ICU_ENCODE_SPACES_ONLY 0x04000000
#define ICU_BROWSER_MODE 0x02000000
#define ICU_ENCODE_PERCENT 0x00001000
#define ICU_ESCAPE 0x80000000

/* Schemes and ports */
#define INTERNET_SCHEME_UNKNOWN (-1)
#define INTERNET_SCHEME_DEFAULT 0
#define INTERNET_SCHEME_FTP 1
#define INTERNET_SCHEME_GOPHER 2
#define INTERNET_SCHEME_HTTP 3
#define INTERNET_SCHEME_HTTPS 4
#define INTERNET_SCHEME_FILE 5
#define INTERNET_SCHEME_NEWS 6
#define INTERNET_SCHEME_MAILTO 7
#define INTERNET_SCHEME_SOCKS 8
#define WINHTTP_INTERNET_SCHEME_HTTP 1
#define WINHTTP_INTERNET_SCHEME_HTTPS 2
#define WINHTTP_INTERNET_SCHEME_FTP 3
#define WINHTTP_INTERNET_SCHEME_SOCKS 4
#define INTERNET_DEFAULT_PORT 0
#define INTERNET_DEFAULT_FTP_PORT 21
#define INTERNET_DEFAULT_HTTP_PORT 80
#define INTERNET_DEFAULT_HTTPS_PORT 443

/* Dates */
#define INTERNET_RFC1123_FORMAT 0
#define INTERNET_RFC1123_BUFSIZE 30
#define WINHTTP_TIME_FORMAT_BUFSIZE 62

/* WinHTTP handle functions */
#define ERROR_INVALID_HANDLE 6
#define ERROR_WINHTTP_INCORRECT_HANDLE_TYPE 12018
#define ERROR_WINHTTP_INCORRECT_HANDLE_STATE 12019
#define WINHTTP_ACCESS_TYPE_DEFAULT_PROXY 0
#define WINHTTP_ACCESS_TYPE_NO_PROXY 1
#define WINHTTP_FLAG_ASYNC 0x10000000
#define WINHTTP_ADDREQ_FLAG_ADD 0x20000000
#define WINHTTP_QUERY_CONTENT_LENGTH 5
#define WINHTTP_QUERY_STATUS_CODE 19
#define WINHTTP_QUERY_RAW_HEADERS_CRLF 22
#define WINHTTP_QUERY_FLAG_NUMBER 0x20000000
#define WINHTTP_OPTION_CONNECT_TIMEOUT 3
#define WINHTTP_CALLBACK_STATUS_HANDLE_CREATED 0x00000400
#define WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING 0x00000800
#define WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE 0x00020000
#define WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE 0x00040000
#define WINHTTP_CALLBACK_STATUS_READ_COMPLETE 0x00080000
#define WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE 0x00100000
#define WINHTTP_CALLBACK_STATUS_REQUEST_ERROR 0x00200000
#define WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE 0x00400000
#define WINHTTP_CALLBACK_FLAG_ALL_NOTIFICATIONS 0xffffffff
#define ERROR_INVALID_OPERATION 4317
#define WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET 114
#define WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE 0
#define WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE 2
#define WINHTTP_WEB_SOCKET_SUCCESS_CLOSE_STATUS 1000
#define WINHTTP_AUTH_SCHEME_BASIC 1
#define WINHTTP_AUTH_TARGET_SERVER 0
#define WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER 0x00000004
#define WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER 0x00000008

#define WINHTTP_ACCESS_TYPE_NAMED_PROXY 3
#define WINHTTP_OPTION_PROXY 38
#define WINHTTP_QUERY_EX_ALL_HEADERS 21
#define WINHTTP_QUERY_CUSTOM 65535
#define WINHTTP_EXTENDED_HEADER_FLAG_UNICODE 0x00000001
#define WINHTTP_OPTION_UNLOAD_NOTIFY_EVENT 99
#define WINHTTP_OPTION_CONNECTION_INFO 93
#define WINHTTP_AUTOPROXY_AUTO_DETECT 0x00000001
#define WINHTTP_AUTO_DETECT_TYPE_DHCP 0x00000001
#define WINHTTP_AUTO_DETECT_TYPE_DNS_A 0x00000002
#define ERROR_WINHTTP_AUTODETECTION_FAILED 12180
#define AF_INET 2
#define AF_INET6 23

/* WinINet handle functions */
#define ERROR_NO_MORE_FILES 18
#define ERROR_IO_PENDING 997
#define ERROR_INTERNET_EXTENDED_ERROR 12003
#define ERROR_INTERNET_INCORRECT_HANDLE_TYPE 12018
#define ERROR_INTERNET_INCORRECT_HANDLE_STATE 12019
#define ERROR_FTP_TRANSFER_IN_PROGRESS 12110
#define INTERNET_OPEN_TYPE_PRECONFIG 0
#define INTERNET_OPEN_TYPE_DIRECT 1
#define INTERNET_SERVICE_FTP 1
#define INTERNET_SERVICE_GOPHER 2
#define INTERNET_SERVICE_HTTP 3
#define INTERNET_DEFAULT_GOPHER_PORT 70
#define INTERNET_FLAG_ASYNC 0x10000000
#define INTERNET_FLAG_RELOAD 0x80000000
#define INTERNET_FLAG_PASSIVE 0x08000000
#define FTP_TRANSFER_TYPE_ASCII 0x00000001
#define FTP_TRANSFER_TYPE_BINARY 0x00000002
#define GENERIC_READ 0x80000000
#define GENERIC_WRITE 0x40000000
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010
#define HTTP_QUERY_CONTENT_LENGTH 5
#define HTTP_QUERY_STATUS_CODE 19
#define HTTP_QUERY_RAW_HEADERS_CRLF 22
#define HTTP_QUERY_CUSTOM 65535
#define HTTP_QUERY_FLAG_NUMBER 0x20000000
#define HTTP_ADDREQ_FLAG_ADD 0x20000000
#define INTERNET_OPTION_CONNECT_TIMEOUT 2
#define INTERNET_OPTION_USER_AGENT 41
#define INTERNET_OPTION_CONTEXT_VALUE 45
#define INTERNET_STATUS_RESOLVING_NAME 10
#define INTERNET_STATUS_NAME_RESOLVED 11
#define INTERNET_STATUS_CONNECTING_TO_SERVER 20
#define INTERNET_STATUS_CONNECTED_TO_SERVER 21
#define INTERNET_STATUS_HANDLE_CREATED 60
#define INTERNET_STATUS_HANDLE_CLOSING 70
#define INTERNET_STATUS_REQUEST_COMPLETE 100
#define GOPHER_TYPE_TEXT_FILE 0x00000001
#define GOPHER_TYPE_DIRECTORY 0x00000002
#define GOPHER_TYPE_GOPHER_PLUS 0x80000000
#define GOPHER_CATEGORY_ID_UNKNOWN 0xabcccc08
#define GOPHER_ATTRIBUTE_ID_UNKNOWN 0xabcccc19
#define ERROR_GOPHER_NOT_GOPHER_PLUS 12136

#define WINHTTP_NO_PROXY_NAME ((LPCWSTR)0)
#define WINHTTP_NO_PROXY_BYPASS ((LPCWSTR)0)
#define WINHTTP_NO_REFERER ((LPCWSTR)0)
#define WINHTTP_DEFAULT_ACCEPT_TYPES ((LPCWSTR *)0)
#define WINHTTP_NO_ADDITIONAL_HEADERS ((LPCWSTR)0)
#define WINHTTP_NO_REQUEST_DATA ((LPVOID)0)
#define WINHTTP_HEADER_NAME_BY_INDEX ((LPCWSTR)0)
#define WINHTTP_NO_OUTPUT_BUFFER ((LPVOID)0)
#define WINHTTP_NO_HEADER_INDEX ((LPDWORD)0)

/* Structures: 8-byte packing on 64-bit Windows, as winhttp.h / wininet.h (natural
 * alignment on LP64). Sizes on x64 in the comments. */
#pragma pack(push, 8)

typedef struct _SYSTEMTIME { /* 16 */
    WORD wYear;
    WORD wMonth;
    WORD wDayOfWeek;
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *LPSYSTEMTIME;

typedef struct _FILETIME { /* 8 */
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME;

typedef struct { /* 104 */
    DWORD dwStructSize;
    LPWSTR lpszScheme;
    DWORD dwSchemeLength;
    INTERNET_SCHEME nScheme;
    LPWSTR lpszHostName;
    DWORD dwHostNameLength;
    INTERNET_PORT nPort;
    LPWSTR lpszUserName;
    DWORD dwUserNameLength;
    LPWSTR lpszPassword;
    DWORD dwPasswordLength;
    LPWSTR lpszUrlPath;
    DWORD dwUrlPathLength;
    LPWSTR lpszExtraInfo;
    DWORD dwExtraInfoLength;
} URL_COMPONENTSW, *LPURL_COMPONENTSW;

typedef struct { /* 104 */
    DWORD dwStructSize;
    LPSTR lpszScheme;
    DWORD dwSchemeLength;
    INTERNET_SCHEME nScheme;
    LPSTR lpszHostName;
    DWORD dwHostNameLength;
    INTERNET_PORT nPort;
    LPSTR lpszUserName;
    DWORD dwUserNameLength;
    LPSTR lpszPassword;
    DWORD dwPasswordLength;
    LPSTR lpszUrlPath;
    DWORD dwUrlPathLength;
    LPSTR lpszExtraInfo;
    DWORD dwExtraInfoLength;
} URL_COMPONENTSA, *LPURL_COMPONENTSA;

/* WinHTTP's URL_COMPONENTS is the wide structure. */
typedef URL_COMPONENTSW URL_COMPONENTS;
typedef URL_COMPONENTSW *LPURL_COMPONENTS;

typedef struct { /* 16 */
    DWORD_PTR dwResult;
    DWORD dwError;
} WINHTTP_ASYNC_RESULT;

typedef struct { /* 16 */
    DWORD_PTR dwResult;
    DWORD dwError;
} INTERNET_ASYNC_RESULT;

typedef struct { /* 24 */
    DWORD dwAccessType;
    LPWSTR lpszProxy;
    LPWSTR lpszProxyBypass;
} WINHTTP_PROXY_INFO;

typedef struct { /* 24 */
    WINHTTP_ASYNC_RESULT AsyncResult;
    int Operation;
} WINHTTP_WEB_SOCKET_ASYNC_RESULT;

typedef struct { /* 8 */
    DWORD dwBytesTransferred;
    int eBufferType;
} WINHTTP_WEB_SOCKET_STATUS;

typedef struct { /* 32 */
    BOOL fAutoDetect;
    LPWSTR lpszAutoConfigUrl;
    LPWSTR lpszProxy;
    LPWSTR lpszProxyBypass;
} WINHTTP_CURRENT_USER_IE_PROXY_CONFIG;

typedef struct { /* 32 */
    DWORD dwFlags;
    DWORD dwAutoDetectFlags;
    LPCWSTR lpszAutoConfigUrl;
    LPVOID lpvReserved;
    DWORD dwReserved;
    BOOL fAutoLogonIfChallenged;
} WINHTTP_AUTOPROXY_OPTIONS;

typedef union { /* 8 */
    LPCWSTR pwszName;
    LPCSTR pszName;
} WINHTTP_HEADER_NAME;

typedef struct { /* 16 */
    union {
        LPCWSTR pwszName;
        LPCSTR pszName;
    };
    union {
        LPCWSTR pwszValue;
        LPCSTR pszValue;
    };
} WINHTTP_EXTENDED_HEADER;

typedef struct { /* 128: Windows' SOCKADDR_STORAGE (ss_family AF_INET = 2, AF_INET6 = 23) */
    uint16_t ss_family;
    char __ss_pad1[6];
    int64_t __ss_align;
    char __ss_pad2[112];
} HINTERNET_SOCKADDR_STORAGE;

typedef struct { /* 264 */
    DWORD cbSize;
    HINTERNET_SOCKADDR_STORAGE LocalAddress;
    HINTERNET_SOCKADDR_STORAGE RemoteAddress;
} WINHTTP_CONNECTION_INFO;

typedef struct _INTERNET_BUFFERSW { /* 56 */
    DWORD dwStructSize;
    struct _INTERNET_BUFFERSW *Next;
    LPCWSTR lpcszHeader;
    DWORD dwHeadersLength;
    DWORD dwHeadersTotal;
    LPVOID lpvBuffer;
    DWORD dwBufferLength;
    DWORD dwBufferTotal;
    DWORD dwOffsetLow;
    DWORD dwOffsetHigh;
} INTERNET_BUFFERSW;

typedef struct _INTERNET_BUFFERSA { /* 56 */
    DWORD dwStructSize;
    struct _INTERNET_BUFFERSA *Next;
    LPCSTR lpcszHeader;
    DWORD dwHeadersLength;
    DWORD dwHeadersTotal;
    LPVOID lpvBuffer;
    DWORD dwBufferLength;
    DWORD dwBufferTotal;
    DWORD dwOffsetLow;
    DWORD dwOffsetHigh;
} INTERNET_BUFFERSA;

#pragma pack(pop)

typedef struct _WIN32_FIND_DATAW { /* 592 */
    DWORD dwFileAttributes;
    FILETIME ftCreationTime;
    FILETIME ftLastAccessTime;
    FILETIME ftLastWriteTime;
    DWORD nFileSizeHigh;
    DWORD nFileSizeLow;
    DWORD dwReserved0;
    DWORD dwReserved1;
    WCHAR cFileName[260];
    WCHAR cAlternateFileName[14];
} WIN32_FIND_DATAW;

typedef struct _WIN32_FIND_DATAA { /* 320 */
    DWORD dwFileAttributes;
    FILETIME ftCreationTime;
    FILETIME ftLastAccessTime;
    FILETIME ftLastWriteTime;
    DWORD nFileSizeHigh;
    DWORD nFileSizeLow;
    DWORD dwReserved0;
    DWORD dwReserved1;
    CHAR cFileName[260];
    CHAR cAlternateFileName[14];
} WIN32_FIND_DATAA;

#pragma pack(push, 8)

typedef struct { /* 1588 */
    WCHAR DisplayString[129];
    DWORD GopherType;
    DWORD SizeLow;
    DWORD SizeHigh;
    FILETIME LastModificationTime;
    WCHAR Locator[654];
} GOPHER_FIND_DATAW;

typedef struct { /* 808 */
    CHAR DisplayString[129];
    DWORD GopherType;
    DWORD SizeLow;
    DWORD SizeHigh;
    FILETIME LastModificationTime;
    CHAR Locator[654];
} GOPHER_FIND_DATAA;

#pragma pack(pop)

/* WinHTTP handle functions. HINTERNET values are integers, never pointers. The status
 * callback is called in the same convention as the exports, on a library thread (created
 * through the host's create_thread hook when installed). An asynchronous WinHttpReadData's
 * buffer must stay valid until its READ_COMPLETE, as on Windows. */
typedef void (HINTERNET_API *WINHTTP_STATUS_CALLBACK)(HINTERNET hInternet, DWORD_PTR dwContext,
                                                      DWORD dwInternetStatus,
                                                      LPVOID lpvStatusInformation,
                                                      DWORD dwStatusInformationLength);
#define WINHTTP_INVALID_STATUS_CALLBACK ((WINHTTP_STATUS_CALLBACK)(-1))

HINTERNET HINTERNET_API WinHttpOpen(LPCWSTR pszAgentW, DWORD dwAccessType, LPCWSTR pszProxyW,
                                    LPCWSTR pszProxyBypassW, DWORD dwFlags);
HINTERNET HINTERNET_API WinHttpConnect(HINTERNET hSession, LPCWSTR pswzServerName,
                                       INTERNET_PORT nServerPort, DWORD dwReserved);
HINTERNET HINTERNET_API WinHttpOpenRequest(HINTERNET hConnect, LPCWSTR pwszVerb,
                                           LPCWSTR pwszObjectName, LPCWSTR pwszVersion,
                                           LPCWSTR pwszReferrer, LPCWSTR *ppwszAcceptTypes,
                                           DWORD dwFlags);
BOOL HINTERNET_API WinHttpAddRequestHeaders(HINTERNET hRequest, LPCWSTR lpszHeaders,
                                            DWORD dwHeadersLength, DWORD dwModifiers);
BOOL HINTERNET_API WinHttpSendRequest(HINTERNET hRequest, LPCWSTR lpszHeaders,
                                      DWORD dwHeadersLength, LPVOID lpOptional,
                                      DWORD dwOptionalLength, DWORD dwTotalLength,
                                      DWORD_PTR dwContext);
BOOL HINTERNET_API WinHttpWriteData(HINTERNET hRequest, const void *lpBuffer,
                                    DWORD dwNumberOfBytesToWrite,
                                    LPDWORD lpdwNumberOfBytesWritten);
BOOL HINTERNET_API WinHttpReceiveResponse(HINTERNET hRequest, LPVOID lpReserved);
/* Sizes in bytes. */
BOOL HINTERNET_API WinHttpQueryHeaders(HINTERNET hRequest, DWORD dwInfoLevel, LPCWSTR pwszName,
                                       LPVOID lpBuffer, LPDWORD lpdwBufferLength,
                                       LPDWORD lpdwIndex);
BOOL HINTERNET_API WinHttpQueryDataAvailable(HINTERNET hRequest,
                                             LPDWORD lpdwNumberOfBytesAvailable);
BOOL HINTERNET_API WinHttpReadData(HINTERNET hRequest, LPVOID lpBuffer,
                                   DWORD dwNumberOfBytesToRead, LPDWORD lpdwNumberOfBytesRead);
/* Sizes in bytes, WCHARs for string options set. */
BOOL HINTERNET_API WinHttpSetOption(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                    DWORD dwBufferLength);
BOOL HINTERNET_API WinHttpQueryOption(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                      LPDWORD lpdwBufferLength);
BOOL HINTERNET_API WinHttpSetTimeouts(HINTERNET hInternet, int nResolveTimeout,
                                      int nConnectTimeout, int nSendTimeout,
                                      int nReceiveTimeout);
WINHTTP_STATUS_CALLBACK HINTERNET_API WinHttpSetStatusCallback(
    HINTERNET hInternet, WINHTTP_STATUS_CALLBACK lpfnInternetCallback,
    DWORD dwNotificationFlags, DWORD_PTR dwReserved);
BOOL HINTERNET_API WinHttpCloseHandle(HINTERNET hInternet);

BOOL HINTERNET_API WinHttpQueryAuthSchemes(HINTERNET hRequest, LPDWORD lpdwSupportedSchemes,
                                           LPDWORD lpdwFirstScheme, LPDWORD pdwAuthTarget);
BOOL HINTERNET_API WinHttpSetCredentials(HINTERNET hRequest, DWORD AuthTargets,
                                         DWORD AuthScheme, LPCWSTR pwszUserName,
                                         LPCWSTR pwszPassword, LPVOID pAuthParams);

/* WebSocket: these return their error as a DWORD (the last error is unchanged). */
typedef int WINHTTP_WEB_SOCKET_BUFFER_TYPE;
typedef uint16_t USHORT;
HINTERNET HINTERNET_API WinHttpWebSocketCompleteUpgrade(HINTERNET hRequest,
                                                        DWORD_PTR pContext);
DWORD HINTERNET_API WinHttpWebSocketSend(HINTERNET hWebSocket,
                                         WINHTTP_WEB_SOCKET_BUFFER_TYPE eBufferType,
                                         LPVOID pvBuffer, DWORD dwBufferLength);
DWORD HINTERNET_API WinHttpWebSocketReceive(HINTERNET hWebSocket, LPVOID pvBuffer,
                                            DWORD dwBufferLength, DWORD *pdwBytesRead,
                                            WINHTTP_WEB_SOCKET_BUFFER_TYPE *peBufferType);
DWORD HINTERNET_API WinHttpWebSocketShutdown(HINTERNET hWebSocket, USHORT usStatus,
                                             LPVOID pvReason, DWORD dwReasonLength);
DWORD HINTERNET_API WinHttpWebSocketClose(HINTERNET hWebSocket, USHORT usStatus,
                                          LPVOID pvReason, DWORD dwReasonLength);
DWORD HINTERNET_API WinHttpWebSocketQueryCloseStatus(HINTERNET hWebSocket, USHORT *pusStatus,
                                                     LPVOID pvReason, DWORD dwReasonLength,
                                                     DWORD *pdwReasonLengthConsumed);

/* WinHTTP (sizes in WCHARs) */
/* WinHTTP proxy configuration and extended reads. Strings returned in "GlobalAlloc" memory
 * (the WINHTTP_PROXY_INFO / WINHTTP_CURRENT_USER_IE_PROXY_CONFIG strings, the auto-config
 * URL, WinHttpQueryOption(WINHTTP_OPTION_PROXY)) come from the host's global_alloc hook when
 * installed (free them with its GlobalFree), else free them with hinternet_global_free(). */
DWORD HINTERNET_API WinHttpReadDataEx(HINTERNET hRequest, LPVOID lpBuffer,
                                      DWORD dwNumberOfBytesToRead,
                                      LPDWORD lpdwNumberOfBytesRead, uint64_t ullFlags,
                                      DWORD cbProperty, LPVOID pvProperty);
DWORD HINTERNET_API WinHttpQueryHeadersEx(HINTERNET hRequest, DWORD dwInfoLevel,
                                          uint64_t ullFlags, unsigned int uiCodePage,
                                          LPDWORD pdwIndex, WINHTTP_HEADER_NAME *pHeaderName,
                                          LPVOID pBuffer, LPDWORD pdwBufferLength,
                                          WINHTTP_EXTENDED_HEADER **ppHeaders,
                                          LPDWORD pdwHeadersCount);
BOOL HINTERNET_API WinHttpGetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *pProxyInfo);
BOOL HINTERNET_API WinHttpSetDefaultProxyConfiguration(WINHTTP_PROXY_INFO *pProxyInfo);
BOOL HINTERNET_API WinHttpGetIEProxyConfigForCurrentUser(
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG *pProxyConfig);
BOOL HINTERNET_API WinHttpDetectAutoProxyConfigUrl(DWORD dwAutoDetectFlags,
                                                   LPWSTR *ppwstrAutoConfigUrl);
BOOL HINTERNET_API WinHttpGetProxyForUrl(HINTERNET hSession, LPCWSTR lpcwszUrl,
                                         WINHTTP_AUTOPROXY_OPTIONS *pAutoProxyOptions,
                                         WINHTTP_PROXY_INFO *pProxyInfo);

BOOL HINTERNET_API WinHttpCheckPlatform(void);
BOOL HINTERNET_API WinHttpCrackUrl(LPCWSTR pwszUrl, DWORD dwUrlLength, DWORD dwFlags,
                                   LPURL_COMPONENTS lpUrlComponents);
BOOL HINTERNET_API WinHttpCreateUrl(LPURL_COMPONENTS lpUrlComponents, DWORD dwFlags,
                                    LPWSTR pwszUrl, LPDWORD pdwUrlLength);
BOOL HINTERNET_API WinHttpTimeFromSystemTime(const SYSTEMTIME *pst, LPWSTR pwszTime);
BOOL HINTERNET_API WinHttpTimeToSystemTime(LPCWSTR pwszTime, SYSTEMTIME *pst);

/* WinINet (W: sizes in WCHARs, except InternetCreateUrlW's required size on
 * ERROR_INSUFFICIENT_BUFFER, in bytes; A: sizes in bytes) */
BOOL HINTERNET_API InternetCrackUrlW(LPCWSTR lpszUrl, DWORD dwUrlLength, DWORD dwFlags,
                                     LPURL_COMPONENTSW lpUrlComponents);
BOOL HINTERNET_API InternetCrackUrlA(LPCSTR lpszUrl, DWORD dwUrlLength, DWORD dwFlags,
                                     LPURL_COMPONENTSA lpUrlComponents);
BOOL HINTERNET_API InternetCreateUrlW(LPURL_COMPONENTSW lpUrlComponents, DWORD dwFlags,
                                      LPWSTR lpszUrl, LPDWORD lpdwUrlLength);
BOOL HINTERNET_API InternetCreateUrlA(LPURL_COMPONENTSA lpUrlComponents, DWORD dwFlags,
                                      LPSTR lpszUrl, LPDWORD lpdwUrlLength);
BOOL HINTERNET_API InternetCanonicalizeUrlW(LPCWSTR lpszUrl, LPWSTR lpszBuffer,
                                            LPDWORD lpdwBufferLength, DWORD dwFlags);
BOOL HINTERNET_API InternetCanonicalizeUrlA(LPCSTR lpszUrl, LPSTR lpszBuffer,
                                            LPDWORD lpdwBufferLength, DWORD dwFlags);
BOOL HINTERNET_API InternetCombineUrlW(LPCWSTR lpszBaseUrl, LPCWSTR lpszRelativeUrl,
                                       LPWSTR lpszBuffer, LPDWORD lpdwBufferLength,
                                       DWORD dwFlags);
BOOL HINTERNET_API InternetCombineUrlA(LPCSTR lpszBaseUrl, LPCSTR lpszRelativeUrl,
                                       LPSTR lpszBuffer, LPDWORD lpdwBufferLength,
                                       DWORD dwFlags);
BOOL HINTERNET_API InternetTimeFromSystemTimeW(const SYSTEMTIME *pst, DWORD dwRFC,
                                               LPWSTR lpszTime, DWORD cbTime);
BOOL HINTERNET_API InternetTimeFromSystemTimeA(const SYSTEMTIME *pst, DWORD dwRFC,
                                               LPSTR lpszTime, DWORD cbTime);
BOOL HINTERNET_API InternetTimeFromSystemTime(const SYSTEMTIME *pst, DWORD dwRFC,
                                              LPSTR lpszTime, DWORD cbTime);
BOOL HINTERNET_API InternetTimeToSystemTimeW(LPCWSTR lpszTime, SYSTEMTIME *pst,
                                             DWORD dwReserved);
BOOL HINTERNET_API InternetTimeToSystemTimeA(LPCSTR lpszTime, SYSTEMTIME *pst,
                                             DWORD dwReserved);
BOOL HINTERNET_API InternetTimeToSystemTime(LPCSTR lpszTime, SYSTEMTIME *pst,
                                            DWORD dwReserved);

/* WinINet handle functions. HINTERNET values are integers, never pointers. ...W functions
 * count WCHARs and ...A functions bytes of UTF-8, except HttpQueryInfo and
 * InternetQueryOption (bytes for both) and InternetGetCookieW's failure sizes (bytes), as
 * Windows. The status callback is called in the same convention as the exports, on a
 * library thread; lpvStatusInformation is an INTERNET_ASYNC_RESULT (REQUEST_COMPLETE,
 * HANDLE_CREATED), an HINTERNET (HANDLE_CLOSING), a DWORD (byte counts), the server name or
 * redirect URL (wide for InternetSetStatusCallbackW, ANSI for ...A) or an IP address (ANSI
 * for both). Buffers and out values of asynchronous calls must stay valid until their
 * REQUEST_COMPLETE. */
typedef void (HINTERNET_API *INTERNET_STATUS_CALLBACK)(HINTERNET hInternet,
                                                       DWORD_PTR dwContext,
                                                       DWORD dwInternetStatus,
                                                       LPVOID lpvStatusInformation,
                                                       DWORD dwStatusInformationLength);
#define INTERNET_INVALID_STATUS_CALLBACK ((INTERNET_STATUS_CALLBACK)(-1))

HINTERNET HINTERNET_API InternetOpenW(LPCWSTR lpszAgent, DWORD dwAccessType,
                                      LPCWSTR lpszProxy, LPCWSTR lpszProxyBypass,
                                      DWORD dwFlags);
HINTERNET HINTERNET_API InternetOpenA(LPCSTR lpszAgent, DWORD dwAccessType, LPCSTR lpszProxy,
                                      LPCSTR lpszProxyBypass, DWORD dwFlags);
HINTERNET HINTERNET_API InternetConnectW(HINTERNET hInternet, LPCWSTR lpszServerName,
                                         INTERNET_PORT nServerPort, LPCWSTR lpszUserName,
                                         LPCWSTR lpszPassword, DWORD dwService, DWORD dwFlags,
                                         DWORD_PTR dwContext);
HINTERNET HINTERNET_API InternetConnectA(HINTERNET hInternet, LPCSTR lpszServerName,
                                         INTERNET_PORT nServerPort, LPCSTR lpszUserName,
                                         LPCSTR lpszPassword, DWORD dwService, DWORD dwFlags,
                                         DWORD_PTR dwContext);
HINTERNET HINTERNET_API InternetOpenUrlW(HINTERNET hInternet, LPCWSTR lpszUrl,
                                         LPCWSTR lpszHeaders, DWORD dwHeadersLength,
                                         DWORD dwFlags, DWORD_PTR dwContext);
HINTERNET HINTERNET_API InternetOpenUrlA(HINTERNET hInternet, LPCSTR lpszUrl,
                                         LPCSTR lpszHeaders, DWORD dwHeadersLength,
                                         DWORD dwFlags, DWORD_PTR dwContext);
HINTERNET HINTERNET_API HttpOpenRequestW(HINTERNET hConnect, LPCWSTR lpszVerb,
                                         LPCWSTR lpszObjectName, LPCWSTR lpszVersion,
                                         LPCWSTR lpszReferrer, LPCWSTR *lplpszAcceptTypes,
                                         DWORD dwFlags, DWORD_PTR dwContext);
HINTERNET HINTERNET_API HttpOpenRequestA(HINTERNET hConnect, LPCSTR lpszVerb,
                                         LPCSTR lpszObjectName, LPCSTR lpszVersion,
                                         LPCSTR lpszReferrer, LPCSTR *lplpszAcceptTypes,
                                         DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API HttpAddRequestHeadersW(HINTERNET hRequest, LPCWSTR lpszHeaders,
                                          DWORD dwHeadersLength, DWORD dwModifiers);
BOOL HINTERNET_API HttpAddRequestHeadersA(HINTERNET hRequest, LPCSTR lpszHeaders,
                                          DWORD dwHeadersLength, DWORD dwModifiers);
BOOL HINTERNET_API HttpSendRequestW(HINTERNET hRequest, LPCWSTR lpszHeaders,
                                    DWORD dwHeadersLength, LPVOID lpOptional,
                                    DWORD dwOptionalLength);
BOOL HINTERNET_API HttpSendRequestA(HINTERNET hRequest, LPCSTR lpszHeaders,
                                    DWORD dwHeadersLength, LPVOID lpOptional,
                                    DWORD dwOptionalLength);
BOOL HINTERNET_API HttpSendRequestExW(HINTERNET hRequest, INTERNET_BUFFERSW *lpBuffersIn,
                                      INTERNET_BUFFERSW *lpBuffersOut, DWORD dwFlags,
                                      DWORD_PTR dwContext);
BOOL HINTERNET_API HttpSendRequestExA(HINTERNET hRequest, INTERNET_BUFFERSA *lpBuffersIn,
                                      INTERNET_BUFFERSA *lpBuffersOut, DWORD dwFlags,
                                      DWORD_PTR dwContext);
BOOL HINTERNET_API HttpEndRequestW(HINTERNET hRequest, INTERNET_BUFFERSW *lpBuffersOut,
                                   DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API HttpEndRequestA(HINTERNET hRequest, INTERNET_BUFFERSA *lpBuffersOut,
                                   DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API HttpQueryInfoW(HINTERNET hRequest, DWORD dwInfoLevel, LPVOID lpBuffer,
                                  LPDWORD lpdwBufferLength, LPDWORD lpdwIndex);
BOOL HINTERNET_API HttpQueryInfoA(HINTERNET hRequest, DWORD dwInfoLevel, LPVOID lpBuffer,
                                  LPDWORD lpdwBufferLength, LPDWORD lpdwIndex);
BOOL HINTERNET_API InternetReadFile(HINTERNET hFile, LPVOID lpBuffer,
                                    DWORD dwNumberOfBytesToRead,
                                    LPDWORD lpdwNumberOfBytesRead);
BOOL HINTERNET_API InternetReadFileExW(HINTERNET hFile, INTERNET_BUFFERSW *lpBuffersOut,
                                       DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API InternetReadFileExA(HINTERNET hFile, INTERNET_BUFFERSA *lpBuffersOut,
                                       DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API InternetWriteFile(HINTERNET hFile, const void *lpBuffer,
                                     DWORD dwNumberOfBytesToWrite,
                                     LPDWORD lpdwNumberOfBytesWritten);
BOOL HINTERNET_API InternetQueryDataAvailable(HINTERNET hFile,
                                              LPDWORD lpdwNumberOfBytesAvailable,
                                              DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API InternetSetOptionW(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                      DWORD dwBufferLength);
BOOL HINTERNET_API InternetSetOptionA(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                      DWORD dwBufferLength);
BOOL HINTERNET_API InternetQueryOptionW(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                        LPDWORD lpdwBufferLength);
BOOL HINTERNET_API InternetQueryOptionA(HINTERNET hInternet, DWORD dwOption, LPVOID lpBuffer,
                                        LPDWORD lpdwBufferLength);
INTERNET_STATUS_CALLBACK HINTERNET_API InternetSetStatusCallbackW(
    HINTERNET hInternet, INTERNET_STATUS_CALLBACK lpfnInternetCallback);
INTERNET_STATUS_CALLBACK HINTERNET_API InternetSetStatusCallbackA(
    HINTERNET hInternet, INTERNET_STATUS_CALLBACK lpfnInternetCallback);
BOOL HINTERNET_API InternetCloseHandle(HINTERNET hInternet);
BOOL HINTERNET_API InternetGetLastResponseInfoW(LPDWORD lpdwError, LPWSTR lpszBuffer,
                                                LPDWORD lpdwBufferLength);
BOOL HINTERNET_API InternetGetLastResponseInfoA(LPDWORD lpdwError, LPSTR lpszBuffer,
                                                LPDWORD lpdwBufferLength);
BOOL HINTERNET_API InternetSetCookieW(LPCWSTR lpszUrl, LPCWSTR lpszCookieName,
                                      LPCWSTR lpszCookieData);
BOOL HINTERNET_API InternetSetCookieA(LPCSTR lpszUrl, LPCSTR lpszCookieName,
                                      LPCSTR lpszCookieData);
BOOL HINTERNET_API InternetGetCookieW(LPCWSTR lpszUrl, LPCWSTR lpszCookieName,
                                      LPWSTR lpszCookieData, LPDWORD lpdwSize);
BOOL HINTERNET_API InternetGetCookieA(LPCSTR lpszUrl, LPCSTR lpszCookieName,
                                      LPSTR lpszCookieData, LPDWORD lpdwSize);
HINTERNET HINTERNET_API FtpFindFirstFileW(HINTERNET hConnect, LPCWSTR lpszSearchFile,
                                          WIN32_FIND_DATAW *lpFindFileData, DWORD dwFlags,
                                          DWORD_PTR dwContext);
HINTERNET HINTERNET_API FtpFindFirstFileA(HINTERNET hConnect, LPCSTR lpszSearchFile,
                                          WIN32_FIND_DATAA *lpFindFileData, DWORD dwFlags,
                                          DWORD_PTR dwContext);
BOOL HINTERNET_API InternetFindNextFileW(HINTERNET hFind, LPVOID lpvFindData);
BOOL HINTERNET_API InternetFindNextFileA(HINTERNET hFind, LPVOID lpvFindData);
HINTERNET HINTERNET_API FtpOpenFileW(HINTERNET hConnect, LPCWSTR lpszFileName,
                                     DWORD dwAccess, DWORD dwFlags, DWORD_PTR dwContext);
HINTERNET HINTERNET_API FtpOpenFileA(HINTERNET hConnect, LPCSTR lpszFileName, DWORD dwAccess,
                                     DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API FtpGetFileW(HINTERNET hConnect, LPCWSTR lpszRemoteFile,
                               LPCWSTR lpszNewFile, BOOL fFailIfExists,
                               DWORD dwFlagsAndAttributes, DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API FtpGetFileA(HINTERNET hConnect, LPCSTR lpszRemoteFile, LPCSTR lpszNewFile,
                               BOOL fFailIfExists, DWORD dwFlagsAndAttributes, DWORD dwFlags,
                               DWORD_PTR dwContext);
BOOL HINTERNET_API FtpPutFileW(HINTERNET hConnect, LPCWSTR lpszLocalFile,
                               LPCWSTR lpszNewRemoteFile, DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API FtpPutFileA(HINTERNET hConnect, LPCSTR lpszLocalFile,
                               LPCSTR lpszNewRemoteFile, DWORD dwFlags, DWORD_PTR dwContext);
BOOL HINTERNET_API FtpDeleteFileW(HINTERNET hConnect, LPCWSTR lpszFileName);
BOOL HINTERNET_API FtpDeleteFileA(HINTERNET hConnect, LPCSTR lpszFileName);
BOOL HINTERNET_API FtpRenameFileW(HINTERNET hConnect, LPCWSTR lpszExisting, LPCWSTR lpszNew);
BOOL HINTERNET_API FtpRenameFileA(HINTERNET hConnect, LPCSTR lpszExisting, LPCSTR lpszNew);
BOOL HINTERNET_API FtpCreateDirectoryW(HINTERNET hConnect, LPCWSTR lpszDirectory);
BOOL HINTERNET_API FtpCreateDirectoryA(HINTERNET hConnect, LPCSTR lpszDirectory);
BOOL HINTERNET_API FtpRemoveDirectoryW(HINTERNET hConnect, LPCWSTR lpszDirectory);
BOOL HINTERNET_API FtpRemoveDirectoryA(HINTERNET hConnect, LPCSTR lpszDirectory);
BOOL HINTERNET_API FtpSetCurrentDirectoryW(HINTERNET hConnect, LPCWSTR lpszDirectory);
BOOL HINTERNET_API FtpSetCurrentDirectoryA(HINTERNET hConnect, LPCSTR lpszDirectory);
BOOL HINTERNET_API FtpGetCurrentDirectoryW(HINTERNET hConnect, LPWSTR lpszCurrentDirectory,
                                           LPDWORD lpdwCurrentDirectory);
BOOL HINTERNET_API FtpGetCurrentDirectoryA(HINTERNET hConnect, LPSTR lpszCurrentDirectory,
                                           LPDWORD lpdwCurrentDirectory);
DWORD HINTERNET_API FtpGetFileSize(HINTERNET hFile, LPDWORD lpdwFileSizeHigh);
BOOL HINTERNET_API FtpCommandW(HINTERNET hConnect, BOOL fExpectResponse, DWORD dwFlags,
                               LPCWSTR lpszCommand, DWORD_PTR dwContext,
                               HINTERNET *phFtpCommand);
BOOL HINTERNET_API FtpCommandA(HINTERNET hConnect, BOOL fExpectResponse, DWORD dwFlags,
                               LPCSTR lpszCommand, DWORD_PTR dwContext,
                               HINTERNET *phFtpCommand);
BOOL HINTERNET_API GopherCreateLocatorW(LPCWSTR lpszHost, INTERNET_PORT nServerPort,
                                        LPCWSTR lpszDisplayString,
                                        LPCWSTR lpszSelectorString, DWORD dwGopherType,
                                        LPWSTR lpszLocator, LPDWORD lpdwBufferLength);
BOOL HINTERNET_API GopherCreateLocatorA(LPCSTR lpszHost, INTERNET_PORT nServerPort,
                                        LPCSTR lpszDisplayString, LPCSTR lpszSelectorString,
                                        DWORD dwGopherType, LPSTR lpszLocator,
                                        LPDWORD lpdwBufferLength);
/* GOPHER_ATTRIBUTE_TYPE (64-bit layout, 32 bytes). This library reports every Gopher+
 * block as GOPHER_CATEGORY_ID_UNKNOWN / GOPHER_ATTRIBUTE_ID_UNKNOWN with the block's text in
 * AttributeType.Unknown.Text (LPWSTR for GopherGetAttributeW, LPSTR for ...A); the union's
 * other Windows members are not declared here, only its size. */
typedef struct {
    LPSTR Text;
} GOPHER_UNKNOWN_ATTRIBUTE_TYPE;
typedef struct {
    DWORD CategoryId;
    DWORD AttributeId;
    union {
        GOPHER_UNKNOWN_ATTRIBUTE_TYPE Unknown;
        unsigned char Size[24]; /* the largest Windows member (GOPHER_VIEW_ATTRIBUTE_TYPE) */
    } AttributeType;
} GOPHER_ATTRIBUTE_TYPE;
typedef BOOL (HINTERNET_API *GOPHER_ATTRIBUTE_ENUMERATOR)(GOPHER_ATTRIBUTE_TYPE *lpAttributeInfo,
                                                         DWORD dwError);

/* dwBufferLength counts characters of the set (WCHARs for W); without an enumerator the
 * blocks' text ("+NAME:" and its lines) is copied NUL-terminated and
 * *lpdwCharactersReturned gets its length without the NUL (ERROR_INSUFFICIENT_BUFFER: the
 * characters needed, NUL included). */
BOOL HINTERNET_API GopherGetAttributeW(HINTERNET hConnect, LPCWSTR lpszLocator,
                                       LPCWSTR lpszAttributeName, LPBYTE lpBuffer,
                                       DWORD dwBufferLength, LPDWORD lpdwCharactersReturned,
                                       GOPHER_ATTRIBUTE_ENUMERATOR lpfnEnumerator,
                                       DWORD_PTR dwContext);
BOOL HINTERNET_API GopherGetAttributeA(HINTERNET hConnect, LPCSTR lpszLocator,
                                       LPCSTR lpszAttributeName, LPBYTE lpBuffer,
                                       DWORD dwBufferLength, LPDWORD lpdwCharactersReturned,
                                       GOPHER_ATTRIBUTE_ENUMERATOR lpfnEnumerator,
                                       DWORD_PTR dwContext);
BOOL HINTERNET_API GopherGetLocatorTypeW(LPCWSTR lpszLocator, LPDWORD lpdwGopherType);
BOOL HINTERNET_API GopherGetLocatorTypeA(LPCSTR lpszLocator, LPDWORD lpdwGopherType);
HINTERNET HINTERNET_API GopherFindFirstFileW(HINTERNET hConnect, LPCWSTR lpszLocator,
                                             LPCWSTR lpszSearchString,
                                             GOPHER_FIND_DATAW *lpFindData, DWORD dwFlags,
                                             DWORD_PTR dwContext);
HINTERNET HINTERNET_API GopherFindFirstFileA(HINTERNET hConnect, LPCSTR lpszLocator,
                                             LPCSTR lpszSearchString,
                                             GOPHER_FIND_DATAA *lpFindData, DWORD dwFlags,
                                             DWORD_PTR dwContext);
HINTERNET HINTERNET_API GopherOpenFileW(HINTERNET hConnect, LPCWSTR lpszLocator,
                                        LPCWSTR lpszView, DWORD dwFlags, DWORD_PTR dwContext);
HINTERNET HINTERNET_API GopherOpenFileA(HINTERNET hConnect, LPCSTR lpszLocator,
                                        LPCSTR lpszView, DWORD dwFlags, DWORD_PTR dwContext);

#ifdef __cplusplus
}
#endif

#endif /* HINTERNET_WIN32_H */
