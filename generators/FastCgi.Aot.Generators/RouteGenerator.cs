using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using FastCgi.Aot.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FastCgi.Aot.Generators;

/// <summary>
/// Compiles the <c>[FcgiRoute]</c> handlers of an assembly into one <c>IFcgiApplication</c>: a
/// dispatcher that switches on the path's segments and binders that read each parameter from spans.
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

        // Each provider selects the small value it needs before combining, so an edit elsewhere
        // leaves the inputs of the source output equal and the output cached.
        IncrementalValueProvider<ImmutableArray<ImmutableEquatableArray<RouteModel>>> routes = handlers
            .Select(static (handler, _) => handler.Routes)
            .WithTrackingName(GeneratorSteps.Routes)
            .Collect();

        IncrementalValueProvider<JsonContextModel> json = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Parser.ParseJsonContext(compilation, cancellationToken))
            .WithTrackingName(GeneratorSteps.JsonContext);

        IncrementalValueProvider<bool> canRegister = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Parser.HasServerRegistration(compilation, cancellationToken))
            .WithTrackingName(GeneratorSteps.ServerRegistration);

        IncrementalValueProvider<ApplicationModel> application = routes
            .Combine(json)
            .Combine(canRegister)
            .Select(static (input, _) => BuildApplication(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(GeneratorSteps.Application);

        context.RegisterSourceOutput(application, static (production, model) =>
        {
            if (model.Routes.Count != 0)
            {
                production.AddSource(Emitter.HintName, Emitter.Emit(model));
            }
        });

        IncrementalValueProvider<ImmutableEquatableArray<DiagnosticInfo>> diagnostics = handlers
            .Select(static (handler, _) => new HandlerDiagnostics(handler.Diagnostics, handler.Sites))
            .Collect()
            .Combine(json)
            .Select(static (input, _) => CollectDiagnostics(input.Left, input.Right))
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

    private static ApplicationModel BuildApplication(ImmutableArray<ImmutableEquatableArray<RouteModel>> handlers, JsonContextModel json, bool canRegister)
    {
        var kept = new List<RouteModel>();
        var seen = new HashSet<(string, string)>();
        foreach (RouteModel route in handlers.SelectMany(static h => h).OrderBy(static r => (r.HttpMethod, r.Shape, r.DisplayName, r.Template), s_routeOrder))
        {
            // A duplicate or a route whose JSON types lack info is reported, not dispatched.
            if (!seen.Add((route.HttpMethod, route.Shape)) || !JsonTypes(route).All(t => json.FindProperty(t) is not null))
            {
                continue;
            }

            kept.Add(route);
        }

        return new ApplicationModel(kept.ToImmutableEquatableArray(), json, canRegister);
    }

    private static IEnumerable<string> JsonTypes(RouteModel route)
    {
        foreach (ParameterModel parameter in route.Parameters)
        {
            if (parameter.Kind == ValueKind.Json)
            {
                yield return parameter.Key;
            }
        }

        if (route.Result.Kind == ResultKind.Json)
        {
            yield return route.Result.JsonTypeName;
        }
    }

    private static ImmutableEquatableArray<DiagnosticInfo> CollectDiagnostics(ImmutableArray<HandlerDiagnostics> handlers, JsonContextModel json)
    {
        var result = new List<DiagnosticInfo>();
        var sites = new List<RouteSite>();
        foreach (HandlerDiagnostics handler in handlers)
        {
            result.AddRange(handler.Diagnostics);
            sites.AddRange(handler.Sites);
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

            foreach (string type in site.JsonTypes)
            {
                if (json.FindProperty(type) is not null)
                {
                    continue;
                }

                string why = json.ContextTypeName.Length == 0
                    ? "the assembly names no JsonSerializerContext: add [assembly: FcgiJsonContext(typeof(YourJsonContext))]"
                    : $"'{json.ContextTypeName}' has no type info for it: add [JsonSerializable(typeof({type.Replace("global::", string.Empty)}))] to the context";
                result.Add(new DiagnosticInfo(DiagnosticDescriptors.MissingJsonTypeInfo, site.Location, new[] { site.DisplayName, type, why }.ToImmutableEquatableArray()));
            }
        }

        return result.ToImmutableEquatableArray();
    }

    /// <summary>The diagnostic half of a <see cref="HandlerModel"/>.</summary>
    /// <remarks>Must stay value-equatable.</remarks>
    private sealed record HandlerDiagnostics(ImmutableEquatableArray<DiagnosticInfo> Diagnostics, ImmutableEquatableArray<RouteSite> Sites);
}
