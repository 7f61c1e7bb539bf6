using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using FastCgi.Aot.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>The method a before hook binds as: any, since it runs before routes of every method.</summary>
        private const string AnyMethod = "*";

        public static HookSite? ParseBeforeHook(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax || context.Attributes.Length == 0)
            {
                return null;
            }

            var parser = new Parser(context.SemanticModel.Compilation);
            return parser.ParseBefore(method, syntax, context.Attributes[0], cancellationToken);
        }

        private HookSite ParseBefore(IMethodSymbol method, MethodDeclarationSyntax syntax, AttributeData attribute, CancellationToken cancellationToken)
        {
            string displayName = method.ContainingType.Name + "." + method.Name;
            Location location = syntax.Identifier.GetLocation();
            Location attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location;
            bool allRoutes = attribute.NamedArguments.Any(static a => a.Key == "AllRoutes" && a.Value.Value is true);
            bool valid = CheckHookMethod(method, syntax, displayName, location);

            // The scope: the assembly, or the group the method's class is; a hook elsewhere guards nothing.
            string scope = string.Empty;
            string scopeName = "the assembly (AllRoutes = true)";
            var segments = new List<SegmentModel>();
            if (!allRoutes)
            {
                List<(string Type, string? Prefix)> groups = FindRouteGroups(method.ContainingType);
                string containingType = method.ContainingType.ToDisplayString(s_keyFormat);
                if (groups.Count == 0 || groups[groups.Count - 1].Type != containingType)
                {
                    Report(DiagnosticDescriptors.BeforeHookOutsideGroup, attributeLocation, displayName, method.ContainingType.Name);
                    valid = false;
                }
                else
                {
                    scope = containingType;
                    scopeName = $"the route group '{method.ContainingType.Name}'";

                    // Its route values are those of its group's prefix, which every route of the group starts with.
                    string prefix = string.Concat(groups.Select(static g => g.Prefix));
                    if (!TemplateParser.TryParsePrefix(prefix, out _) || !TemplateParser.TryParse(prefix, out segments, out _))
                    {
                        segments = new List<SegmentModel>();
                    }
                }
            }

            ResultModel? result = ParseHookResult(method, displayName, location);
            ImmutableEquatableArray<ParameterModel>? parameters = ParseParameters(method, displayName, string.Empty, AnyMethod, segments, segments.Count, HandlerRole.Responder);
            string signature = $"{method.ContainingType.ToDisplayString(s_keyFormat)}.{method.Name}({string.Join(", ", method.Parameters.Select(static p => p.Type.ToDisplayString(s_typeFormat)))})";
            HookModel? hook = valid && result is not null && parameters is not null
                ? new HookModel(HookKind.Before, scope, new MethodModel(method.ContainingType.ToDisplayString(s_keyFormat), method.Name, displayName, parameters, result), segments.ToImmutableEquatableArray())
                : null;
            return new HookSite(HookKind.Before, displayName, scope, scopeName, signature, hook, LocationInfo.From(attributeLocation), _diagnostics.ToImmutableEquatableArray());
        }

        public static HookSite? ParseAfterHook(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax || context.Attributes.Length == 0)
            {
                return null;
            }

            var parser = new Parser(context.SemanticModel.Compilation);
            return parser.ParseAfter(method, syntax, context.Attributes[0], cancellationToken);
        }

        /// <summary>The after hook is exactly <c>static void M(FcgiRequest request, [in] FcgiRequestSummary summary)</c>: the server's call.</summary>
        private HookSite ParseAfter(IMethodSymbol method, MethodDeclarationSyntax syntax, AttributeData attribute, CancellationToken cancellationToken)
        {
            string displayName = method.ContainingType.Name + "." + method.Name;
            Location location = syntax.Identifier.GetLocation();
            Location attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location;
            bool valid = CheckHookMethod(method, syntax, displayName, location);
            string signature = $"{method.ContainingType.ToDisplayString(s_keyFormat)}.{method.Name}({string.Join(", ", method.Parameters.Select(static p => p.Type.ToDisplayString(s_typeFormat)))})";

            ImmutableArray<IParameterSymbol> parameters = method.Parameters;
            bool unresolved = ContainsErrorType(method.ReturnType) || parameters.Any(static p => ContainsErrorType(p.Type));
            bool shaped = method.ReturnsVoid &&
                parameters.Length == 2 &&
                parameters[0].RefKind == RefKind.None &&
                parameters[0].Type.ToDisplayString(s_keyFormat) == "global::" + KnownTypes.FcgiRequest &&
                parameters[1].RefKind is RefKind.None or RefKind.In &&
                parameters[1].Type.ToDisplayString(s_keyFormat) == "global::" + KnownTypes.FcgiRequestSummary;
            if (!shaped && !unresolved)
            {
                Report(DiagnosticDescriptors.InvalidAfterHookSignature, location, displayName, method.Name);
            }

            HookModel? hook = valid && shaped
                ? new HookModel(
                    HookKind.After,
                    string.Empty,
                    new MethodModel(method.ContainingType.ToDisplayString(s_keyFormat), method.Name, displayName, ImmutableEquatableArray<ParameterModel>.Empty, new ResultModel(ResultKind.Void, AsyncKind.None, "void", string.Empty, string.Empty, false)),
                    ImmutableEquatableArray<SegmentModel>.Empty)
                {
                    SummaryIn = parameters[1].RefKind == RefKind.In,
                }
                : null;
            return new HookSite(HookKind.After, displayName, string.Empty, "the assembly", signature, hook, LocationInfo.From(attributeLocation), _diagnostics.ToImmutableEquatableArray());
        }

        /// <summary>A before hook returns <c>FcgiResult?</c>, or a ValueTask or Task of it; anything else is FCGI021.</summary>
        private ResultModel? ParseHookResult(IMethodSymbol method, string displayName, Location location)
        {
            ITypeSymbol declared = method.ReturnType;
            if (ContainsErrorType(declared))
            {
                return null;
            }

            AsyncKind async = AsyncKind.None;
            ITypeSymbol type = declared;
            if (declared is INamedTypeSymbol { IsGenericType: true } named)
            {
                switch (named.OriginalDefinition.ToDisplayString(s_keyFormat))
                {
                    case "global::System.Threading.Tasks.Task<TResult>":
                        async = AsyncKind.Task;
                        type = named.TypeArguments[0];
                        break;
                    case "global::System.Threading.Tasks.ValueTask<TResult>":
                        async = AsyncKind.ValueTask;
                        type = named.TypeArguments[0];
                        break;
                }
            }

            if (type.ToDisplayString(s_keyFormat) != "global::" + KnownTypes.FcgiResult)
            {
                Report(DiagnosticDescriptors.InvalidBeforeHookReturnType, location, displayName, declared.ToDisplayString(s_typeFormat));
                return null;
            }

            return new ResultModel(ResultKind.Result, async, declared.ToDisplayString(s_typeFormat), type.ToDisplayString(s_typeFormat), string.Empty, CanBeNull: true);
        }

        /// <summary>A hook is called by the generated code as a handler is: static, reachable, not generic, not async void.</summary>
        private bool CheckHookMethod(IMethodSymbol method, MethodDeclarationSyntax syntax, string displayName, Location location)
        {
            string? problem = !method.IsStatic ? "must be static: add the static modifier"
                : !IsAccessible(method) ? "must be public or internal, in public or internal types, so that the generated code can call it"
                : method.IsGenericMethod || IsInGenericType(method.ContainingType) ? "is generic or in a generic type: hooks are non-generic methods of non-generic types"
                : method.ReturnsVoid && syntax.Modifiers.Any(SyntaxKind.AsyncKeyword) ? "is async void, so nothing could wait for it or see it fail: make it synchronous"
                : null;
            if (problem is null)
            {
                return true;
            }

            Report(DiagnosticDescriptors.HookIsNotCallable, location, displayName, problem);
            return false;
        }
    }
}
