using FastCgi.Aot.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FastCgi.Aot.Generators;

/// <summary>
/// Compiles the <c>[FcgiRoute]</c>, <c>[FcgiAuthorizer]</c> and <c>[FcgiFilter]</c> handlers of an
/// assembly into one <c>IFcgiApplication</c>: a dispatcher that switches on the request's role, then
/// for responders on the path's segments, and binders that read each parameter from spans.
/// </summary>
/// <remarks>
/// Parse (<see cref="Parser"/>: symbols to equatable models), resolve (<see cref="Resolver"/>: every
/// handler at once, to the application and its diagnostics), emit (<see cref="Emitter"/>: the model
/// to source). The source output selects the application alone, so an edit that only moves code
/// changes diagnostics' locations and re-emits nothing.
/// </remarks>
[Generator(LanguageNames.CSharp)]
internal sealed partial class RouteGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<HandlerModel> routes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.FcgiRouteAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseRoutes)
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

        IncrementalValuesProvider<ImmutableEquatableArray<DiagnosticInfo>> routeGroups = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.FcgiRouteGroupAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                Parser.ParseRouteGroup)
            .WithTrackingName(GeneratorSteps.RouteGroups);

        IncrementalValuesProvider<HookSite?> beforeHooks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.FcgiBeforeAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseBeforeHook)
            .WithTrackingName(GeneratorSteps.BeforeHooks);

        IncrementalValuesProvider<HookSite?> afterHooks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.FcgiAfterAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.ParseAfterHook)
            .WithTrackingName(GeneratorSteps.AfterHooks);

        // The compilation is large and changes on every edit: select the small value first.
        IncrementalValueProvider<JsonContextModel> json = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Parser.ParseJsonContext(compilation, cancellationToken))
            .WithTrackingName(GeneratorSteps.JsonContext);

        IncrementalValueProvider<bool> canRegister = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Parser.HasServerRegistration(compilation, cancellationToken))
            .WithTrackingName(GeneratorSteps.ServerRegistration);

        IncrementalValueProvider<Resolution> resolution = routes.Collect()
            .Combine(authorizers.Collect())
            .Combine(filters.Collect())
            .Combine(routeGroups.Collect())
            .Combine(beforeHooks.Collect().Combine(afterHooks.Collect()))
            .Combine(json)
            .Combine(canRegister)
            .Select(static (input, _) => Resolver.Resolve(
                input.Left.Left.Left.Left.Left.Left.AddRange(input.Left.Left.Left.Left.Left.Right).AddRange(input.Left.Left.Left.Left.Right),
                input.Left.Left.Left.Right,
                input.Left.Left.Right.Left,
                input.Left.Left.Right.Right,
                input.Left.Right,
                input.Right))
            .WithTrackingName(GeneratorSteps.Resolution);

        IncrementalValueProvider<ApplicationModel> application = resolution
            .Select(static (resolved, _) => resolved.Application)
            .WithTrackingName(GeneratorSteps.Application);

        context.RegisterSourceOutput(application, static (production, model) =>
        {
            if (model.HasHandlers)
            {
                production.AddSource(Emitter.HintName, Emitter.Emit(model));
            }
        });

        IncrementalValueProvider<ImmutableEquatableArray<DiagnosticInfo>> diagnostics = resolution
            .Select(static (resolved, _) => resolved.Diagnostics)
            .WithTrackingName(GeneratorSteps.Diagnostics);

        // Diagnostics travel as plain values (a syntax tree would defeat the cache) and are tied back
        // to the compilation's trees only here, at the end, so that #pragma suppresses them.
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (production, input) =>
        {
            foreach (DiagnosticInfo diagnostic in input.Left)
            {
                production.ReportDiagnostic(diagnostic.ToDiagnostic(input.Right));
            }
        });
    }
}
