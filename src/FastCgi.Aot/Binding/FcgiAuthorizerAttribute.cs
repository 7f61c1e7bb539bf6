using System;

namespace FastCgi.Aot;

/// <summary>
/// Marks a static method as the handler of every request of the Authorizer role (FastCGI 1.0 §6.3).
/// A 200 response authorizes the request, and each of its <c>Variable-NAME: value</c> headers passes
/// NAME=value on to the web server, for example
/// <c>FcgiResults.Ok().WithHeader("Variable-REMOTE_USER", "alice")</c>; any other status denies it,
/// and its status, headers and body go to the client, for example <c>FcgiResults.Unauthorized("no token")</c>.
/// </summary>
/// <remarks>
/// An assembly has at most one authorizer. It binds parameters as a route does (CGI parameters,
/// headers, the query string, the request, the response, the cancellation token) except route
/// segments, since it has no template, and the body, which the web server does not send an
/// authorizer. It returns the types a route returns.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FcgiAuthorizerAttribute : Attribute
{
    /// <summary>
    /// True when the handler may block its thread (synchronous database or file calls,
    /// <c>Thread.Sleep</c>, waiting on a lock): it then runs on one of the server's worker threads
    /// (<c>--blocking-threads</c>) instead of the connection's I/O thread, under the same limits,
    /// timeout and abort. False by default: an ordinary handler runs inline on the I/O thread,
    /// which is what makes a request cost a few microseconds, and must not block.
    /// </summary>
    public bool Blocking { get; set; }
}
