/* Split a URL with WinHttpCrackUrl and build it again with WinHttpCreateUrl. */
#include <stdio.h>
#include <string.h>

#include "hinternet.h"
#include "hinternet_win32.h"

int main(void) {
    const WCHAR *url = u"https://www.example.com:8443/docs/index.html?lang=en";
    URL_COMPONENTS parts;
    WCHAR host[256], rebuilt[512];
    DWORD len = sizeof rebuilt / sizeof rebuilt[0];

    memset(&parts, 0, sizeof parts);
    parts.dwStructSize = sizeof parts;
    parts.lpszHostName = host;                       /* copy the host into a buffer */
    parts.dwHostNameLength = sizeof host / sizeof host[0];
    parts.dwUrlPathLength = (DWORD)-1;               /* point into the URL */
    parts.dwExtraInfoLength = (DWORD)-1;
    if (!WinHttpCrackUrl(url, 0, 0, &parts)) {
        fprintf(stderr, "WinHttpCrackUrl failed: %u\n", hinternet_get_last_error());
        return 1;
    }
    printf("scheme %d, port %u, host of %u WCHARs, path of %u WCHARs\n", parts.nScheme,
           parts.nPort, parts.dwHostNameLength, parts.dwUrlPathLength);

    parts.nPort = 443; /* the scheme's default port is left out of the URL */
    if (!WinHttpCreateUrl(&parts, 0, rebuilt, &len)) {
        fprintf(stderr, "WinHttpCreateUrl failed: %u\n", hinternet_get_last_error());
        return 1;
    }
    for (DWORD i = 0; i < len; i++)
        putchar(rebuilt[i] < 128 ? (char)rebuilt[i] : '?');
    putchar('\n');
    return len == 47 ? 0 : 1; /* "https://www.example.com/docs/index.html?lang=en" */
}
