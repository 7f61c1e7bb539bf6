using System;

namespace FastCgi.Aot;

/// <summary>
/// Marks a static method as the handler of a route. The FastCgi.Aot source generator finds every
/// such method in the assembly and compiles them into the application's dispatch table.
/// </summary>
/// <param name="template">
/// The path, starting with <c>/</c>. Segments in braces bind parameters: <c>/users/{id}</c>; a
/// last segment <c>{*path}</c> binds the rest of the path.
/// </param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class FcgiRouteAttribute(string template) : Attribute
{
    /// <summary>The route template.</summary>
    public string Template { get; } = template;

    /// <summary>The HTTP method the route answers; <c>GET</c> by default (which also answers HEAD).</summary>
    public string Method { get; set; } = "GET";

    /// <summary>
    /// True when the handler may block its thread (synchronous database or file calls,
    /// <c>Thread.Sleep</c>, waiting on a lock): it then runs on one of the server's worker threads
    /// (<c>--blocking-threads</c>) instead of the connection's I/O thread, under the same limits,
    /// timeout and abort. False by default: an ordinary handler runs inline on the I/O thread,
    /// which is what makes a request cost a few microseconds, and must not block.
    /// </summary>
    public bool Blocking { get; set; }

    /// <summary>
    /// The most request body bytes the handler takes; past it the server answers 413 without
    /// running it. -1 (the default) for the server's <c>--max-body-bytes</c>. A value above the
    /// server's limit raises the limit for this handler only.
    /// </summary>
    public long MaxBodyBytes { get; set; } = -1;
}
