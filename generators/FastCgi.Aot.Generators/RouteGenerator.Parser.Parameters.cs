using System;
using System.Collections.Generic;
using System.Linq;
using FastCgi.Aot.Generators.Model;
using FastCgi.Aot.Internal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    internal sealed partial class Parser
    {
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
    }
}
