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
            string? formParameter = null;
            string? dataParameter = null;
            var boundSegments = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                Location location = parameter.Locations.FirstOrDefault() ?? Location.None;
                ParameterModel? model = ParseParameter(parameter, displayName, httpMethod, segments, location, role);
                if (model is null)
                {
                    // Its own error says what is wrong; a segment of its name is not also unbound (FCGI005).
                    boundSegments.Add(parameter.Name);
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

                // A multipart body read as a form is no longer there as a body (FcgiRequest.Body
                // throws): a handler binds one or the other, however many fields and files.
                bool conflict = false;
                if (model.Source is BindingSource.Form or BindingSource.File)
                {
                    conflict = formParameter is null && bodyParameter is not null;
                    formParameter ??= parameter.Name;
                }
                else if (model.Source == BindingSource.Body)
                {
                    conflict = formParameter is not null;
                }

                if (conflict)
                {
                    string earlier = model.Source == BindingSource.Body ? formParameter! : bodyParameter!;
                    Report(DiagnosticDescriptors.MultipleBodyParameters, location, earlier, parameter.Name, displayName, $"request body ('{formParameter}' as a form, '{bodyParameter}' as a body)");
                    valid = false;
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
                return Unsupported(SupportedTypes);
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
            AttributeData? form = FindAttribute(parameter, KnownTypes.FcgiFormAttribute);
            AttributeData? cookie = FindAttribute(parameter, KnownTypes.FcgiCookieAttribute);
            AttributeData? param = FindAttribute(parameter, KnownTypes.FcgiParamAttribute);
            AttributeData? header = FindAttribute(parameter, KnownTypes.FcgiHeaderAttribute);
            bool body = FindAttribute(parameter, KnownTypes.FcgiBodyAttribute) is not null;
            bool data = FindAttribute(parameter, KnownTypes.FcgiDataAttribute) is not null;
            int attributeCount = (query is null ? 0 : 1) + (form is null ? 0 : 1) + (cookie is null ? 0 : 1) + (param is null ? 0 : 1) + (header is null ? 0 : 1) + (body ? 1 : 0) + (data ? 1 : 0);
            if (attributeCount > 1)
            {
                Report(DiagnosticDescriptors.ParameterHasNoSource, location, parameter.Name, displayName, "it has more than one of [FcgiQuery], [FcgiForm], [FcgiCookie], [FcgiParam], [FcgiHeader], [FcgiBody] and [FcgiData]; keep one");
                return null;
            }

            ITypeSymbol valueType = UnwrapNullable(type, out bool nullableValue);
            string valueTypeName = valueType.ToDisplayString(s_keyFormat);
            bool canBeNull = nullableValue || (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated);
            string? defaultValue = DefaultValue(parameter, typeName, canBeNull);
            ValueShape shape = Classify(valueType, out ValueKind kind, out CollectionKind collection, out ITypeSymbol? element);

            if (data)
            {
                // FastCGI 1.0 §6.4: only a Filter request has a DATA stream.
                if (role != HandlerRole.Filter)
                {
                    Report(DiagnosticDescriptors.DataParameterOutsideFilter, location, parameter.Name, displayName);
                    return null;
                }

                ValueKind dataKind = shape == ValueShape.BodyBytes ? kind
                    : valueType.SpecialType == SpecialType.System_String ? ValueKind.String
                    : ValueKind.None;
                return dataKind == ValueKind.None
                    ? Unsupported(SupportedTypes)
                    : new ParameterModel(parameter.Name, typeName, valueTypeName, BindingSource.Data, dataKind, string.Empty, defaultValue, type.IsReferenceType);
            }

            if (body)
            {
                switch (shape)
                {
                    case ValueShape.File or ValueShape.Files:
                        return Unsupported(FileAdvice);
                    case ValueShape.Simple when kind != ValueKind.String:
                    case ValueShape.Unsupported:
                        return Unsupported(SupportedTypes);
                    case ValueShape.Collection when IsUnsupported(valueType):
                        return Unsupported(CollectionAdvice(valueType));
                }

                return Body(shape switch
                {
                    ValueShape.BodyBytes => kind,
                    ValueShape.Simple => ValueKind.String,
                    _ => ValueKind.Json,
                });
            }

            if (param is not null || header is not null || cookie is not null)
            {
                string? name = (param ?? header ?? cookie)!.ConstructorArguments.FirstOrDefault().Value as string;
                if (string.IsNullOrEmpty(name))
                {
                    string what = param is not null ? "[FcgiParam] names no CGI parameter" : header is not null ? "[FcgiHeader] names no header" : "[FcgiCookie] names no cookie";
                    Report(DiagnosticDescriptors.ParameterHasNoSource, location, parameter.Name, displayName, what);
                    return null;
                }

                switch (shape)
                {
                    case ValueShape.File or ValueShape.Files:
                        return Unsupported(FileAdvice);
                    case ValueShape.Values or ValueShape.Collection:
                        return Unsupported(OneValueAdvice);
                    case not ValueShape.Simple:
                        return Unsupported(SupportedTypes);
                }

                if (param is not null)
                {
                    return Value(BindingSource.Param, name!);
                }

                if (cookie is not null)
                {
                    return Value(BindingSource.Cookie, name!);
                }

                // The rule the runtime's FcgiRequest.TryGetHeader uses: the same file, compiled into both.
                string? cgiName = FcgiHeaderNames.ToCgiName(name!);
                if (cgiName is null)
                {
                    Report(DiagnosticDescriptors.InvalidHeaderName, location, parameter.Name, displayName, name!);
                    return null;
                }

                return Value(BindingSource.Header, cgiName);
            }

            if (query is not null || form is not null)
            {
                string? named = (query ?? form)!.ConstructorArguments.FirstOrDefault().Value as string;
                if (form is not null && named is { Length: 0 })
                {
                    Report(DiagnosticDescriptors.ParameterHasNoSource, location, parameter.Name, displayName, "[FcgiForm(\"\")] names no form field: name one, or leave the name out for the parameter's");
                    return null;
                }

                string key = named ?? parameter.Name;
                switch (shape)
                {
                    case ValueShape.Simple or ValueShape.Values:
                        break;
                    case ValueShape.File or ValueShape.Files when form is not null:
                        break;
                    case ValueShape.File or ValueShape.Files:
                        return Unsupported(FileAdvice);
                    case ValueShape.BodyBytes when kind == ValueKind.ByteArray:
                        return Unsupported(ByteArrayAdvice);
                    case ValueShape.Collection:
                        return Unsupported(CollectionAdvice(valueType));
                    default:
                        return Unsupported(SupportedTypes);
                }

                return query is not null ? Value(BindingSource.Query, key) : FormValue(key);
            }

            // Unmarked: a name of the template is its route value; then the type decides.
            foreach (SegmentModel segment in segments)
            {
                if (segment.Kind != SegmentKind.Literal && string.Equals(segment.Value, parameter.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return shape == ValueShape.Simple
                        ? Value(segment.Kind == SegmentKind.CatchAll ? BindingSource.CatchAll : BindingSource.Route, segment.Value)
                        : Unsupported(RouteValueAdvice);
                }
            }

            switch (shape)
            {
                case ValueShape.File or ValueShape.Files:
                    return FormValue(parameter.Name);
                case ValueShape.BodyBytes:
                    return Body(kind);
                case ValueShape.Simple or ValueShape.Values:
                    return Value(BindingSource.Query, parameter.Name);
                case ValueShape.Unsupported:
                    return Unsupported(SupportedTypes);
                case ValueShape.Collection when IsUnsupported(valueType) || httpMethod is "GET" or "HEAD" or "DELETE" or AnyMethod:
                    // A collection of JSON values (or another collection) binds only a JSON body, which
                    // an unmarked parameter of these reads only on methods that carry one.
                    return Unsupported(CollectionAdvice(valueType));
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

            if (httpMethod is "GET" or "HEAD" or "DELETE")
            {
                Report(
                    DiagnosticDescriptors.ParameterHasNoSource,
                    location,
                    parameter.Name,
                    displayName,
                    $"a {httpMethod} request has no body to read '{typeName}' from; mark it [FcgiBody] to read the body anyway, or use a simple type");
                return null;
            }

            return Body(ValueKind.Json);

            ParameterModel Special(BindingSource source) => new(parameter.Name, typeName, typeName, source, ValueKind.None, string.Empty, null);

            ParameterModel? Unsupported(string advice)
            {
                Report(DiagnosticDescriptors.UnsupportedParameterType, location, parameter.Name, displayName, typeName, advice);
                return null;
            }

            // A single value, or every value of a repeated key or field.
            ParameterModel Value(BindingSource source, string key)
            {
                if (shape != ValueShape.Values)
                {
                    return new ParameterModel(parameter.Name, typeName, valueTypeName, source, kind, key, defaultValue);
                }

                ITypeSymbol elementValue = UnwrapNullable(element!, out bool elementNullable);
                return new ParameterModel(
                    parameter.Name,
                    typeName,
                    elementValue.ToDisplayString(s_keyFormat),
                    source,
                    kind,
                    key,
                    defaultValue,
                    type.IsReferenceType,
                    collection,
                    element!.ToDisplayString(s_typeFormat),
                    elementNullable);
            }

            // A field of the request's form, or a file: what the body brings, so not in an authorizer's request.
            ParameterModel? FormValue(string key)
            {
                bool file = shape is ValueShape.File or ValueShape.Files;
                if (role == HandlerRole.Authorizer)
                {
                    return NotInRole(file ? "an uploaded file" : "the request's form");
                }

                if (httpMethod is "GET" or "HEAD")
                {
                    Report(
                        DiagnosticDescriptors.FormOnRouteWithoutBody,
                        location,
                        parameter.Name,
                        displayName,
                        file ? $"the file '{key}'" : $"the form field '{key}'",
                        httpMethod,
                        file
                            ? "browsers upload files with a form of method=\"post\" and enctype=\"multipart/form-data\": declare the route with Method = \"POST\""
                            : "an HTML form with method=\"get\" sends its fields in the query string, which [FcgiQuery] binds; a form that posts them needs a route with Method = \"POST\"");
                }

                return file
                    ? new ParameterModel(parameter.Name, typeName, "global::" + KnownTypes.FcgiFile, BindingSource.File, ValueKind.File, key, defaultValue, IsReferenceType: true, collection)
                    : Value(BindingSource.Form, key);
            }

            ParameterModel? Body(ValueKind bodyKind)
            {
                if (role == HandlerRole.Authorizer)
                {
                    return NotInRole("the request body");
                }

                string key = bodyKind == ValueKind.Json ? keyName : string.Empty;
                return new ParameterModel(parameter.Name, typeName, valueTypeName, BindingSource.Body, bodyKind, key, defaultValue, type.IsReferenceType);
            }

            ParameterModel? NotInRole(string what)
            {
                Report(
                    DiagnosticDescriptors.ParameterSourceNotInRole,
                    location,
                    parameter.Name,
                    displayName,
                    what,
                    "Authorizer",
                    "the web server sends an authorizer the request's parameters but not its body (FastCGI 1.0 §6.3); bind a CGI parameter, a header, a cookie or a query value instead");
                return null;
            }
        }

        /// <summary>What a parameter's type is, as far as choosing its source goes.</summary>
        private enum ValueShape
        {
            /// <summary>One value parsed from text: a string, a number, an enum, a parsable type.</summary>
            Simple,

            /// <summary>A <c>T[]</c> or <c>List&lt;T&gt;</c> of simple values: every value of a repeated key or field.</summary>
            Values,

            /// <summary><c>FcgiFile</c>: a multipart part with a file name.</summary>
            File,

            /// <summary><c>FcgiFile[]</c> or <c>List&lt;FcgiFile&gt;</c>.</summary>
            Files,

            /// <summary><c>ReadOnlyMemory&lt;byte&gt;</c>, <c>byte[]</c> or <c>Stream</c>: the body as it is.</summary>
            BodyBytes,

            /// <summary>Any other collection: only JSON can bind it, if anything.</summary>
            Collection,

            /// <summary>Any other class, struct or record: a JSON body.</summary>
            Json,

            /// <summary>Nothing binds it: interfaces, delegates, <c>object</c>, spans, pointers.</summary>
            Unsupported,
        }

        /// <summary>Sorts a type (nullable removed) into a <see cref="ValueShape"/>, with how it is read and, for collections, their kind and element.</summary>
        private ValueShape Classify(ITypeSymbol type, out ValueKind kind, out CollectionKind collection, out ITypeSymbol? element)
        {
            collection = CollectionKind.None;
            element = null;
            kind = ValueKind.None;
            if (IsFcgiFile(type))
            {
                kind = ValueKind.File;
                return ValueShape.File;
            }

            if (IsByteMemory(type))
            {
                kind = ValueKind.ByteMemory;
                return ValueShape.BodyBytes;
            }

            if (type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte })
            {
                kind = ValueKind.ByteArray;
                return ValueShape.BodyBytes;
            }

            if (type.ToDisplayString(s_keyFormat) == "global::System.IO.Stream")
            {
                kind = ValueKind.Stream;
                return ValueShape.BodyBytes;
            }

            kind = SimpleKind(type);
            if (kind != ValueKind.None)
            {
                return ValueShape.Simple;
            }

            if (TryGetCollection(type, out CollectionKind candidate, out ITypeSymbol item))
            {
                if (IsFcgiFile(UnwrapNullable(item, out _)))
                {
                    kind = ValueKind.File;
                    collection = candidate;
                    return ValueShape.Files;
                }

                kind = SimpleKind(UnwrapNullable(item, out _));
                if (kind != ValueKind.None)
                {
                    collection = candidate;
                    element = item;
                    return ValueShape.Values;
                }
            }

            return IsCollection(type) ? ValueShape.Collection
                : IsUnsupported(type) ? ValueShape.Unsupported
                : ValueShape.Json;
        }

        /// <summary>A <c>T[]</c> (one dimension) or a <c>List&lt;T&gt;</c>, the collections repeated values bind.</summary>
        private static bool TryGetCollection(ITypeSymbol type, out CollectionKind kind, out ITypeSymbol element)
        {
            if (type is IArrayTypeSymbol { Rank: 1 } array)
            {
                kind = CollectionKind.Array;
                element = array.ElementType;
                return true;
            }

            if (type is INamedTypeSymbol { IsGenericType: true } named &&
                named.OriginalDefinition.ToDisplayString(s_keyFormat) == "global::System.Collections.Generic.List<T>")
            {
                kind = CollectionKind.List;
                element = named.TypeArguments[0];
                return true;
            }

            kind = CollectionKind.None;
            element = type;
            return false;
        }

        private static bool IsFcgiFile(ITypeSymbol type) => type.ToDisplayString(s_keyFormat) == "global::" + KnownTypes.FcgiFile;

        /// <summary>FCGI001's advice for a collection that does not bind here: which collections bind, and from where.</summary>
        private static string CollectionAdvice(ITypeSymbol type) =>
            TryGetCollection(type, out _, out _) ? CollectionElementsBindSimpleValues : RepeatedValuesBindArraysAndLists;

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
                // `string s = null!`: the handler asked for null in a non-nullable parameter, and
                // the generated code passes it on without a warning of its own.
                return parameter.Type.IsReferenceType && parameter.Type.NullableAnnotation != NullableAnnotation.Annotated ? "default!" : "default";
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
