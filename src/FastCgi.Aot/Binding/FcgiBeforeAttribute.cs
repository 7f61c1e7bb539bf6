using System;

namespace FastCgi.Aot;

/// <summary>
/// Marks a static method that runs before routes: before each route of its class's
/// <see cref="FcgiRouteGroupAttribute"/> group, or, with <see cref="AllRoutes"/>, before every route
/// of the assembly. It binds parameters as a handler does and returns <see cref="FcgiResult"/>?
/// (or a <c>ValueTask</c> or <c>Task</c> of it): null lets the request go on to the route; a result
/// is the answer, and the route does not run.
/// </summary>
/// <remarks>
/// <para>Hooks run in this order: the assembly's (<c>AllRoutes = true</c>), then each group's from the
/// outermost, then the route. A group has at most one before hook, and so does the assembly; a hook
/// that should do two things calls two methods.</para>
/// <para>Hooks are compiled into the route's invoker, so they run where the route runs (on a worker
/// thread for a <see cref="FcgiRouteAttribute.Blocking"/> route) and only for requests that matched a
/// route: a 404 or 405 runs none. Role handlers run none either.</para>
/// </remarks>
/// <example>
/// <code>
/// [FcgiRouteGroup("/admin")]
/// static class Admin
/// {
///     [FcgiBefore]
///     public static FcgiResult? RequireLogin([FcgiHeader("Cookie")] string? cookie) =>
///         Sessions.IsAdmin(cookie) ? null : FcgiResults.Redirect("/login");
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FcgiBeforeAttribute : Attribute
{
    /// <summary>
    /// True to run the hook before every route of the assembly, wherever the method is declared;
    /// false (the default) to run it before the routes of its class's group.
    /// </summary>
    public bool AllRoutes { get; set; }
}
