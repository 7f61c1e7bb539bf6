using System;

namespace FastCgi.Aot.Http;

/// <summary>
/// Every answer the server makes itself, rather than a handler: 400 for a parameter that does not
/// bind, 404, 405, 413, 431, 500 for a failed handler, 503 when the blocking queue is full, 504
/// for a request past its time limit, in CGI mode as on a connection. One place decides their
/// status line, headers and body, so they read the same wherever they come from. They are
/// written into a response like a handler's answer, and sent by the same code.
/// </summary>
internal static class ServerAnswers
{
    public const string TextPlain = "text/plain; charset=utf-8";

    /// <summary>Answers with <paramref name="statusCode"/> and a one-line text body: <paramref name="message"/>, or the reason phrase.</summary>
    /// <remarks>Call before anything was written, or after <see cref="FcgiResponse.ResetForError"/>.</remarks>
    public static void Write(FcgiResponse response, int statusCode, string? message = null)
    {
        response.StatusCode = statusCode;
        response.ContentType = TextPlain;
        if (statusCode == 503)
        {
            // Busy for a moment, not down: tell clients (and proxies that retry) when to try again.
            response.AddHeader("Retry-After"u8, "1"u8);
        }

        if (message is null)
        {
            response.Write(HttpStatus.ReasonPhrase(statusCode));
        }
        else
        {
            response.Write(message);
        }

        response.Write("\n"u8);
    }

    /// <summary>405 with the methods the path allows in <c>Allow</c> (RFC 9110 §15.5.6).</summary>
    public static void WriteMethodNotAllowed(FcgiResponse response, string allow)
    {
        response.AddHeader("Allow", allow);
        Write(response, 405);
    }
}
