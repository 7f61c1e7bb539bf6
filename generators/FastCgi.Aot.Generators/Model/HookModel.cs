namespace FastCgi.Aot.Generators.Model;

/// <summary>A hook the generated code calls: a <c>[FcgiBefore]</c> method before routes, or the <c>[FcgiAfter]</c> method after requests.</summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="Scope">For a before hook, the route group type it runs for (fully qualified), or empty when it runs before every route.</param>
/// <param name="Segments">The segments of its group's prefix, whose route values it may bind; none for the others.</param>
internal sealed record HookModel(HookKind Kind, string Scope, MethodModel Method, ImmutableEquatableArray<SegmentModel> Segments)
{
    /// <summary>For the after hook, true when it takes the summary <c>in</c>, by reference.</summary>
    public bool SummaryIn { get; init; }
}

/// <summary>
/// The parse of one hook method: the hook when it has no error, where it is declared, and its
/// errors. A hook with an error still names its scope, so that the routes it should guard are left
/// out rather than dispatched without it.
/// </summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="DisplayName">The hook as messages name it: <c>Admin.RequireLogin</c>.</param>
/// <param name="ScopeName">The scope as messages name it.</param>
/// <param name="Signature">The method with its parameter types, which orders hooks independently of file order.</param>
internal sealed record HookSite(
    HookKind Kind,
    string DisplayName,
    string Scope,
    string ScopeName,
    string Signature,
    HookModel? Hook,
    LocationInfo? Location,
    ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
