using System;

namespace FastCgi.Aot;

/// <summary>
/// Marks a static method as the handler of every request of the Filter role (FastCGI 1.0 §6.4): the
/// web server sends the request, then the file to filter as the DATA stream, with its modification
/// time and length in the <c>FCGI_DATA_LAST_MOD</c> and <c>FCGI_DATA_LENGTH</c> parameters. The
/// handler's response is sent to the client as a responder's is.
/// </summary>
/// <remarks>
/// An assembly has at most one filter. It binds parameters as a route does, except route segments,
/// since it has no template; a parameter marked <see cref="FcgiDataAttribute"/> binds the DATA stream.
/// It returns the types a route returns.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FcgiFilterAttribute : Attribute
{
    /// <summary>
    /// True when the handler may block its thread (synchronous database or file calls,
    /// <c>Thread.Sleep</c>, waiting on a lock): it then runs on one of the server's worker threads
    /// (<c>--blocking-threads</c>) instead of the connection's I/O thread, under the same limits,
    /// timeout and abort. False by default: an ordinary handler runs inline on the I/O thread,
    /// which is what makes a request cost a few microseconds, and must not block.
    /// </summary>
    public bool Blocking { get; set; }

    /// <summary>
    /// The most request body and DATA bytes the handler takes, each; past it the server answers 413 without
    /// running it. -1 (the default) for the server's <c>--max-body-bytes</c>. A value above the
    /// server's limit raises the limit for this handler only.
    /// </summary>
    public long MaxBodyBytes { get; set; } = -1;
}
