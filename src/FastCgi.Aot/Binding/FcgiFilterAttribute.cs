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
}
