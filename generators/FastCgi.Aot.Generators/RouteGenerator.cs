using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using FastCgi.Aot.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FastCgi.Aot.Generators;

/// <summary>
/// Compiles the <c>[FcgiRoute]</c>, <c>[FcgiAuthorizer]</c> and <c>[FcgiFilter]</c> handlers of an
/// assembly into one <c>IFcgiApplication</c>: a dispatcher that switches on the request's role, then
/// for responders on the path's segments, and binders that read each parameter from spans.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed partial class RouteGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<HandlerModel> handlers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.FcgiRouteAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.Parse)
            .WithTrackingName(GeneratorSteps.Handlers);

        IncrementalValuesProvider<HandlerModel> authorizers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.FcgiAuthorizerAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseAuthorizer)
            .WithTrackingName(GeneratorSteps.Authorizers);

        IncrementalValuesProvider<HandlerModel> filters = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.FcgiFilterAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseFilter)
            .WithTrackingName(GeneratorSteps.Filters);

        // Each provider selects the small value it needs before combining, so an edit elsewhere
        // leaves the inputs of the source output equal and the output cached.
        IncrementalValueProvider<ImmutableArray<ImmutableEquatableArray<RouteModel>>> routes = handlers
            .Select(static (handler, _) => handler.Routes)
            .WithTrackingName(GeneratorSteps.Routes)
            .Collect();

        IncrementalValueProvider<ImmutableEquatableArray<RoleHandlerModel>> roleHandlers = authorizers
            .Select(static (handler, _) => handler.RoleHandlers)
            .Collect()
            .Combine(filters.Select(static (handler, _) => handler.RoleHandlers).Collect())
            .Select(static (input, _) => input.Left.Concat(input.Right).SelectMany(static h => h).ToImmutableEquatableArray())
            .WithTrackingName(GeneratorSteps.RoleHandlers);

        IncrementalValueProvider<JsonContextModel> json = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Parser.ParseJsonContext(compilation, cancellationToken))
            .WithTrackingName(GeneratorSteps.JsonContext);

        IncrementalValueProvider<bool> canRegister = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Parser.HasServerRegistration(compilation, cancellationToken))
            .WithTrackingName(GeneratorSteps.ServerRegistration);

        IncrementalValueProvider<ApplicationModel> application = routes
            .Combine(roleHandlers)
            .Combine(json)
            .Combine(canRegister)
            .Select(static (input, _) => BuildApplication(input.Left.Left.Left, input.Left.Left.Right, input.Left.Right, input.Right))
            .WithTrackingName(GeneratorSteps.Application);

        context.RegisterSourceOutput(application, static (production, model) =>
        {
            if (model.HasHandlers)
            {
                production.AddSource(Emitter.HintName, Emitter.Emit(model));
            }
        });

        IncrementalValueProvider<ImmutableEquatableArray<DiagnosticInfo>> diagnostics = handlers
            .Select(static (handler, _) => new HandlerDiagnostics(handler.Diagnostics, handler.Sites, handler.RoleSites))
            .Collect()
            .Combine(authorizers.Select(static (handler, _) => new HandlerDiagnostics(handler.Diagnostics, handler.Sites, handler.RoleSites)).Collect())
            .Combine(filters.Select(static (handler, _) => new HandlerDiagnostics(handler.Diagnostics, handler.Sites, handler.RoleSites)).Collect())
            .Combine(json)
            .Select(static (input, _) => CollectDiagnostics(input.Left.Left.Left.AddRange(input.Left.Left.Right).AddRange(input.Left.Right), input.Right))
            .WithTrackingName(GeneratorSteps.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (production, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list)
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }

    /// <summary>The order routes are dispatched and deduplicated in; it must not depend on file order.</summary>
    private static readonly IComparer<(string Method, string Shape, string DisplayName, string Template)> s_routeOrder =
        Comparer<(string Method, string Shape, string DisplayName, string Template)>.Create(static (x, y) =>
        {
            int c = string.CompareOrdinal(x.Shape, y.Shape);
            c = c != 0 ? c : string.CompareOrdinal(x.Method, y.Method);
            c = c != 0 ? c : string.CompareOrdinal(x.DisplayName, y.DisplayName);
            return c != 0 ? c : string.CompareOrdinal(x.Template, y.Template);
        });

    /// <summary>The order role handlers are chosen and reported in: by signature, not file order.</summary>
    private static readonly IComparer<string> s_roleOrder = StringComparer.Ordinal;

    private static ApplicationModel BuildApplication(
        ImmutableArray<ImmutableEquatableArray<RouteModel>> handlers,
        ImmutableEquatableArray<RoleHandlerModel> roleHandlers,
        JsonContextModel json,
        bool canRegister)
    {
        var kept = new List<RouteModel>();
        var seen = new HashSet<(string, string)>();
        foreach (RouteModel route in handlers.SelectMany(static h => h).OrderBy(static r => (r.HttpMethod, r.Shape, r.DisplayName, r.Template), s_routeOrder))
        {
            // A duplicate or a route whose JSON types lack info is reported, not dispatched.
            if (!seen.Add((route.HttpMethod, route.Shape)) || !JsonTypes(route.Parameters, route.Result).All(t => json.FindProperty(t) is not null))
            {
                continue;
            }

            kept.Add(route);
        }

        return new ApplicationModel(
            kept.ToImmutableEquatableArray(),
            FirstRoleHandler(roleHandlers, HandlerRole.Authorizer, json),
            FirstRoleHandler(roleHandlers, HandlerRole.Filter, json),
            json,
            canRegister);
    }

    /// <summary>The role's handler: the first by signature, as FCGI014 reports the others; none if it lacks JSON info.</summary>
    private static RoleHandlerModel? FirstRoleHandler(ImmutableEquatableArray<RoleHandlerModel> roleHandlers, HandlerRole role, JsonContextModel json)
    {
        RoleHandlerModel? first = roleHandlers.Where(h => h.Role == role).OrderBy(static h => h.Signature, s_roleOrder).FirstOrDefault();
        return first is not null && JsonTypes(first.Parameters, first.Result).All(t => json.FindProperty(t) is not null) ? first : null;
    }

    private static IEnumerable<string> JsonTypes(IEnumerable<ParameterModel> parameters, ResultModel result)
    {
        foreach (ParameterModel parameter in parameters)
        {
            if (parameter.Kind == ValueKind.Json)
            {
                yield return parameter.Key;
            }
        }

        if (result.Kind == ResultKind.Json)
        {
            yield return result.JsonTypeName;
        }
    }

    private static ImmutableEquatableArray<DiagnosticInfo> CollectDiagnostics(ImmutableArray<HandlerDiagnostics> handlers, JsonContextModel json)
    {
        var result = new List<DiagnosticInfo>();
        var sites = new List<RouteSite>();
        var roleSites = new List<RoleSite>();
        foreach (HandlerDiagnostics handler in handlers)
        {
            result.AddRange(handler.Diagnostics);
            sites.AddRange(handler.Sites);
            roleSites.AddRange(handler.RoleSites);
        }

        var first = new Dictionary<(string, string), RouteSite>();
        foreach (RouteSite site in sites.OrderBy(static s => (s.HttpMethod, s.Shape, s.DisplayName, s.Template), s_routeOrder))
        {
            if (first.TryGetValue((site.HttpMethod, site.Shape), out RouteSite? existing))
            {
                result.Add(new DiagnosticInfo(
                    DiagnosticDescriptors.DuplicateRoute,
                    site.Location,
                    new[] { site.DisplayName, site.HttpMethod, site.Template, existing.DisplayName }.ToImmutableEquatableArray()));
            }
            else
            {
                first.Add((site.HttpMethod, site.Shape), site);
            }

            ReportMissingJson(result, json, site.DisplayName, site.JsonTypes, site.Location);
        }

        var firstOfRole = new Dictionary<HandlerRole, RoleSite>();
        foreach (RoleSite site in roleSites.OrderBy(static s => s.Signature, s_roleOrder))
        {
            if (firstOfRole.TryGetValue(site.Role, out RoleSite? existing))
            {
                result.Add(new DiagnosticInfo(
                    DiagnosticDescriptors.DuplicateRoleHandler,
                    site.Location,
                    new[] { site.DisplayName, Parser.AttributeName(site.Role), existing.DisplayName, site.Role.ToString() }.ToImmutableEquatableArray()));
            }
            else
            {
                firstOfRole.Add(site.Role, site);
            }

            ReportMissingJson(result, json, site.DisplayName, site.JsonTypes, site.Location);
        }

        return result.ToImmutableEquatableArray();
    }

    private static void ReportMissingJson(List<DiagnosticInfo> result, JsonContextModel json, string displayName, ImmutableEquatableArray<string> types, LocationInfo? location)
    {
        foreach (string type in types)
        {
            if (json.FindProperty(type) is not null)
            {
                continue;
            }

            string why = json.ContextTypeName.Length == 0
                ? "the assembly names no JsonSerializerContext: add [assembly: FcgiJsonContext(typeof(YourJsonContext))]"
                : $"'{json.ContextTypeName}' has no type info for it: add [JsonSerializable(typeof({type.Replace("global::", string.Empty)}))] to the context";
            result.Add(new DiagnosticInfo(DiagnosticDescriptors.MissingJsonTypeInfo, location, new[] { displayName, type, why }.ToImmutableEquatableArray()));
        }
    }

    /// <summary>The diagnostic half of a <see cref="HandlerModel"/>.</summary>
    /// <remarks>Must stay value-equatable.</remarks>
    private sealed record HandlerDiagnostics(ImmutableEquatableArray<DiagnosticInfo> Diagnostics, ImmutableEquatableArray<RouteSite> Sites, ImmutableEquatableArray<RoleSite> RoleSites);
}
