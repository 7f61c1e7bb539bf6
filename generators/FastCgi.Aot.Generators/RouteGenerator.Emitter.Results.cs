using System;
using System.Collections.Generic;
using FastCgi.Aot.Generators.Model;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary>
        /// The methods that write handlers' results: one per result type, however many handlers return
        /// it, and one awaiter per task type. Invokers ask for a name; <see cref="Emit"/> writes the
        /// methods asked for, in the order first asked.
        /// </summary>
        private sealed class ResultWriters
        {
            private readonly JsonContextModel _json;
            private readonly List<ResultModel> _writers = new();
            private readonly List<ResultModel> _awaiters = new();

            public ResultWriters(JsonContextModel json)
            {
                _json = json;
            }

            /// <summary>The method that writes a result of <paramref name="result"/>'s type.</summary>
            public string Writer(ResultModel result) => "Write" + IndexOf(_writers, result, static (x, y) => x.Kind == y.Kind && x.TypeName == y.TypeName && x.JsonTypeName == y.JsonTypeName && x.CanBeNull == y.CanBeNull);

            /// <summary>The method that awaits a task of <paramref name="result"/>'s declared type and writes its result.</summary>
            public string Awaiter(ResultModel result)
            {
                Writer(result);
                return "Await" + IndexOf(_awaiters, result, static (x, y) => x.DeclaredTypeName == y.DeclaredTypeName);
            }

            public void Emit(SourceWriter writer)
            {
                for (int i = 0; i < _awaiters.Count; i++)
                {
                    ResultModel result = _awaiters[i];
                    writer.WriteLine();
                    writer.WriteLine($"/// <summary>Awaits a <c>{Escape(result.DeclaredTypeName)}</c> and writes its result.</summary>");
                    writer.WriteLine($"private static async {ValueTask} Await{i}({result.DeclaredTypeName} task, {Response} response)");
                    writer.OpenBlock();
                    writer.WriteLine($"{Writer(result)}(response, await task.ConfigureAwait(false));");
                    writer.CloseBlock();
                }

                for (int i = 0; i < _writers.Count; i++)
                {
                    ResultModel result = _writers[i];
                    writer.WriteLine();
                    writer.WriteLine($"/// <summary>Writes a <c>{Escape(result.TypeName)}</c> result.</summary>");
                    writer.WriteLine($"private static void Write{i}({Response} response, {result.TypeName} result)");
                    writer.OpenBlock();
                    string value = "result";
                    if (result.CanBeNull)
                    {
                        writer.WriteLine("if (result is null)");
                        writer.OpenBlock();
                        writer.WriteLine("// A null result means nothing was found.");
                        writer.WriteLine($"{Binding}.SetNotFound(response);");
                        writer.WriteLine("return;");
                        writer.CloseBlock();
                        writer.WriteLine();
                        if (result.TypeName.EndsWith("?", StringComparison.Ordinal) && result.Kind is ResultKind.Number or ResultKind.Boolean or ResultKind.ByteMemory)
                        {
                            value = "result.Value";
                        }
                    }

                    switch (result.Kind)
                    {
                        case ResultKind.String:
                        case ResultKind.Number:
                        case ResultKind.Boolean:
                            writer.WriteLine($"{Binding}.WriteText(response, {value});");
                            break;
                        case ResultKind.ByteArray:
                            writer.WriteLine($"{Binding}.WriteBytes(response, {value});");
                            break;
                        case ResultKind.ByteMemory:
                            writer.WriteLine($"{Binding}.WriteBytes(response, {value}.Span);");
                            break;
                        case ResultKind.Result:
                            writer.WriteLine($"{value}.WriteTo(response);");
                            break;
                        case ResultKind.Json:
                            writer.WriteLine($"{Binding}.WriteJson(response, {value}, {JsonTypeInfo(_json, result.JsonTypeName)});");
                            break;
                    }

                    writer.CloseBlock();
                }
            }

            private static int IndexOf(List<ResultModel> list, ResultModel result, Func<ResultModel, ResultModel, bool> same)
            {
                for (int i = 0; i < list.Count; i++)
                {
                    if (same(list[i], result))
                    {
                        return i;
                    }
                }

                list.Add(result);
                return list.Count - 1;
            }
        }
    }
}
