using System;

namespace FastCgi.Aot;

/// <summary>What the after hook learns about a request that ended: for access logs and metrics.</summary>
/// <param name="StatusCode">The HTTP status the request was answered with (the server's own answers included); for a request aborted before its headers went out, the status the handler had set.</param>
/// <param name="Outcome">How the request ended.</param>
/// <param name="Elapsed">From the end of the request's parameters to its end.</param>
/// <param name="BytesSent">The FCGI_STDOUT content bytes handed to the web server: the CGI header block and the body.</param>
/// <param name="Endpoint">The handler the request was routed to; null when the application does not route (a hand-written <see cref="IFcgiApplication"/>) or the request was refused before routing.</param>
public readonly record struct FcgiRequestSummary(
    int StatusCode,
    FcgiRequestOutcome Outcome,
    TimeSpan Elapsed,
    long BytesSent,
    FcgiEndpoint? Endpoint);
