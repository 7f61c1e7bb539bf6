using System;

namespace FastCgi.Aot.Internal;

/// <summary>Reason phrases for the CGI <c>Status:</c> header.</summary>
internal static class HttpStatus
{
    public static ReadOnlySpan<byte> ReasonPhrase(int statusCode) => statusCode switch
    {
        100 => "Continue"u8,
        101 => "Switching Protocols"u8,
        200 => "OK"u8,
        201 => "Created"u8,
        202 => "Accepted"u8,
        204 => "No Content"u8,
        206 => "Partial Content"u8,
        301 => "Moved Permanently"u8,
        302 => "Found"u8,
        303 => "See Other"u8,
        304 => "Not Modified"u8,
        307 => "Temporary Redirect"u8,
        308 => "Permanent Redirect"u8,
        400 => "Bad Request"u8,
        401 => "Unauthorized"u8,
        403 => "Forbidden"u8,
        404 => "Not Found"u8,
        405 => "Method Not Allowed"u8,
        406 => "Not Acceptable"u8,
        408 => "Request Timeout"u8,
        409 => "Conflict"u8,
        410 => "Gone"u8,
        411 => "Length Required"u8,
        412 => "Precondition Failed"u8,
        413 => "Content Too Large"u8,
        414 => "URI Too Long"u8,
        415 => "Unsupported Media Type"u8,
        416 => "Range Not Satisfiable"u8,
        422 => "Unprocessable Content"u8,
        429 => "Too Many Requests"u8,
        431 => "Request Header Fields Too Large"u8,
        500 => "Internal Server Error"u8,
        501 => "Not Implemented"u8,
        502 => "Bad Gateway"u8,
        503 => "Service Unavailable"u8,
        504 => "Gateway Timeout"u8,
        _ => "Status"u8,
    };

    /// <summary>True for the statuses that carry no body (RFC 9110 §6.4.1).</summary>
    public static bool HasNoBody(int statusCode) => statusCode is 204 or 304 or (>= 100 and < 200);
}
