using System;
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
    /// <summary>Turns handler symbols into <see cref="HandlerModel"/> values; nothing it returns holds a symbol.</summary>
    internal sealed partial class Parser
    {
        private static readonly SymbolDisplayFormat s_typeFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private static readonly SymbolDisplayFormat s_keyFormat = SymbolDisplayFormat.FullyQualifiedFormat;

        /// <summary>FCGI001's advice for a type no source binds.</summary>
        internal const string SupportedTypes =
            "use a string, a number, bool, char, Guid, DateTime, DateTimeOffset, TimeSpan, an enum, a type implementing ISpanParsable<T> or IUtf8SpanParsable<T>, a T[] or List<T> of these, FcgiFile (or FcgiFile[], List<FcgiFile>), FcgiRequest, FcgiResponse, CancellationToken, or a body type (ReadOnlyMemory<byte>, byte[], Stream, string or a JSON type with [FcgiBody]), or in a filter a DATA type (ReadOnlyMemory<byte>, byte[], Stream or string with [FcgiData]); ref, out, in and params are not supported";

        /// <summary>FCGI001's advice for a collection other than <c>T[]</c> and <c>List&lt;T&gt;</c> outside a JSON body.</summary>
        internal const string RepeatedValuesBindArraysAndLists =
            "repeated query keys and form fields (?id=1&id=2) bind a T[] or List<T> of simple values (strings, numbers, bool, char, Guid, dates and times, enums, parsable types, or nullable ones), and no other collection: use T[] or List<T>, or bind a JSON body of a concrete collection type with [FcgiBody]";

        /// <summary>FCGI001's advice for a <c>T[]</c> or <c>List&lt;T&gt;</c> whose elements are not simple values, outside a JSON body.</summary>
        internal const string CollectionElementsBindSimpleValues =
            "the elements of a T[] or List<T> bound from repeated query keys or form fields are simple values (strings, numbers, bool, char, Guid, dates and times, enums, parsable types, or nullable ones) or FcgiFile; a nested collection or a collection of JSON types binds only a JSON body, marked [FcgiBody] on GET, HEAD and DELETE routes and in before hooks";

        /// <summary>FCGI001's advice for a collection bound from a source that has one value per name.</summary>
        internal const string OneValueAdvice =
            "a CGI parameter, a header and a cookie bind one value each (for a repeated cookie, the first): take a string and split it, or enumerate request.Params";

        /// <summary>FCGI001's advice for a route value of a type that is not a simple value.</summary>
        internal const string RouteValueAdvice =
            "a route value is one path segment (for a catch-all, the rest of the path) and binds a simple value: a string, a number, bool, char, Guid, a date or time, an enum or a parsable type; rename the parameter if it should come from elsewhere";

        /// <summary>FCGI001's advice for an uploaded file bound from anything but a form.</summary>
        internal const string FileAdvice =
            "an uploaded file comes only from a multipart form: leave the parameter unmarked to bind the part named after it, or mark it [FcgiForm(\"name\")] to name the part";

        /// <summary>FCGI001's advice for <c>byte[]</c> with [FcgiQuery] or [FcgiForm], which is the body's type.</summary>
        internal const string ByteArrayAdvice =
            "byte[] binds the request body; repeated byte values bind a List<byte>, and an uploaded file an FcgiFile";

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
            return parser.ParseRouteHandler(method, syntax, context.SemanticModel, context.Attributes, cancellationToken);
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
            return parser.ParseRoleHandler(method, syntax, context.SemanticModel, context.Attributes[0], role, cancellationToken);
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

        private HandlerModel ParseRouteHandler(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel semanticModel, ImmutableArray<AttributeData> attributes, CancellationToken cancellationToken)
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

            // One route that runs on an I/O thread is enough for a blocking call to stall it.
            if (attributes.Any(static a => !a.NamedArguments.Any(static n => n.Key == "Blocking" && n.Value.Value is true)))
            {
                CheckBlockingCalls(syntax, semanticModel, displayName, "[FcgiRoute(…, Blocking = true)]", cancellationToken);
            }

            return new HandlerModel(endpoints.ToImmutableEquatableArray(), _diagnostics.ToImmutableEquatableArray());
        }

        private HandlerModel ParseRoleHandler(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel semanticModel, AttributeData attribute, HandlerRole role, CancellationToken cancellationToken)
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

            bool secondRole = earlier is not null;
            if (role == HandlerRole.Authorizer && HasAttribute(method, KnownTypes.FcgiFilterAttribute))
            {
                secondRole = true;
                valid = false;
            }

            valid &= TryParseRunOptions(attribute, displayName, attributeLocation, out bool blocking, out long maxBodyBytes);

            // A method with two roles is an error (FCGI017); warning about its body once per role would repeat itself.
            if (!blocking && !secondRole)
            {
                CheckBlockingCalls(syntax, semanticModel, displayName, $"[{AttributeName(role)}(Blocking = true)]", cancellationToken);
            }

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
