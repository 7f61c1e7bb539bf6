namespace FastCgi.Aot.Generators.Model;

/// <summary>
/// The parse of one handler method: its valid routes or role handler, for the source output, and
/// the diagnostics and sites, for the diagnostic output.
/// </summary>
/// <remarks>Must stay value-equatable.</remarks>
internal sealed record HandlerModel(
    ImmutableEquatableArray<RouteModel> Routes,
    ImmutableEquatableArray<RoleHandlerModel> RoleHandlers,
    ImmutableEquatableArray<DiagnosticInfo> Diagnostics,
    ImmutableEquatableArray<RouteSite> Sites,
    ImmutableEquatableArray<RoleSite> RoleSites)
{
    public static HandlerModel FromDiagnostics(ImmutableEquatableArray<DiagnosticInfo> diagnostics) =>
        new(ImmutableEquatableArray<RouteModel>.Empty, ImmutableEquatableArray<RoleHandlerModel>.Empty, diagnostics, ImmutableEquatableArray<RouteSite>.Empty, ImmutableEquatableArray<RoleSite>.Empty);
}

/// <summary>
/// Where a route is declared, with what it needs from the rest of the assembly: the duplicate-route
/// and JSON checks look at every route at once.
/// </summary>
/// <remarks>Must stay value-equatable.</remarks>
internal sealed record RouteSite(
    string HttpMethod,
    string Template,
    string Shape,
    string DisplayName,
    ImmutableEquatableArray<string> JsonTypes,
    LocationInfo? Location);

/// <summary>
/// Where a role handler is declared, with what it needs from the rest of the assembly: the one-per-role
/// and JSON checks look at every role handler at once.
/// </summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="Signature">The method with its parameter types, which orders role handlers independently of file order.</param>
internal sealed record RoleSite(
    HandlerRole Role,
    string Signature,
    string DisplayName,
    ImmutableEquatableArray<string> JsonTypes,
    LocationInfo? Location);

/// <summary>The JsonSerializerContext the assembly names, and the types it has info for.</summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="ContextTypeName">The context type, fully qualified; empty when the assembly names none.</param>
internal sealed record JsonContextModel(string ContextTypeName, ImmutableEquatableArray<JsonTypeModel> Types)
{
    public static readonly JsonContextModel None = new(string.Empty, ImmutableEquatableArray<JsonTypeModel>.Empty);

    public string? FindProperty(string typeName)
    {
        foreach (JsonTypeModel type in Types)
        {
            if (type.TypeName == typeName)
            {
                return type.PropertyName;
            }
        }

        return null;
    }
}

/// <summary>A type with JSON info on the context, and the name of its property there.</summary>
/// <remarks>Must stay value-equatable.</remarks>
internal sealed record JsonTypeModel(string TypeName, string PropertyName);

/// <summary>Everything the emitter needs: the routes to dispatch, sorted, the role handlers, and the JSON context.</summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="Authorizer">The handler of the Authorizer role, or null when the assembly has none.</param>
/// <param name="Filter">The handler of the Filter role, or null when the assembly has none.</param>
/// <param name="CanRegister">True when the runtime has FcgiServer.RegisterApplication, so a module initializer can register the application.</param>
internal sealed record ApplicationModel(
    ImmutableEquatableArray<RouteModel> Routes,
    RoleHandlerModel? Authorizer,
    RoleHandlerModel? Filter,
    JsonContextModel Json,
    bool CanRegister)
{
    /// <summary>True when the assembly has a handler of any role, and so an application to emit.</summary>
    public bool HasHandlers => Routes.Count != 0 || Authorizer is not null || Filter is not null;
}
