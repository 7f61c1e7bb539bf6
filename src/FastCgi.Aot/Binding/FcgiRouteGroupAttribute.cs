using System;

namespace FastCgi.Aot;

/// <summary>
/// Puts every <see cref="FcgiRouteAttribute"/> route of a class under a path prefix:
/// <c>[FcgiRouteGroup("/admin")]</c> and <c>[FcgiRoute("/notes")]</c> make <c>/admin/notes</c>.
/// The group's <see cref="FcgiBeforeAttribute"/> hook, if it has one, runs before each of its routes.
/// </summary>
/// <remarks>
/// <para>The route's template is appended to the prefix as written, so in a group <c>[FcgiRoute("")]</c>
/// is the prefix itself (<c>/admin</c>) and <c>[FcgiRoute("/")]</c> the prefix with a slash
/// (<c>/admin/</c>). A prefix starts with <c>/</c>, does not end with one, and may have parameters
/// (<c>/tenants/{tenant}</c>), which the group's routes and hooks may bind and need not.</para>
/// <para>Groups nest: a class in a group class is under both prefixes, the outer first, and both
/// groups' before hooks run before its routes, the outer first. Role handlers (<see cref="FcgiAuthorizerAttribute"/>,
/// <see cref="FcgiFilterAttribute"/>) have no path and are not grouped.</para>
/// </remarks>
/// <param name="prefix">The path every route of the class is under, for example <c>/api/v1</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FcgiRouteGroupAttribute(string prefix) : Attribute
{
    /// <summary>The path prefix.</summary>
    public string Prefix { get; } = prefix;
}
