using System;

namespace FastCgi.Aot;

/// <summary>
/// Binds a handler parameter to a CGI parameter of the request, by its exact name, for example
/// <c>[FcgiParam("REMOTE_ADDR")] string address</c>. The value is taken as is, with no percent-decoding.
/// </summary>
/// <param name="name">The CGI parameter's name.</param>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FcgiParamAttribute(string name) : Attribute
{
    /// <summary>The CGI parameter's name.</summary>
    public string Name { get; } = name;
}
