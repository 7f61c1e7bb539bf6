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
                }

                string source = parameter.Source switch
                {
                    BindingSource.Route => $"the route segment {{{parameter.Key}}}",
                    BindingSource.CatchAll => $"the rest of the path, {{*{parameter.Key}}}",
                    BindingSource.Query => $"the query string, key {Literal(parameter.Key)}",
                    BindingSource.Param => $"the CGI parameter {parameter.Key}",
                    _ => $"the header, CGI parameter {parameter.Key}",
                };
                // A catch-all keeps %2F encoded: decoded, /files/a%2Fb (one segment) and /files/a/b
                // (two) would bind the same value.
                string encoding = "global::FastCgi.Aot.FcgiValueEncoding." + parameter.Source switch
                {
                    BindingSource.Route => "Path",
                    BindingSource.CatchAll => "PathRest",
                    BindingSource.Query => "Query",
                    _ => "None",
                };
                string required = parameter.DefaultValue is null ? "required" : "optional";
                _writer.WriteLine($"// {parameter.Name} ({parameter.TypeName}, {required}): from {source}");
                _writer.WriteLine($"{parameter.TypeName} {local};");
                string raw = local + "Raw";
                string found = parameter.Source switch
                {
                    BindingSource.Route or BindingSource.CatchAll => string.Empty,
                    BindingSource.Query => $"{Binding}.TryGetQueryValue(request.QueryString, {Utf8Literal(parameter.Key)}, out {Span} {raw})",
                    _ => $"request.TryGetParam({Utf8Literal(parameter.Key)}, out {Span} {raw})",
                };

                if (found.Length == 0)
                {
                    _writer.WriteLine($"{Span} {raw} = {Binding}.GetRouteValue(request, {_routeValues[parameter.Key]});");
                    if (parameter.Source == BindingSource.Route || parameter.Kind == ValueKind.String)
                    {
                        EmitParse(parameter, local, raw, encoding);
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
                EmitParse(parameter, local, raw, encoding);
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

                private void EmitParse(ParameterModel parameter, string local, string raw, string encoding)
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
                    _writer.WriteLine($"{local} = {Binding}.GetString({raw}, {encoding});");
                    return;
                }

                _writer.WriteLine($"if (!{parse}({raw}, {encoding}, out {parameter.ValueTypeName} {local}Value))");
                _writer.OpenBlock();
                Fail($"{Binding}.WriteInvalidParameter(response, {Literal(parameter.Name)})");
                _writer.CloseBlock();
                _writer.WriteLine();
                _writer.WriteLine($"{local} = {local}Value;");
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
