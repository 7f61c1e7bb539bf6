namespace FastCgi.Aot.Generators.Model;

/// <summary>
/// One thing a request can be dispatched to: a route (a method and a template) or the handler of a
/// role, with the method that handles it.
/// </summary>
/// <remarks>Must stay value-equatable (strings, enums, equatable arrays), so that an unchanged endpoint is cached.</remarks>
/// <param name="HttpMethod">The route's method, upper-cased; empty for a role handler.</param>
/// <param name="Template">The route's template; empty for a role handler.</param>
/// <param name="Segments">The template's segments; none for a role handler.</param>
/// <param name="Blocking">True when the handler runs on the server's worker threads (<c>Blocking = true</c>).</param>
/// <param name="MaxBodyBytes">The most body bytes the handler takes; -1 for the server's limit.</param>
/// <param name="Groups">The route group types the route is in, outermost first, fully qualified; their before hooks run before it.</param>
internal sealed record EndpointModel(
    HandlerRole Role,
    string HttpMethod,
    string Template,
    ImmutableEquatableArray<SegmentModel> Segments,
    MethodModel Handler,
    bool Blocking,
    long MaxBodyBytes,
    ImmutableEquatableArray<string> Groups)
{
    /// <summary>The before hooks that run before the route, in order, as indexes into <see cref="ApplicationModel.BeforeHooks"/>; set by the resolver.</summary>
    public ImmutableEquatableArray<int> BeforeHooks { get; init; } = ImmutableEquatableArray<int>.Empty;

    /// <summary>The template with its parameter names removed: routes with one shape match the same paths.</summary>
    public string Shape => TemplateParser.Shape(Segments);
}

/// <summary>One segment of a route template.</summary>
/// <remarks>Must stay value-equatable.</remarks>
internal sealed record SegmentModel(SegmentKind Kind, string Value);

/// <summary>An endpoint and where it is declared, for the diagnostics that look at every endpoint at once.</summary>
/// <remarks>Must stay value-equatable. The location changes when code moves, so the source output never sees a site.</remarks>
internal sealed record EndpointSite(EndpointModel Endpoint, LocationInfo? Location);
