using System;

namespace FastCgi.Aot;

/// <summary>
/// Binds a handler parameter to a query-string value. Simple parameters that are not in the route
/// template come from the query string anyway; the attribute names a key that differs from the
/// parameter's name, for example <c>[FcgiQuery("page-size")] int pageSize</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FcgiQueryAttribute : Attribute
{
    /// <summary>Binds the query value whose key is the parameter's name.</summary>
    public FcgiQueryAttribute()
    {
    }

    /// <summary>Binds the query value whose key is <paramref name="name"/>.</summary>
    /// <param name="name">The key in the query string, before percent-encoding.</param>
    public FcgiQueryAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The key in the query string, or null for the parameter's name.</summary>
    public string? Name { get; }
}
