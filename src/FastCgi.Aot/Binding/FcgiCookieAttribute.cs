using System;

namespace FastCgi.Aot;

/// <summary>
/// Binds a handler parameter to a cookie of the request's <c>Cookie</c> header, for example
/// <c>[FcgiCookie("session")] string? session</c>. The value is taken as the browser sent it
/// (surrounding quotes removed, nothing percent-decoded), with the types, nullability and 400
/// answers of query values.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FcgiCookieAttribute : Attribute
{
    /// <summary>Binds the cookie named <paramref name="name"/>.</summary>
    /// <param name="name">The cookie's name; names are case-sensitive.</param>
    public FcgiCookieAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The cookie's name.</summary>
    public string Name { get; }
}
