using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using FastCgi.Aot.Generators.Model;
using FastCgi.Aot.Internal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    /// <summary>Turns handler symbols into <see cref="HandlerModel"/> values; nothing it returns holds a symbol.</summary>
    internal sealed class Parser
    {
        private static readonly SymbolDisplayFormat s_typeFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private static readonly SymbolDisplayFormat s_keyFormat = SymbolDisplayFormat.FullyQualifiedFormat;

        /// <summary>FCGI001's advice for a type no source binds.</summary>
        internal const string SupportedTypes =
            "use a string, a number, bool, char, Guid, DateTime, DateTimeOffset, TimeSpan, an enum, a type implementing ISpanParsable<T> or IUtf8SpanParsable<T>, FcgiRequest, FcgiResponse, CancellationToken, or a body type (ReadOnlyMemory<byte>, byte[], Stream, string or a JSON type with [FcgiBody]), or in a filter a DATA type (ReadOnlyMemory<byte>, byte[], Stream or string with [FcgiData]); ref, out, in and params are not supported";

        /// <summary>
        /// FCGI001's advice for a collection outside the body. One place to change when repeated query
        /// keys (<c>?id=1&amp;id=2</c>) bind arrays and lists.
        /// </summary>
        internal const string CollectionsBindOnlyTheBody =
            "a collection is bound only from a JSON body (an array or List<T> marked [FcgiBody]); the query string, CGI parameters and headers bind one value, and repeated keys such as ?id=1&id=2 are not bound: take one value, or read request.QueryString";

        private readonly Compilation _compilation;
        private readonly List<DiagnosticInfo> _diagnostics = new();

        private Parser(Compilation compilation)
        {
            _compilation = compilation;
        }

        public static HandlerModel ParseRoutes(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
            {
                return HandlerModel.FromDiagnostics(ImmutableEquatableArray<DiagnosticInfo>.Empty);
            }

            var parser = new Parser(context.SemanticModel.Compilation);
            return parser.ParseRouteHandler(method, syntax, context.Attributes, cancellationToken);
        }

        public static HandlerModel ParseAuthorizer(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
            ParseRole(context, HandlerRole.Authorizer, cancellationToken);

        public static HandlerModel ParseFilter(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
            ParseRole(context, HandlerRole.Filter, cancellationToken);

        private static HandlerModel ParseRole(GeneratorAttributeSyntaxContext context, HandlerRole role, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax || context.Attributes.Length == 0)
            {
                return HandlerModel.FromDiagnostics(ImmutableEquatableArray<DiagnosticInfo>.Empty);
            }

            var parser = new Parser(context.SemanticModel.Compilation);
            return parser.ParseRoleHandler(method, syntax, context.Attributes[0], role, cancellationToken);
        }

        /// <summary>Reads <c>[assembly: FcgiJsonContext(typeof(T))]</c> and the <c>[JsonSerializable]</c> types of T.</summary>
        public static JsonContextModel ParseJsonContext(Compilation compilation, CancellationToken cancellationToken)
        {
            INamedTypeSymbol? attributeType = compilation.GetTypeByMetadataName(KnownTypes.FcgiJsonContextAttribute);
            INamedTypeSymbol? serializableType = compilation.GetTypeByMetadataName(KnownTypes.JsonSerializableAttribute);
            if (attributeType is null)
            {
                return JsonContextModel.None;
            }

            foreach (AttributeData attribute in compilation.Assembly.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType) ||
                    attribute.ConstructorArguments.Length != 1 ||
                    attribute.ConstructorArguments[0].Value is not INamedTypeSymbol contextType)
                {
                    continue;
                }

                var types = new List<JsonTypeModel>();
                foreach (AttributeData serializable in contextType.GetAttributes())
                {
                    if (!SymbolEqualityComparer.Default.Equals(serializable.AttributeClass, serializableType) ||
                        serializable.ConstructorArguments.Length != 1 ||
                        serializable.ConstructorArguments[0].Value is not ITypeSymbol type)
                    {
                        continue;
                    }

                    string property = JsonPropertyName(type);
                    foreach (KeyValuePair<string, TypedConstant> named in serializable.NamedArguments)
                    {
                        if (named.Key == "TypeInfoPropertyName" && named.Value.Value is string name && name.Length != 0)
                        {
                            property = name;
                        }
                    }

                    types.Add(new JsonTypeModel(type.ToDisplayString(s_keyFormat), property));
                }

                return new JsonContextModel(contextType.ToDisplayString(s_keyFormat), types.ToImmutableEquatableArray());
            }

            return JsonContextModel.None;
        }

        /// <summary>True when the runtime referenced has <c>FcgiServer.RegisterApplication</c>.</summary>
        public static bool HasServerRegistration(Compilation compilation, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            INamedTypeSymbol? server = compilation.GetTypeByMetadataName(KnownTypes.FcgiServer);
            return server is not null && server.GetMembers("RegisterApplication").OfType<IMethodSymbol>().Any(m => m.IsGenericMethod && m.Parameters.Length == 0);
        }

        /// <summary>The property System.Text.Json's generator gives a type on a context: <c>User</c>, <c>UserArray</c>, <c>ListUser</c>.</summary>
        private static string JsonPropertyName(ITypeSymbol type) => type switch
        {
            IArrayTypeSymbol array => JsonPropertyName(array.ElementType) + "Array",
            INamedTypeSymbol { IsGenericType: true } generic => generic.Name + string.Concat(generic.TypeArguments.Select(JsonPropertyName)),
            _ => type.Name,
        };

        private HandlerModel ParseRouteHandler(IMethodSymbol method, MethodDeclarationSyntax syntax, ImmutableArray<AttributeData> attributes, CancellationToken cancellationToken)
        {
            string displayName = method.ContainingType.Name + "." + method.Name;
            Location location = syntax.Identifier.GetLocation();
            var endpoints = new List<EndpointSite>();

            bool valid = CheckMethod(method, syntax, displayName, location);

            // The result does not depend on the attribute; the parameters do, through the template and the method.
            ResultModel? result = ParseResult(method, displayName, location);
            valid &= result is not null;

            // The route groups the method is in, outermost first: their prefixes come before its templates.
            List<(string Type, string? Prefix)> groups = FindRouteGroups(method.ContainingType);
            bool groupsValid = groups.All(static g => TemplateParser.TryParsePrefix(g.Prefix, out _));
            string prefix = string.Concat(groups.Select(static g => g.Prefix));
            int prefixSegments = groupsValid && prefix.Length != 0 && TemplateParser.TryParse(prefix, out List<SegmentModel> prefixParsed, out _) ? prefixParsed.Count : 0;
            ImmutableEquatableArray<string> groupTypes = groups.Select(static g => g.Type).ToImmutableEquatableArray();

            foreach (AttributeData attribute in attributes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Location attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location;
                string? template = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
                string httpMethod = "GET";
                foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
                {
                    if (named.Key == "Method" && named.Value.Value is string value)
                    {
                        httpMethod = value;
                    }
                }

                bool routeValid = valid & TryParseRunOptions(attribute, displayName, attributeLocation, out bool blocking, out long maxBodyBytes);
                if (!IsMethodToken(httpMethod))
                {
                    Report(DiagnosticDescriptors.InvalidRouteMethod, attributeLocation, httpMethod, displayName);
                    routeValid = false;
                }

                httpMethod = httpMethod.ToUpperInvariant();
                if (!groupsValid)
                {
                    // FCGI020 on the group says why; its routes wait for it.
                    continue;
                }

                string? fullTemplate = template;
                if (prefix.Length != 0 && template is not null)
                {
                    if (template.Length != 0 && template[0] != '/')
                    {
                        Report(DiagnosticDescriptors.InvalidRouteTemplate, attributeLocation, template, displayName, $"in the route group '{prefix}' a template starts with '/', or is empty for the group's own path");
                        continue;
                    }

                    fullTemplate = prefix + template;
                }

                if (!TemplateParser.TryParse(fullTemplate, out List<SegmentModel> segments, out string error))
                {
                    Report(DiagnosticDescriptors.InvalidRouteTemplate, attributeLocation, fullTemplate ?? "null", displayName, error);
                    continue;
                }

                ImmutableEquatableArray<ParameterModel>? parameters = ParseParameters(method, displayName, fullTemplate!, httpMethod, segments, prefixSegments, HandlerRole.Responder);
                if (parameters is null || !routeValid || result is null)
                {
                    continue;
                }

                var handler = new MethodModel(method.ContainingType.ToDisplayString(s_keyFormat), method.Name, displayName, parameters, result);
                var route = new EndpointModel(HandlerRole.Responder, httpMethod, fullTemplate!, segments.ToImmutableEquatableArray(), handler, blocking, maxBodyBytes, groupTypes);
                endpoints.Add(new EndpointSite(route, LocationInfo.From(attributeLocation)));
            }

            // A method with a role attribute too is reported by that attribute's parse (FCGI017) and
            // left out here, as every handler with an error is.
            if (HasAttribute(method, KnownTypes.FcgiAuthorizerAttribute) || HasAttribute(method, KnownTypes.FcgiFilterAttribute))
            {
                return HandlerModel.FromDiagnostics(_diagnostics.ToImmutableEquatableArray());
            }

            return new HandlerModel(endpoints.ToImmutableEquatableArray(), _diagnostics.ToImmutableEquatableArray());
        }

        private HandlerModel ParseRoleHandler(IMethodSymbol method, MethodDeclarationSyntax syntax, AttributeData attribute, HandlerRole role, CancellationToken cancellationToken)
        {
            string displayName = method.ContainingType.Name + "." + method.Name;
            Location location = syntax.Identifier.GetLocation();
            Location attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location;
            bool valid = CheckMethod(method, syntax, displayName, location);

            // One method, one role: the roles answer differently (an authorizer's 200 lets the request
            // through rather than serving it) and routes bind path segments the others have no template
            // for. The attribute later in [FcgiRoute], [FcgiAuthorizer], [FcgiFilter] reports the pair,
            // so each pair is reported once; every parse leaves the method out.
            string? earlier = HasAttribute(method, KnownTypes.FcgiRouteAttribute) ? "FcgiRoute"
                : role == HandlerRole.Filter && HasAttribute(method, KnownTypes.FcgiAuthorizerAttribute) ? "FcgiAuthorizer"
                : null;
            if (earlier is not null)
            {
                Report(DiagnosticDescriptors.HandlerHasMoreThanOneRole, attributeLocation, displayName, earlier, AttributeName(role));
                valid = false;
            }

            if (role == HandlerRole.Authorizer && HasAttribute(method, KnownTypes.FcgiFilterAttribute))
            {
                valid = false;
            }

            valid &= TryParseRunOptions(attribute, displayName, attributeLocation, out bool blocking, out long maxBodyBytes);

            ResultModel? result = ParseResult(method, displayName, location);
            ImmutableEquatableArray<ParameterModel>? parameters = ParseParameters(method, displayName, string.Empty, string.Empty, new List<SegmentModel>(), 0, role);
            if (!valid || result is null || parameters is null)
            {
                return HandlerModel.FromDiagnostics(_diagnostics.ToImmutableEquatableArray());
            }

            var handler = new MethodModel(method.ContainingType.ToDisplayString(s_keyFormat), method.Name, displayName, parameters, result);
            var endpoint = new EndpointModel(role, string.Empty, string.Empty, ImmutableEquatableArray<SegmentModel>.Empty, handler, blocking, maxBodyBytes, ImmutableEquatableArray<string>.Empty);
            return new HandlerModel(
                new[] { new EndpointSite(endpoint, LocationInfo.From(attributeLocation)) }.ToImmutableEquatableArray(),
                _diagnostics.ToImmutableEquatableArray());
        }

        /// <summary>
        /// Reads how the server runs the handler, from the attribute's <c>Blocking</c> and
        /// <c>MaxBodyBytes</c>; false, with FCGI019, when the body limit is neither -1 (the server's) nor a size.
        /// </summary>
        private bool TryParseRunOptions(AttributeData attribute, string displayName, Location location, out bool blocking, out long maxBodyBytes)
        {
            blocking = false;
            maxBodyBytes = -1;
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == "Blocking" && named.Value.Value is bool value)
                {
                    blocking = value;
                }
                else if (named.Key == "MaxBodyBytes" && named.Value.Value is long limit)
                {
                    maxBodyBytes = limit;
                }
            }

            if (maxBodyBytes < -1)
            {
                Report(DiagnosticDescriptors.InvalidMaxBodyBytes, location, maxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), displayName);
                return false;
            }

            return true;
        }

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

        /// <summary>Checks a <c>[FcgiRouteGroup]</c> prefix once, where it is written; its routes are left out while it is invalid.</summary>
        public static ImmutableEquatableArray<DiagnosticInfo> ParseRouteGroup(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.Attributes.Length == 0 || context.TargetSymbol is not INamedTypeSymbol type)
            {
                return ImmutableEquatableArray<DiagnosticInfo>.Empty;
            }

            AttributeData attribute = context.Attributes[0];
            string? prefix = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null;
            if (TemplateParser.TryParsePrefix(prefix, out string error))
            {
                return ImmutableEquatableArray<DiagnosticInfo>.Empty;
            }

            Location? location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
            return new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InvalidRouteGroupPrefix, location, prefix ?? "null", type.Name, error) }.ToImmutableEquatableArray();
        }

        /// <summary>The <c>[FcgiRouteGroup]</c> types containing a method, outermost first, with their prefixes.</summary>
        private static List<(string Type, string? Prefix)> FindRouteGroups(INamedTypeSymbol? type)
        {
            var groups = new List<(string Type, string? Prefix)>();
            for (; type is not null; type = type.ContainingType)
            {
                foreach (AttributeData attribute in type.GetAttributes())
                {
                    if (attribute.AttributeClass?.ToDisplayString(s_keyFormat) == "global::" + KnownTypes.FcgiRouteGroupAttribute)
                    {
                        groups.Insert(0, (type.ToDisplayString(s_keyFormat), attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string : null));
                    }
                }
            }

            return groups;
        }

        /// <summary>The attribute that marks a handler of <paramref name="role"/>, without its suffix.</summary>
        public static string AttributeName(HandlerRole role) => role switch
        {
            HandlerRole.Authorizer => "FcgiAuthorizer",
            HandlerRole.Filter => "FcgiFilter",
            _ => "FcgiRoute",
        };

        private bool CheckMethod(IMethodSymbol method, MethodDeclarationSyntax syntax, string displayName, Location location)
        {
            bool valid = true;
            if (!method.IsStatic)
            {
                Report(DiagnosticDescriptors.HandlerIsNotStatic, location, displayName);
                valid = false;
            }

            if (!IsAccessible(method))
            {
                Report(DiagnosticDescriptors.HandlerIsNotAccessible, location, displayName);
                valid = false;
            }

            if (method.IsGenericMethod || IsInGenericType(method.ContainingType))
            {
                Report(DiagnosticDescriptors.HandlerIsGeneric, location, displayName);
                valid = false;
            }

            if (method.ReturnsVoid && syntax.Modifiers.Any(SyntaxKind.AsyncKeyword))
            {
                Report(DiagnosticDescriptors.HandlerIsAsyncVoid, location, displayName);
                valid = false;
            }

            return valid;
        }

        private static bool IsAccessible(ISymbol symbol)
        {
            for (ISymbol? current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
            {
                if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsInGenericType(INamedTypeSymbol? type)
        {
            for (; type is not null; type = type.ContainingType)
            {
                if (type.IsGenericType)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsMethodToken(string method)
        {
            if (method.Length == 0)
            {
                return false;
            }

            foreach (char c in method)
            {
                if (!(c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or '-' or '_'))
                {
                    return false;
                }
            }

            return true;
        }

        private ResultModel? ParseResult(IMethodSymbol method, string displayName, Location location)
        {
            ITypeSymbol declared = method.ReturnType;
            if (ContainsErrorType(declared))
            {
                // As for parameters: the compiler already reports the missing type.
                return null;
            }

            string declaredName = declared.ToDisplayString(s_typeFormat);
            if (method.ReturnsVoid)
            {
                return new ResultModel(ResultKind.Void, AsyncKind.None, "void", string.Empty, string.Empty, false);
            }

            AsyncKind async = AsyncKind.None;
            ITypeSymbol type = declared;
            if (declared is INamedTypeSymbol named)
            {
                string definition = named.OriginalDefinition.ToDisplayString(s_keyFormat);
                switch (definition)
                {
                    case "global::System.Threading.Tasks.Task":
                        return new ResultModel(ResultKind.Void, AsyncKind.Task, declaredName, string.Empty, string.Empty, false);
                    case "global::System.Threading.Tasks.ValueTask":
                        return new ResultModel(ResultKind.Void, AsyncKind.ValueTask, declaredName, string.Empty, string.Empty, false);
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

            string typeName = type.ToDisplayString(s_typeFormat);
            bool nullableReference = type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated;
            ITypeSymbol valueType = UnwrapNullable(type, out bool nullableValue);
            ResultKind? kind = valueType switch
            {
                { SpecialType: SpecialType.System_String } => ResultKind.String,
                { SpecialType: SpecialType.System_Boolean } => ResultKind.Boolean,
                IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte } => ResultKind.ByteArray,
                _ when IsByteMemory(valueType) => ResultKind.ByteMemory,
                _ when IsNumber(valueType) => ResultKind.Number,
                _ when valueType.ToDisplayString(s_keyFormat) == "global::" + KnownTypes.FcgiResult => ResultKind.Result,
                _ when IsUnsupported(valueType) || valueType.SpecialType == SpecialType.System_Void => null,
                _ => ResultKind.Json,
            };

            if (kind is null)
            {
                Report(DiagnosticDescriptors.UnsupportedReturnType, location, displayName, declaredName);
                return null;
            }

            string jsonTypeName = kind == ResultKind.Json ? type.ToDisplayString(s_keyFormat) : string.Empty;

            return new ResultModel(kind.Value, async, declaredName, typeName, jsonTypeName, nullableReference || nullableValue || kind is ResultKind.String or ResultKind.ByteArray or ResultKind.Result || (kind == ResultKind.Json && type.IsReferenceType));
        }

        private ImmutableEquatableArray<ParameterModel>? ParseParameters(
            IMethodSymbol method,
            string displayName,
            string template,
            string httpMethod,
            List<SegmentModel> segments,
            int prefixSegments,
            HandlerRole role)
        {
            var result = new List<ParameterModel>();
            bool valid = true;
            string? bodyParameter = null;
            string? dataParameter = null;
            var boundSegments = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                Location location = parameter.Locations.FirstOrDefault() ?? Location.None;
                ParameterModel? model = ParseParameter(parameter, displayName, httpMethod, segments, location, role);
                if (model is null)
                {
                    valid = false;
                    continue;
                }

                if (model.Source is BindingSource.Route or BindingSource.CatchAll)
                {
                    boundSegments.Add(model.Key);
                }

                if (model.Source == BindingSource.Body)
                {
                    if (bodyParameter is not null)
                    {
                        Report(DiagnosticDescriptors.MultipleBodyParameters, location, bodyParameter, parameter.Name, displayName, "request body");
                        valid = false;
                    }

                    bodyParameter = parameter.Name;
                }

                if (model.Source == BindingSource.Data)
                {
                    if (dataParameter is not null)
                    {
                        Report(DiagnosticDescriptors.MultipleBodyParameters, location, dataParameter, parameter.Name, displayName, "DATA stream");
                        valid = false;
                    }

                    dataParameter = parameter.Name;
                }

                result.Add(model);
            }

            // A group's route values are there for the routes and hooks that want them; the route's own must be bound.
            foreach (SegmentModel segment in segments.Skip(prefixSegments))
            {
                if (segment.Kind != SegmentKind.Literal && !boundSegments.Contains(segment.Value))
                {
                    Report(DiagnosticDescriptors.RouteParameterNotBound, method.Locations.FirstOrDefault(), template, segment.Value, displayName);
                    valid = false;
                }
            }

            return valid ? result.ToImmutableEquatableArray() : null;
        }

        private ParameterModel? ParseParameter(IParameterSymbol parameter, string displayName, string httpMethod, List<SegmentModel> segments, Location location, HandlerRole role)
        {
            ITypeSymbol type = parameter.Type;
            if (ContainsErrorType(type))
            {
                // The compiler reports the type it cannot find (CS0246); a second error here would
                // only repeat it. The handler is left out, and the build fails anyway.
                return null;
            }

            string typeName = type.ToDisplayString(s_typeFormat);
            if (parameter.RefKind != RefKind.None || parameter.IsParams)
            {
                Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, displayName, typeName, SupportedTypes);
                return null;
            }

            string keyName = type.ToDisplayString(s_keyFormat);
            switch (keyName)
            {
                case "global::" + KnownTypes.FcgiRequest:
                    return Special(BindingSource.Request);
                case "global::" + KnownTypes.FcgiResponse:
                    return Special(BindingSource.Response);
                case "global::System.Threading.CancellationToken":
                    return Special(BindingSource.CancellationToken);
            }

            AttributeData? query = FindAttribute(parameter, KnownTypes.FcgiQueryAttribute);
            AttributeData? param = FindAttribute(parameter, KnownTypes.FcgiParamAttribute);
            AttributeData? header = FindAttribute(parameter, KnownTypes.FcgiHeaderAttribute);
            bool body = FindAttribute(parameter, KnownTypes.FcgiBodyAttribute) is not null;
            bool data = FindAttribute(parameter, KnownTypes.FcgiDataAttribute) is not null;

            ITypeSymbol valueType = UnwrapNullable(type, out bool nullableValue);
            string valueTypeName = valueType.ToDisplayString(s_keyFormat);
            bool canBeNull = nullableValue || (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated);
            string? defaultValue = DefaultValue(parameter, typeName, canBeNull);
            ValueKind simple = SimpleKind(valueType);

            // The body: the byte and stream types always, a string or JSON type when marked or inferred.
            ValueKind bodyKind = valueType switch
            {
                _ when IsByteMemory(valueType) => ValueKind.ByteMemory,
                IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte } => ValueKind.ByteArray,
                _ when keyName == "global::System.IO.Stream" => ValueKind.Stream,
                { SpecialType: SpecialType.System_String } when body => ValueKind.String,
                _ when simple == ValueKind.None && !IsUnsupported(valueType) => ValueKind.Json,
                _ => ValueKind.None,
            };

            // A collection other than bytes can only be a JSON body; say so rather than blame the source.
            bool collection = simple == ValueKind.None && bodyKind is not (ValueKind.ByteMemory or ValueKind.ByteArray or ValueKind.Stream) && IsCollection(valueType);
            string unsupported = collection ? CollectionsBindOnlyTheBody : SupportedTypes;

            int attributeCount = (query is null ? 0 : 1) + (param is null ? 0 : 1) + (header is null ? 0 : 1) + (body ? 1 : 0) + (data ? 1 : 0);
            if (attributeCount > 1)
            {
                Report(DiagnosticDescriptors.ParameterHasNoSource, location, parameter.Name, displayName, "it has more than one of [FcgiQuery], [FcgiParam], [FcgiHeader], [FcgiBody] and [FcgiData]; keep one");
                return null;
            }

            if (data)
            {
                // FastCGI 1.0 §6.4: only a Filter request has a DATA stream.
                if (role != HandlerRole.Filter)
                {
                    Report(DiagnosticDescriptors.DataParameterOutsideFilter, location, parameter.Name, displayName);
                    return null;
                }

                ValueKind dataKind = bodyKind is ValueKind.ByteMemory or ValueKind.ByteArray or ValueKind.Stream ? bodyKind
                    : valueType.SpecialType == SpecialType.System_String ? ValueKind.String
                    : ValueKind.None;
                if (dataKind == ValueKind.None)
                {
                    Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, displayName, typeName, SupportedTypes);
                    return null;
                }

                return new ParameterModel(parameter.Name, typeName, valueTypeName, BindingSource.Data, dataKind, string.Empty, defaultValue, type.IsReferenceType);
            }

            if (bodyKind != ValueKind.None && (body || simple == ValueKind.None))
            {
                if (bodyKind == ValueKind.Json && !body && httpMethod is "GET" or "HEAD" or "DELETE" or AnyMethod)
                {
                    if (collection)
                    {
                        Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, displayName, typeName, unsupported);
                        return null;
                    }

                    if (httpMethod == AnyMethod)
                    {
                        Report(
                            DiagnosticDescriptors.ParameterHasNoSource,
                            location,
                            parameter.Name,
                            displayName,
                            $"a before hook runs before routes of every method, so it reads '{typeName}' from the body only when it is marked [FcgiBody]");
                        return null;
                    }

                    Report(
                        DiagnosticDescriptors.ParameterHasNoSource,
                        location,
                        parameter.Name,
                        displayName,
                        $"a {httpMethod} request has no body to read '{typeName}' from; mark it [FcgiBody] to read the body anyway, or use a simple type");
                    return null;
                }

                if (query is not null || param is not null || header is not null)
                {
                    Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, displayName, typeName, unsupported);
                    return null;
                }

                if (role == HandlerRole.Authorizer)
                {
                    Report(
                        DiagnosticDescriptors.ParameterSourceNotInRole,
                        location,
                        parameter.Name,
                        displayName,
                        "the request body",
                        "Authorizer",
                        "the web server sends an authorizer the request's parameters but not its body (FastCGI 1.0 §6.3); bind a CGI parameter, a header or a query value instead");
                    return null;
                }

                string key = bodyKind == ValueKind.Json ? keyName : string.Empty;
                return new ParameterModel(parameter.Name, typeName, valueTypeName, BindingSource.Body, bodyKind, key, defaultValue, type.IsReferenceType);
            }

            if (simple == ValueKind.None || body)
            {
                Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, displayName, typeName, unsupported);
                return null;
            }

            if (param is not null || header is not null)
            {
                string? name = (param ?? header)!.ConstructorArguments.FirstOrDefault().Value as string;
                if (string.IsNullOrEmpty(name))
                {
                    Report(DiagnosticDescriptors.ParameterHasNoSource, location, parameter.Name, displayName, "the attribute names no parameter or header");
                    return null;
                }

                if (param is not null)
                {
                    return new ParameterModel(parameter.Name, typeName, valueTypeName, BindingSource.Param, simple, name!, defaultValue);
                }

                // The rule the runtime's FcgiRequest.TryGetHeader uses: the same file, compiled into both.
                string? cgiName = FcgiHeaderNames.ToCgiName(name!);
                if (cgiName is null)
                {
                    Report(DiagnosticDescriptors.InvalidHeaderName, location, parameter.Name, displayName, name!);
                    return null;
                }

                return new ParameterModel(parameter.Name, typeName, valueTypeName, BindingSource.Header, simple, cgiName, defaultValue);
            }

            if (query is null)
            {
                foreach (SegmentModel segment in segments)
                {
                    if (segment.Kind != SegmentKind.Literal && string.Equals(segment.Value, parameter.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        return new ParameterModel(parameter.Name, typeName, valueTypeName, segment.Kind == SegmentKind.CatchAll ? BindingSource.CatchAll : BindingSource.Route, simple, segment.Value, defaultValue);
                    }
                }
            }

            string queryKey = query?.ConstructorArguments.FirstOrDefault().Value as string ?? parameter.Name;
            return new ParameterModel(parameter.Name, typeName, valueTypeName, BindingSource.Query, simple, queryKey, defaultValue);

            ParameterModel Special(BindingSource source) => new(parameter.Name, typeName, typeName, source, ValueKind.None, string.Empty, null);
        }

        /// <summary>The kind of a value parsed from text, or <see cref="ValueKind.None"/>.</summary>
        private ValueKind SimpleKind(ITypeSymbol type)
        {
            if (type.SpecialType == SpecialType.System_String)
            {
                return ValueKind.String;
            }

            if (type.SpecialType == SpecialType.System_Boolean)
            {
                return ValueKind.Boolean;
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return ValueKind.Enum;
            }

            if (Implements(type, "System.IUtf8SpanParsable`1"))
            {
                return ValueKind.Utf8Parsable;
            }

            return Implements(type, "System.ISpanParsable`1") ? ValueKind.SpanParsable : ValueKind.None;
        }

        private bool Implements(ITypeSymbol type, string interfaceMetadataName)
        {
            INamedTypeSymbol? definition = _compilation.GetTypeByMetadataName(interfaceMetadataName);
            if (definition is null)
            {
                return false;
            }

            foreach (INamedTypeSymbol candidate in type.AllInterfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, definition) &&
                    SymbolEqualityComparer.Default.Equals(candidate.TypeArguments[0], type))
                {
                    return true;
                }
            }

            return false;
        }

        private static ITypeSymbol UnwrapNullable(ITypeSymbol type, out bool wasNullable)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                wasNullable = true;
                return nullable.TypeArguments[0];
            }

            wasNullable = false;
            return type;
        }

        private static bool IsByteMemory(ITypeSymbol type) =>
            type is INamedTypeSymbol { IsGenericType: true } named &&
            named.OriginalDefinition.ToDisplayString(s_keyFormat) == "global::System.ReadOnlyMemory<T>" &&
            named.TypeArguments[0].SpecialType == SpecialType.System_Byte;

        private static bool IsNumber(ITypeSymbol type)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_Decimal:
                    return true;
            }

            string name = type.ToDisplayString(s_keyFormat);
            return name is "global::System.Half" or "global::System.Int128" or "global::System.UInt128";
        }

        /// <summary>True when the type, or a type it is made of, does not resolve: the compiler reports those.</summary>
        private static bool ContainsErrorType(ITypeSymbol type) => type switch
        {
            { TypeKind: TypeKind.Error } => true,
            IArrayTypeSymbol array => ContainsErrorType(array.ElementType),
            IPointerTypeSymbol pointer => ContainsErrorType(pointer.PointedAtType),
            INamedTypeSymbol named => named.TypeArguments.Any(ContainsErrorType),
            _ => false,
        };

        /// <summary>Arrays and enumerable types other than string: what a repeated query key would bind.</summary>
        private static bool IsCollection(ITypeSymbol type) =>
            type.SpecialType != SpecialType.System_String &&
            (type is IArrayTypeSymbol ||
                type.SpecialType == SpecialType.System_Collections_IEnumerable ||
                type.AllInterfaces.Any(static i => i.SpecialType == SpecialType.System_Collections_IEnumerable));

        /// <summary>Types no source can produce and no writer can write.</summary>
        private static bool IsUnsupported(ITypeSymbol type) =>
            type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Delegate or TypeKind.TypeParameter or TypeKind.Dynamic or TypeKind.Error or TypeKind.Interface ||
            type.IsRefLikeType ||
            type.IsStatic ||
            type.SpecialType == SpecialType.System_Object ||
            (type is INamedTypeSymbol { IsAbstract: true, TypeKind: TypeKind.Class });

        private string? DefaultValue(IParameterSymbol parameter, string typeName, bool canBeNull)
        {
            if (!parameter.HasExplicitDefaultValue)
            {
                return canBeNull ? "default" : null;
            }

            object? value = parameter.ExplicitDefaultValue;
            ITypeSymbol type = UnwrapNullable(parameter.Type, out _);
            if (value is null)
            {
                return "default";
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return $"({type.ToDisplayString(s_keyFormat)})({SymbolDisplay.FormatPrimitive(value, quoteStrings: false, useHexadecimalNumbers: false)})";
            }

            string literal = value switch
            {
                string s => SymbolDisplay.FormatLiteral(s, quote: true),
                char c => SymbolDisplay.FormatLiteral(c, quote: true),
                bool b => b ? "true" : "false",
                float f when float.IsNaN(f) => "float.NaN",
                float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
                float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
                double d when double.IsNaN(d) => "double.NaN",
                double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
                double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
                float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "F",
                double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "D",
                decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture) + "M",
                _ => SymbolDisplay.FormatPrimitive(value, quoteStrings: false, useHexadecimalNumbers: false),
            };
            return $"({typeName})({literal})";
        }

        private static bool HasAttribute(IMethodSymbol method, string metadataName)
        {
            foreach (AttributeData attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString(s_keyFormat) == "global::" + metadataName)
                {
                    return true;
                }
            }

            return false;
        }

        private static AttributeData? FindAttribute(IParameterSymbol parameter, string metadataName)
        {
            foreach (AttributeData attribute in parameter.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString(s_keyFormat) == "global::" + metadataName)
                {
                    return attribute;
                }
            }

            return null;
        }

        /// <summary>
        /// Adds a diagnostic unless the same one, at the same place, is there already: the parameters are
        /// parsed once per [FcgiRoute], since how they bind depends on the route's method and template,
        /// and a method with two routes would otherwise get each parameter error twice.
        /// </summary>
        private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
        {
            DiagnosticInfo diagnostic = DiagnosticInfo.Create(descriptor, location, arguments);
            if (!_diagnostics.Contains(diagnostic))
            {
                _diagnostics.Add(diagnostic);
            }
        }
    }
}
