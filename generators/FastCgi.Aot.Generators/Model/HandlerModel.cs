namespace FastCgi.Aot.Generators.Model;

/// <summary>
/// The parse of one handler method: its valid endpoints with where each is declared, and the
/// errors found in it. The resolver looks at every parse at once.
/// </summary>
/// <remarks>Must stay value-equatable.</remarks>
internal sealed record HandlerModel(
    ImmutableEquatableArray<EndpointSite> Endpoints,
    ImmutableEquatableArray<DiagnosticInfo> Diagnostics)
{
    public static HandlerModel FromDiagnostics(ImmutableEquatableArray<DiagnosticInfo> diagnostics) =>
        new(ImmutableEquatableArray<EndpointSite>.Empty, diagnostics);
}

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
/// <remarks>Must stay value-equatable: the source output selects it alone, so moving code re-emits nothing.</remarks>
/// <param name="Routes">The routes to dispatch, in the resolver's order; a route's index is its id.</param>
/// <param name="Authorizer">The handler of the Authorizer role, or null when the assembly has none.</param>
/// <param name="Filter">The handler of the Filter role, or null when the assembly has none.</param>
/// <param name="CanRegister">True when the runtime has FcgiServer.RegisterApplication, so a module initializer can register the application.</param>
/// <param name="BeforeHooks">The before hooks some route runs; a route's <see cref="EndpointModel.BeforeHooks"/> index them.</param>
/// <param name="AfterHook">The <c>[FcgiAfter]</c> method, or null when the assembly has none.</param>
internal sealed record ApplicationModel(
    ImmutableEquatableArray<EndpointModel> Routes,
    EndpointModel? Authorizer,
    EndpointModel? Filter,
    ImmutableEquatableArray<HookModel> BeforeHooks,
    HookModel? AfterHook,
    JsonContextModel Json,
    bool CanRegister)
{
    /// <summary>True when the assembly has a handler of any role, and so an application to emit.</summary>
    public bool HasHandlers => Routes.Count != 0 || Authorizer is not null || Filter is not null;
}

/// <summary>What the resolver decided: the application to emit, and every diagnostic to report.</summary>
/// <remarks>Must stay value-equatable.</remarks>
internal sealed record Resolution(ApplicationModel Application, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
