using System;

namespace FastCgi.Aot;

/// <summary>
/// Marks the static method the server calls once for every request after it ended, with its final
/// status, outcome, duration and size: for access logs and metrics. Its signature is
/// <c>static void M(FcgiRequest request, FcgiRequestSummary summary)</c> (the summary may be
/// <c>in</c>); an assembly has at most one.
/// </summary>
/// <remarks>
/// <para>The generated application implements <see cref="IFcgiApplication.OnRequestCompleted"/> by
/// calling it and <see cref="IFcgiApplication.ObservesCompletedRequests"/> as true; without an after
/// hook it implements neither, and the server builds no summary.</para>
/// <para>It sees every request the server took, the server's own answers (400, 404, 413, 504, …)
/// included, after the last byte went to the web server or the request was aborted, timed out or cut
/// off (<see cref="FcgiRequestSummary.Outcome"/>). It runs on the thread that ended the request,
/// often an I/O thread, so it must be quick and must not throw. The request is intact during the call
/// and must not be kept after it.</para>
/// </remarks>
/// <example>
/// <code>
/// [FcgiAfter]
/// public static void Access(FcgiRequest request, in FcgiRequestSummary summary) =>
///     Console.Error.WriteLine($"{request.GetMethodString()} {request.GetPathString()} {summary.StatusCode} {summary.Elapsed.TotalMilliseconds:F1}ms");
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FcgiAfterAttribute : Attribute
{
}
