namespace FastCgi.Aot.Generators.Model;

/// <summary>
/// The parse of one handler method: its valid routes, for the source output, and the diagnostics
/// and route sites, for the diagnostic output.
/// </summary>
/// <remarks>Must stay value-equatable.</remarks>
internal sealed record HandlerModel(
    ImmutableEquatableArray<RouteModel> Routes,
    ImmutableEquatableArray<DiagnosticInfo> Diagnostics,
    ImmutableEquatableArray<RouteSite> Sites);

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

/// <summary>Everything the emitter needs: the routes to dispatch, sorted, and the JSON context.</summary>
/// <remarks>Must stay value-equatable.</remarks>
/// <param name="CanRegister">True when the runtime has FcgiServer.RegisterApplication, so a module initializer can register the application.</param>
internal sealed record ApplicationModel(
    ImmutableEquatableArray<RouteModel> Routes,
    JsonContextModel Json,
    bool CanRegister);
