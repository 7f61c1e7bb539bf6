using System;
using System.Collections.Generic;
using FastCgi.Aot.Generators.Model;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary>
        /// Writes the statements that bind a handler's or a hook's parameters, one per parameter, each
        /// naming its source in a comment. When a value is missing or invalid the binder writes the 400
        /// answer and leaves.
        /// </summary>
        private sealed class Binder
        {
            private readonly SourceWriter _writer;
            private readonly JsonContextModel _json;
            private readonly Dictionary<string, int> _routeValues;
            private readonly string? _failResult;

            private const string EncodingType = "global::FastCgi.Aot.FcgiValueEncoding";

            /// <param name="routeValues">The index <c>Match</c> records each route value under, by name.</param>
            /// <param name="failResult">
            /// What the method returns after an error answer: null to return the answer's (completed)
            /// ValueTask itself, as an invoker does; otherwise the expression a before hook returns
            /// to say the request does not go on.
            /// </param>
            public Binder(SourceWriter writer, JsonContextModel json, Dictionary<string, int> routeValues, string? failResult)
            {
                _writer = writer;
                _json = json;
                _routeValues = routeValues;
                _failResult = failResult;
            }

            /// <summary>Writes the error answer <paramref name="written"/> (a ValueTask, completed when returned) and leaves.</summary>
            private void Fail(string written)
            {
                if (_failResult is null)
                {
                    _writer.WriteLine($"return {written};");
                    return;
                }

                // The error writers answer synchronously: the task they return is complete.
                _writer.WriteLine($"_ = {written};");
                _writer.WriteLine($"return {_failResult};");
            }

            /// <summary>Writes the binder of one parameter and returns the argument expression.</summary>
            public string Bind(ParameterModel parameter, string local)
            {
                switch (parameter.Source)
                {
                    case BindingSource.Request:
                        return "request";
                    case BindingSource.Response:
                        return "response";
                    case BindingSource.CancellationToken:
                        return "request.Aborted";
                    case BindingSource.Body:
                        return EmitBody(parameter, local);
                    case BindingSource.Data:
                        return EmitData(parameter, local);
                    case BindingSource.File:
                        return EmitFile(parameter, local);
                }

                if (parameter.Collection != CollectionKind.None)
                {
                    return EmitValues(parameter, local);
                }

                string required = parameter.DefaultValue is null ? "required" : "optional";
                _writer.WriteLine($"// {parameter.Name} ({parameter.TypeName}, {required}): from {Describe(parameter)}");
                _writer.WriteLine($"{parameter.TypeName} {local};");
                string raw = local + "Raw";

                // A urlencoded form's values are percent-encoded, a multipart form's are not: the form says which.
                string encoding = parameter.Source == BindingSource.Form ? local + "Encoding" : Encoding(parameter.Source);
                string found = parameter.Source switch
                {
                    BindingSource.Route or BindingSource.CatchAll => string.Empty,
                    BindingSource.Query => $"{Binding}.TryGetQueryValue(request.QueryString, {Utf8Literal(parameter.Key)}, out {Span} {raw})",
                    BindingSource.Form => $"{Binding}.TryGetFormValue(request, {Utf8Literal(parameter.Key)}, out {Span} {raw}, out {EncodingType} {encoding})",
                    BindingSource.Cookie => $"{Binding}.TryGetCookie(request, {Utf8Literal(parameter.Key)}, out {Span} {raw})",
                    _ => $"request.TryGetParam({Utf8Literal(parameter.Key)}, out {Span} {raw})",
                };

                if (found.Length == 0)
                {
                    _writer.WriteLine($"{Span} {raw} = {Binding}.GetRouteValue(request, {_routeValues[parameter.Key]});");
                    if (parameter.Source == BindingSource.Route || parameter.Kind == ValueKind.String)
                    {
                        EmitParse(parameter, local + "Value", raw, encoding, value => $"{local} = {value};");
                        _writer.WriteLine();
                        return local;
                    }

                    found = $"!{raw}.IsEmpty";
                }
                else if (parameter.Kind != ValueKind.String)
                {
                    // An empty value (?a=) of a non-string is treated as absent.
                    found += $" && !{raw}.IsEmpty";
                }

                _writer.WriteLine($"if ({found})");
                _writer.OpenBlock();
                EmitParse(parameter, local + "Value", raw, encoding, value => $"{local} = {value};");
                _writer.CloseBlock();
                _writer.WriteLine("else");
                _writer.OpenBlock();
                if (parameter.DefaultValue is null)
                {
                    Fail($"{Binding}.WriteMissingParameter(response, {Literal(parameter.Name)})");
                }
                else
                {
                    _writer.WriteLine($"{local} = {parameter.DefaultValue};");
                }

                _writer.CloseBlock();
                _writer.WriteLine();
                return local;
            }

            /// <summary>Where a value comes from, as the comment above its binder says.</summary>
            private static string Describe(ParameterModel parameter) => parameter.Source switch
            {
                BindingSource.Route => $"the route segment {{{parameter.Key}}}",
                BindingSource.CatchAll => $"the rest of the path, {{*{parameter.Key}}}",
                BindingSource.Query => $"the query string, key {Literal(parameter.Key)}",
                BindingSource.Form => $"the form, field {Literal(parameter.Key)}",
                BindingSource.Cookie => $"the cookie {Literal(parameter.Key)}",
                BindingSource.Param => $"the CGI parameter {parameter.Key}",
                _ => $"the header, CGI parameter {parameter.Key}",
            };

            /// <summary>How a source's values are encoded; a form's is known only at run time, from its content type.</summary>
            private static string Encoding(BindingSource source) => $"{EncodingType}." + source switch
            {
                BindingSource.Route => "Path",

                // A catch-all keeps %2F encoded: decoded, /files/a%2Fb (one segment) and /files/a/b
                // (two) would bind the same value.
                BindingSource.CatchAll => "PathRest",
                BindingSource.Query => "Query",

                // Cookies are taken as sent (RFC 6265 defines no encoding), as CGI parameters and headers are.
                _ => "None",
            };

            /// <summary>
            /// Writes the binder of a <c>T[]</c> or <c>List&lt;T&gt;</c>: every value of a repeated query key or
            /// form field, in order. One pass counts them, so that the array is allocated once at its size,
            /// and one parses them; a value that does not parse answers 400. An empty value of a non-string
            /// is absent, as for one value: skipped, or null for nullable elements. No value at all binds an
            /// empty collection, or null when the collection's type is nullable.
            /// </summary>
            private string EmitValues(ParameterModel parameter, string local)
            {
                bool query = parameter.Source == BindingSource.Query;
                bool skipsEmpty = parameter.Kind != ValueKind.String && !parameter.ElementIsNullable;
                bool nullWhenAbsent = parameter.DefaultValue is not null;
                string values = local + "Values";
                string count = local + "Count";
                string present = local + "Present";
                string items = nullWhenAbsent ? local + "Items" : local;
                string raw = local + "Raw";
                string element = parameter.ElementTypeName;
                string enumerate = query
                    ? $"{Binding}.EnumerateFormValues(request.QueryString, {Utf8Literal(parameter.Key)})"
                    : $"{Binding}.EnumerateFormValues(request, {Utf8Literal(parameter.Key)})";
                string source = query ? $"the query string, key {Literal(parameter.Key)}" : $"the form, field {Literal(parameter.Key)}";
                string absent = nullWhenAbsent ? "null" : "empty";
                string empties = parameter.Kind == ValueKind.String ? string.Empty : skipsEmpty ? ", empty ones skipped" : ", empty ones null";

                _writer.WriteLine($"// {parameter.Name} ({parameter.TypeName}, {absent} when absent): every value of {source}{empties}");
                _writer.WriteLine($"{(query ? "global::FastCgi.Aot.FcgiFormValueEnumerator" : "global::FastCgi.Aot.FcgiFormValues")} {values} = {enumerate};");
                _writer.WriteLine($"int {count} = 0;");
                if (nullWhenAbsent)
                {
                    _writer.WriteLine($"bool {present} = false;");
                }

                _writer.WriteLine($"while ({values}.MoveNext())");
                _writer.OpenBlock();
                if (nullWhenAbsent)
                {
                    _writer.WriteLine($"{present} = true;");
                }

                _writer.WriteLine(skipsEmpty ? $"{count} += {values}.Current.IsEmpty ? 0 : 1;" : $"{count}++;");
                _writer.CloseBlock();
                _writer.WriteLine();

                Func<string, string> store;
                if (parameter.Collection == CollectionKind.Array)
                {
                    string index = local + "Index";
                    _writer.WriteLine($"{element}[] {items} = {count} == 0 ? global::System.Array.Empty<{element}>() : new {element}[{count}];");
                    _writer.WriteLine($"int {index} = 0;");
                    store = value => $"{items}[{index}++] = {value};";
                }
                else
                {
                    _writer.WriteLine($"global::System.Collections.Generic.List<{element}> {items} = new global::System.Collections.Generic.List<{element}>({count});");
                    store = value => $"{items}.Add({value});";
                }

                _writer.WriteLine($"{values} = {enumerate};");
                _writer.WriteLine($"while ({values}.MoveNext())");
                _writer.OpenBlock();
                _writer.WriteLine($"{Span} {raw} = {values}.Current;");
                if (parameter.Kind != ValueKind.String)
                {
                    _writer.WriteLine($"if ({raw}.IsEmpty)");
                    _writer.OpenBlock();
                    if (!skipsEmpty)
                    {
                        _writer.WriteLine(store("null"));
                    }

                    _writer.WriteLine("continue;");
                    _writer.CloseBlock();
                    _writer.WriteLine();
                }

                EmitParse(parameter, local + "Value", raw, query ? Encoding(BindingSource.Query) : $"{values}.Encoding", store);
                _writer.CloseBlock();
                if (nullWhenAbsent)
                {
                    _writer.WriteLine();
                    _writer.WriteLine($"{parameter.TypeName} {local} = {present} ? {items} : {parameter.DefaultValue};");
                }

                _writer.WriteLine();
                return local;
            }

            /// <summary>Writes the binder of an uploaded file, or of every file of one field.</summary>
            private string EmitFile(ParameterModel parameter, string local)
            {
                string key = Utf8Literal(parameter.Key);
                string field = Literal(parameter.Key);
                if (parameter.Collection != CollectionKind.None)
                {
                    string absent = parameter.DefaultValue is null ? "empty" : "null";
                    _writer.WriteLine($"// {parameter.Name} ({parameter.TypeName}, {absent} when absent): every file of the multipart form, field {field}");
                    string files = $"{Binding}.GetFiles(request, {key})";
                    string all = parameter.Collection == CollectionKind.Array ? files + ".ToArray()" : files;
                    if (parameter.DefaultValue is null)
                    {
                        _writer.WriteLine($"{parameter.TypeName} {local} = {all};");
                    }
                    else
                    {
                        _writer.WriteLine($"global::System.Collections.Generic.List<global::FastCgi.Aot.FcgiFile> {local}Files = {files};");
                        string some = parameter.Collection == CollectionKind.Array ? $"{local}Files.ToArray()" : $"{local}Files";
                        _writer.WriteLine($"{parameter.TypeName} {local} = {local}Files.Count == 0 ? {parameter.DefaultValue} : {some};");
                    }

                    _writer.WriteLine();
                    return local;
                }

                string required = parameter.DefaultValue is null ? "required" : "optional";
                _writer.WriteLine($"// {parameter.Name} ({parameter.TypeName}, {required}): the file of the multipart form, field {field}");
                if (parameter.DefaultValue is null)
                {
                    _writer.WriteLine($"if (!{Binding}.TryGetFile(request, {key}, out global::FastCgi.Aot.FcgiFile? {local}))");
                    _writer.OpenBlock();
                    Fail($"{Binding}.WriteMissingFile(response, {field})");
                    _writer.CloseBlock();
                }
                else
                {
                    _writer.WriteLine($"{parameter.TypeName} {local} = {Binding}.TryGetFile(request, {key}, out global::FastCgi.Aot.FcgiFile? {local}File) ? {local}File : {parameter.DefaultValue};");
                }

                _writer.WriteLine();
                return local;
            }

            /// <summary>
            /// Writes the parse of <paramref name="raw"/> into <paramref name="valueLocal"/>, answering 400 when it
            /// does not parse, and the statement <paramref name="store"/> makes of the value.
            /// </summary>
            private void EmitParse(ParameterModel parameter, string valueLocal, string raw, string encoding, Func<string, string> store)
            {
                string? parse = parameter.Kind switch
                {
                    ValueKind.Utf8Parsable => $"{Binding}.TryParseUtf8<{parameter.ValueTypeName}>",
                    ValueKind.SpanParsable => $"{Binding}.TryParseChars<{parameter.ValueTypeName}>",
                    ValueKind.Boolean => $"{Binding}.TryParseBoolean",
                    ValueKind.Enum => $"{Binding}.TryParseEnum<{parameter.ValueTypeName}>",
                    _ => null,
                };
                if (parse is null)
                {
                    _writer.WriteLine(store($"{Binding}.GetString({raw}, {encoding})"));
                    return;
                }

                _writer.WriteLine($"if (!{parse}({raw}, {encoding}, out {parameter.ValueTypeName} {valueLocal}))");
                _writer.OpenBlock();
                Fail($"{Binding}.WriteInvalidParameter(response, {Literal(parameter.Name)})");
                _writer.CloseBlock();
                _writer.WriteLine();
                _writer.WriteLine(store(valueLocal));
            }

            private string EmitBody(ParameterModel parameter, string local)
            {
                _writer.WriteLine($"// {parameter.Name} ({parameter.TypeName}): from the request body");
                switch (parameter.Kind)
                {
                    case ValueKind.ByteMemory:
                        _writer.WriteLine($"global::System.ReadOnlyMemory<byte> {local} = request.BodyMemory;");
                        break;
                    case ValueKind.ByteArray:
                        _writer.WriteLine($"byte[] {local} = request.Body.ToArray();");
                        break;
                    case ValueKind.Stream:
                        _writer.WriteLine($"global::System.IO.Stream {local} = request.OpenBodyStream();");
                        break;
                    case ValueKind.String:
                        _writer.WriteLine($"string {local} = request.GetBodyString();");
                        break;
                    default:
                        _writer.WriteLine($"{parameter.TypeName} {local};");
                        _writer.WriteLine("if (request.Body.IsEmpty)");
                        _writer.OpenBlock();
                        if (parameter.DefaultValue is null)
                        {
                            Fail($"{Binding}.WriteMissingParameter(response, {Literal(parameter.Name)})");
                        }
                        else
                        {
                            _writer.WriteLine($"{local} = {parameter.DefaultValue};");
                        }

                        _writer.CloseBlock();
                        string valueLocal = local + "Value";
                        string valueType = parameter.Key + (parameter.IsReferenceType ? "?" : string.Empty);
                        string condition = $"!{Binding}.TryReadJson(request.Body, {JsonTypeInfo(_json, parameter.Key)}, out {valueType} {valueLocal})";
                        if (parameter.DefaultValue is null && parameter.IsReferenceType)
                        {
                            condition += $" || {valueLocal} is null";
                        }

                        _writer.WriteLine($"else if ({condition})");
                        _writer.OpenBlock();
                        Fail($"{Binding}.WriteInvalidParameter(response, {Literal(parameter.Name)})");
                        _writer.CloseBlock();
                        _writer.WriteLine("else");
                        _writer.OpenBlock();
                        _writer.WriteLine($"{local} = {valueLocal};");
                        _writer.CloseBlock();
                        break;
                }

                _writer.WriteLine();
                return local;
            }

            /// <summary>The Filter role's DATA stream, the file being filtered (FastCGI 1.0 §6.4), read as [FcgiBody] reads the body.</summary>
            private string EmitData(ParameterModel parameter, string local)
            {
                _writer.WriteLine($"// {parameter.Name} ({parameter.TypeName}): from the Filter role's DATA stream");
                switch (parameter.Kind)
                {
                    case ValueKind.ByteMemory:
                        _writer.WriteLine($"global::System.ReadOnlyMemory<byte> {local} = request.DataMemory;");
                        break;
                    case ValueKind.ByteArray:
                        _writer.WriteLine($"byte[] {local} = request.Data.ToArray();");
                        break;
                    case ValueKind.Stream:
                        _writer.WriteLine($"global::System.IO.Stream {local} = request.OpenDataStream();");
                        break;
                    default:
                        _writer.WriteLine($"string {local} = global::System.Text.Encoding.UTF8.GetString(request.Data);");
                        break;
                }

                _writer.WriteLine();
                return local;
            }
        }
    }
}
