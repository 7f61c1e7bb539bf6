using System;

namespace FastCgi.Aot.Http;

/// <summary>Reason phrases for the CGI <c>Status:</c> header.</summary>
internal static class HttpStatus
{
    /// <summary>
    /// The reason phrase of <paramref name="statusCode"/>: the name RFC 9110 §15 gives it, or the name
    /// of the RFC that registered it (IANA HTTP Status Code Registry) for the codes .NET's
    /// <see cref="System.Net.HttpStatusCode"/> names and 418 and 425; for any other code a phrase
    /// naming its class (RFC 9110 §15: "the first digit ... defines the class of response").
    /// </summary>
    /// <remarks>
    /// A client must not rely on the phrase (RFC 9110 §15.1), but people read it in logs and
    /// nginx passes it on: <c>418 Status</c> told them nothing.
    /// </remarks>
    public static ReadOnlySpan<byte> ReasonPhrase(int statusCode) => statusCode switch
    {
        100 => "Continue"u8,                            // RFC 9110 §15.2.1
        101 => "Switching Protocols"u8,                 // RFC 9110 §15.2.2
        102 => "Processing"u8,                          // RFC 2518 §10.1
        103 => "Early Hints"u8,                         // RFC 8297
        200 => "OK"u8,                                  // RFC 9110 §15.3.1
        201 => "Created"u8,
        202 => "Accepted"u8,
        203 => "Non-Authoritative Information"u8,
        204 => "No Content"u8,
        205 => "Reset Content"u8,
        206 => "Partial Content"u8,
        207 => "Multi-Status"u8,                        // RFC 4918 §11.1
        208 => "Already Reported"u8,                    // RFC 5842 §7.1
        226 => "IM Used"u8,                             // RFC 3229 §10.4.1
        300 => "Multiple Choices"u8,                    // RFC 9110 §15.4.1
        301 => "Moved Permanently"u8,
        302 => "Found"u8,
        303 => "See Other"u8,
        304 => "Not Modified"u8,
        305 => "Use Proxy"u8,
        306 => "Unused"u8,                              // RFC 9110 §15.4.7 "306 (Unused)"; .NET's HttpStatusCode.Unused
        307 => "Temporary Redirect"u8,
        308 => "Permanent Redirect"u8,
        400 => "Bad Request"u8,                         // RFC 9110 §15.5.1
        401 => "Unauthorized"u8,
        402 => "Payment Required"u8,
        403 => "Forbidden"u8,
        404 => "Not Found"u8,
        405 => "Method Not Allowed"u8,
        406 => "Not Acceptable"u8,
        407 => "Proxy Authentication Required"u8,
        408 => "Request Timeout"u8,
        409 => "Conflict"u8,
        410 => "Gone"u8,
        411 => "Length Required"u8,
        412 => "Precondition Failed"u8,
        413 => "Content Too Large"u8,
        414 => "URI Too Long"u8,
        415 => "Unsupported Media Type"u8,
        416 => "Range Not Satisfiable"u8,
        417 => "Expectation Failed"u8,
        418 => "I'm a teapot"u8,                        // RFC 9110 §15.5.19 reserves it "(Unused)"; RFC 2324 §2.3.2 named it
        421 => "Misdirected Request"u8,                 // RFC 9110 §15.5.20
        422 => "Unprocessable Content"u8,               // RFC 9110 §15.5.21
        423 => "Locked"u8,                              // RFC 4918 §11.3
        424 => "Failed Dependency"u8,                   // RFC 4918 §11.4
        425 => "Too Early"u8,                           // RFC 8470 §5.2
        426 => "Upgrade Required"u8,                    // RFC 9110 §15.5.22
        428 => "Precondition Required"u8,               // RFC 6585 §3
        429 => "Too Many Requests"u8,                   // RFC 6585 §4
        431 => "Request Header Fields Too Large"u8,     // RFC 6585 §5
        451 => "Unavailable For Legal Reasons"u8,       // RFC 7725 §3
        500 => "Internal Server Error"u8,               // RFC 9110 §15.6.1
        501 => "Not Implemented"u8,
        502 => "Bad Gateway"u8,
        503 => "Service Unavailable"u8,
        504 => "Gateway Timeout"u8,
        505 => "HTTP Version Not Supported"u8,
        506 => "Variant Also Negotiates"u8,             // RFC 2295 §8.1
        507 => "Insufficient Storage"u8,                // RFC 4918 §11.5
        508 => "Loop Detected"u8,                       // RFC 5842 §7.2
        510 => "Not Extended"u8,                        // RFC 2774 §7
        511 => "Network Authentication Required"u8,     // RFC 6585 §6
        >= 100 and < 200 => "Informational"u8,
        >= 200 and < 300 => "Successful"u8,
        >= 300 and < 400 => "Redirection"u8,
        >= 400 and < 500 => "Client Error"u8,
        >= 500 and < 600 => "Server Error"u8,
        _ => "Unknown Status"u8,                        // 600-999: no class is defined for them
    };

    /// <summary>True for the statuses that carry no body (RFC 9110 §6.4.1).</summary>
    public static bool HasNoBody(int statusCode) => statusCode is 204 or 304 or (>= 100 and < 200);
}
