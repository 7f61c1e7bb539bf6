using System;
using System.Globalization;
using FastCgi.Aot;

namespace Notes;

/// <summary>One line on standard error per request, as nginx's access log has one per request.</summary>
internal static class AccessLog
{
    /// <summary>
    /// Method, path, the status actually sent (the server's own 404s and 413s included), time and
    /// bytes. Runs on the thread that ended the request, often an I/O thread: one formatted write.
    /// </summary>
    [FcgiAfter]
    public static void Write(FcgiRequest request, in FcgiRequestSummary summary) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{request.GetMethodString()} {request.GetPathString()} {summary.StatusCode} {summary.Elapsed.TotalMilliseconds:F1}ms {summary.BytesSent}B"));
}
