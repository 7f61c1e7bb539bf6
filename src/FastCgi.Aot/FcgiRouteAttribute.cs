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
}
