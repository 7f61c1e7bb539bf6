using Microsoft.CodeAnalysis;

namespace FastCgi.Aot.Generators;

/// <summary>The generator's diagnostics. Ids are fixed and never reused; docs/handlers.md lists them.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "FastCgi.Aot";

    public static readonly DiagnosticDescriptor UnsupportedParameterType = Create(
        "FCGI001",
        "Unsupported handler parameter type",
        "Parameter '{0}' of handler '{1}' has type '{2}', which cannot be bound: {3}");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Create(
        "FCGI002",
        "Unsupported handler return type",
        "Handler '{0}' returns '{1}', which cannot be written: return void, string, byte[], ReadOnlyMemory<byte>, a number, bool, FcgiResult, a JSON type, or a Task or ValueTask of one of these");

    public static readonly DiagnosticDescriptor InvalidRouteTemplate = Create(
        "FCGI003",
        "Invalid route template",
        "The route template '{0}' of handler '{1}' is invalid: {2}");

    public static readonly DiagnosticDescriptor DuplicateRoute = Create(
        "FCGI004",
        "Duplicate route",
        "Handler '{0}' declares {1} '{2}', which handler '{3}' already declares: change the template or the method of one of them");

    public static readonly DiagnosticDescriptor RouteParameterNotBound = Create(
        "FCGI005",
        "Route parameter without a handler parameter",
        "The route template '{0}' has the segment '{{{1}}}' but handler '{2}' has no parameter named '{1}': add one, or remove the segment");

    public static readonly DiagnosticDescriptor ParameterHasNoSource = Create(
        "FCGI006",
        "Handler parameter without a source",
        "Parameter '{0}' of handler '{1}' has no source: {2}");

    public static readonly DiagnosticDescriptor HandlerIsNotStatic = Create(
        "FCGI007",
        "Handler is not static",
        "Handler '{0}' must be static: add the static modifier");

    public static readonly DiagnosticDescriptor HandlerIsNotAccessible = Create(
        "FCGI008",
        "Handler is not accessible",
        "Handler '{0}' must be public or internal, in public or internal types, so that the generated dispatcher can call it");

    public static readonly DiagnosticDescriptor HandlerIsAsyncVoid = Create(
        "FCGI009",
        "Handler is async void",
        "Handler '{0}' is async void, so the server cannot tell when it ends: return Task or ValueTask");

    public static readonly DiagnosticDescriptor MissingJsonTypeInfo = Create(
        "FCGI010",
        "No JSON type info",
        "Handler '{0}' uses '{1}' as JSON, but {2}");

    public static readonly DiagnosticDescriptor MultipleBodyParameters = Create(
        "FCGI011",
        "More than one body parameter",
        "Parameters '{0}' and '{1}' of handler '{2}' both bind the {3}: keep one");

    public static readonly DiagnosticDescriptor HandlerIsGeneric = Create(
        "FCGI012",
        "Handler is generic",
        "Handler '{0}' is generic or in a generic type: handlers must be non-generic methods of non-generic types");

    public static readonly DiagnosticDescriptor InvalidRouteMethod = Create(
        "FCGI013",
        "Invalid route method",
        "The method '{0}' of handler '{1}' is not an HTTP method token: use GET, POST, PUT, DELETE, PATCH or another method of letters");

    public static readonly DiagnosticDescriptor DuplicateRoleHandler = Create(
        "FCGI014",
        "More than one handler for a role",
        "Handler '{0}' is marked [{1}], but handler '{2}' already handles the {3} role: an assembly has one handler per role, so keep one");

    public static readonly DiagnosticDescriptor DataParameterOutsideFilter = Create(
        "FCGI015",
        "DATA parameter outside a filter",
        "Parameter '{0}' of handler '{1}' is marked [FcgiData], but only the [FcgiFilter] handler receives the DATA stream: remove the attribute, or mark the handler [FcgiFilter]");

    public static readonly DiagnosticDescriptor ParameterSourceNotInRole = Create(
        "FCGI016",
        "Parameter source absent from the handler's role",
        "Parameter '{0}' of handler '{1}' binds {2}, which a request of the {3} role does not carry: {4}");

    public static readonly DiagnosticDescriptor HandlerHasMoreThanOneRole = Create(
        "FCGI017",
        "Handler has more than one role",
        "Handler '{0}' is marked both [{1}] and [{2}]: a method handles one role, so move one of them to another method");

    public static readonly DiagnosticDescriptor InvalidHeaderName = Create(
        "FCGI018",
        "Invalid header name",
        "Parameter '{0}' of handler '{1}' binds the header '{2}', which is not an HTTP header name: a name is letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 §5.6.2), so no request can carry it");

    public static readonly DiagnosticDescriptor InvalidMaxBodyBytes = Create(
        "FCGI019",
        "Invalid body limit",
        "MaxBodyBytes = {0} on handler '{1}' is not a body limit: use a number of bytes (0 or more), or -1 (the default) for the server's --max-body-bytes");

    public static readonly DiagnosticDescriptor InvalidRouteGroupPrefix = Create(
        "FCGI020",
        "Invalid route group prefix",
        "The route group prefix '{0}' of '{1}' is invalid: {2}; its routes are left out until it is fixed");

    public static readonly DiagnosticDescriptor InvalidBeforeHookReturnType = Create(
        "FCGI021",
        "Invalid before hook return type",
        "Before hook '{0}' returns '{1}': a before hook returns FcgiResult? (null lets the request go on to the route, a result answers it), or a ValueTask or Task of it");

    public static readonly DiagnosticDescriptor HookIsNotCallable = Create(
        "FCGI022",
        "Hook cannot be called",
        "Hook '{0}' {1}");

    public static readonly DiagnosticDescriptor BeforeHookOutsideGroup = Create(
        "FCGI023",
        "Before hook outside a route group",
        "Before hook '{0}' is in '{1}', which is not a route group, so it would run before no route: mark '{1}' [FcgiRouteGroup(\"/prefix\")] to run it before the group's routes, or use [FcgiBefore(AllRoutes = true)] to run it before every route");

    public static readonly DiagnosticDescriptor DuplicateHook = Create(
        "FCGI024",
        "More than one hook for one place",
        "Hook '{0}' is a second {1} of {2}, after '{3}': there is one, so keep one and call the other from it");

    public static readonly DiagnosticDescriptor InvalidAfterHookSignature = Create(
        "FCGI025",
        "Invalid after hook signature",
        "After hook '{0}' must be 'static void {1}(FcgiRequest request, FcgiRequestSummary summary)', the summary possibly 'in': the server calls it with the request that ended and its summary, and waits for nothing");

    /// <summary>
    /// A warning, not an error: the handler works, but for a request no browser sends. A client may
    /// still send a body with GET, and the warning can be silenced where that is meant.
    /// </summary>
    public static readonly DiagnosticDescriptor FormOnRouteWithoutBody = Create(
        "FCGI026",
        "Form parameter on a route whose requests have no body",
        "Parameter '{0}' of handler '{1}' reads {2} from the request body, but a {3} request has none, so it is never there: {4}",
        DiagnosticSeverity.Warning);

    /// <summary>
    /// A warning: the handler works, but while it blocks, every connection its I/O thread serves
    /// waits. Only calls that plainly block are flagged (see the parser), so that it is never noise.
    /// </summary>
    public static readonly DiagnosticDescriptor BlockingCallOnIoThread = Create(
        "FCGI027",
        "Blocking call in a handler that runs on an I/O thread",
        "Handler '{0}' calls {1}, which blocks its thread, and it runs on an I/O thread that other connections wait for meanwhile: await instead, or mark it {2} to run it on a worker thread",
        DiagnosticSeverity.Warning);

    // No help link: the project has no public address yet, and a link to a page that does not exist
    // is worse than none. docs/handlers.md lists every id.
    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: null);
}
