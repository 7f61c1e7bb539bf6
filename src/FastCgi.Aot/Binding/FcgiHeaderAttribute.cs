using System;

namespace FastCgi.Aot;

/// <summary>
/// Binds a handler parameter to an HTTP request header, by its HTTP name, for example
/// <c>[FcgiHeader("User-Agent")] string? agent</c>. The web server passes it as the CGI parameter
/// <c>HTTP_USER_AGENT</c> (Content-Type and Content-Length as CONTENT_TYPE and CONTENT_LENGTH);
/// the generator computes that name at compile time.
/// </summary>
/// <param name="name">The header's HTTP name.</param>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FcgiHeaderAttribute(string name) : Attribute
{
    /// <summary>The header's HTTP name.</summary>
    public string Name { get; } = name;
}
