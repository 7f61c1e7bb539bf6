using System.Collections.Generic;
using System.Linq;
using FastCgi.Aot.Generators.Model;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    internal sealed partial class Emitter
    {
        private const string ValueTaskOfBool = "global::System.Threading.Tasks.ValueTask<bool>";

        /// <summary>
        /// Writes <c>Invoke{id}</c> for a route with before hooks: each hook in turn, the assembly's
        /// first, then the groups' from the outermost, and the route's call if none answered. While the
        /// hooks complete synchronously it stays on this path; the first that has to wait hands the rest
        /// to <c>Invoke{id}Async</c>.
        /// </summary>
        private void EmitHookChain(int id, EndpointModel endpoint)
        {
            SourceWriter writer = _writer;
            List<HookModel> hooks = endpoint.BeforeHooks.Select(i => _model.BeforeHooks[i]).ToList();
            string names = string.Join(", ", hooks.Select(static h => $"<see cref=\"{h.Method.ContainingType}.{h.Method.MethodName}\"/>"));
            int firstAsync = hooks.FindIndex(static h => h.Method.Result.Async != AsyncKind.None);
            bool resumes = hooks.Count(static h => h.Method.Result.Async != AsyncKind.None) > 1;

            writer.WriteLine($"/// <summary>{What(endpoint)}: runs the before hooks {names}, then <see cref=\"Call{id}\"/> unless one answered.</summary>");
            writer.WriteLine($"private static {ValueTask} Invoke{id}({Request} request, {Response} response)");
            writer.OpenBlock();
            for (int position = 0; position < hooks.Count; position++)
            {
                int hook = endpoint.BeforeHooks[position];
                if (hooks[position].Method.Result.Async == AsyncKind.None)
                {
                    writer.WriteLine($"if (!Before{hook}(request, response))");
                    writer.OpenBlock();
                    writer.WriteLine("return default;");
                    writer.CloseBlock();
                    writer.WriteLine();
                    continue;
                }

                string local = "before" + position;
                writer.WriteLine($"{ValueTaskOfBool} {local} = Before{hook}(request, response);");
                writer.WriteLine($"if (!{local}.IsCompletedSuccessfully)");
                writer.OpenBlock();
                writer.WriteLine($"return Invoke{id}Async({local}{(resumes ? $", {position + 1}" : string.Empty)}, request, response);");
                writer.CloseBlock();
                writer.WriteLine();
                writer.WriteLine($"if (!{local}.Result)");
                writer.OpenBlock();
                writer.WriteLine("return default;");
                writer.CloseBlock();
                writer.WriteLine();
            }

            writer.WriteLine($"return Call{id}(request, response);");
            writer.CloseBlock();
            if (firstAsync < 0)
            {
                return;
            }

            writer.WriteLine();
            writer.WriteLine(resumes
                ? $"/// <summary>The rest of <see cref=\"Invoke{id}\"/> once a hook has to wait: <paramref name=\"pending\"/> is its answer, and the hooks from position <paramref name=\"resume\"/> on follow.</summary>"
                : $"/// <summary>The rest of <see cref=\"Invoke{id}\"/> once a hook has to wait: <paramref name=\"pending\"/> is its answer.</summary>");
            writer.WriteLine($"private static async {ValueTask} Invoke{id}Async({ValueTaskOfBool} pending{(resumes ? ", int resume" : string.Empty)}, {Request} request, {Response} response)");
            writer.OpenBlock();
            writer.WriteLine("if (!await pending.ConfigureAwait(false))");
            writer.OpenBlock();
            writer.WriteLine("return;");
            writer.CloseBlock();
            writer.WriteLine();
            for (int position = firstAsync + 1; position < hooks.Count; position++)
            {
                int hook = endpoint.BeforeHooks[position];
                string run = hooks[position].Method.Result.Async == AsyncKind.None
                    ? $"!Before{hook}(request, response)"
                    : $"!await Before{hook}(request, response).ConfigureAwait(false)";
                writer.WriteLine($"if ({(resumes ? $"resume <= {position} && " : string.Empty)}{run})");
                writer.OpenBlock();
                writer.WriteLine("return;");
                writer.CloseBlock();
                writer.WriteLine();
            }

            writer.WriteLine($"await Call{id}(request, response).ConfigureAwait(false);");
            writer.CloseBlock();
        }

        /// <summary>
        /// With an <c>[FcgiAfter]</c> hook, writes the two members by which the server calls it once per
        /// request; without one, nothing, so the interface's defaults apply and the server builds no summary.
        /// </summary>
        private void EmitAfterHook()
        {
            if (_model.AfterHook is not { } hook)
            {
                return;
            }

            SourceWriter writer = _writer;
            string method = $"{hook.Method.ContainingType}.{hook.Method.MethodName}";
            writer.WriteLine($"/// <summary>True: the assembly's after hook, <see cref=\"{method}\"/>, sees every request.</summary>");
            writer.WriteLine("public static bool ObservesCompletedRequests => true;");
            writer.WriteLine();
            writer.WriteLine($"/// <summary>Calls the after hook <see cref=\"{method}\"/> for a request that ended.</summary>");
            writer.WriteLine($"public static void OnRequestCompleted({Request} request, in global::FastCgi.Aot.FcgiRequestSummary summary) => {method}(request, {(hook.SummaryIn ? "in " : string.Empty)}summary);");
            writer.WriteLine();
        }

        /// <summary>
        /// Writes <c>Before{h}</c> for each before hook, once however many routes run it: it binds the
        /// hook's parameters, calls it, and says whether the request goes on (the hook returned null)
        /// or was answered (by the hook's result, or by a 400 for a parameter it could not bind).
        /// </summary>
        private void EmitBeforeHooks()
        {
            if (_model.BeforeHooks.Count == 0)
            {
                return;
            }

            SourceWriter writer = _writer;
            for (int h = 0; h < _model.BeforeHooks.Count; h++)
            {
                HookModel hook = _model.BeforeHooks[h];
                MethodModel method = hook.Method;
                bool async = method.Result.Async != AsyncKind.None;
                writer.WriteLine();
                writer.WriteLine($"/// <summary>The before hook <see cref=\"{method.ContainingType}.{method.MethodName}\"/>: true when the request goes on to the route.</summary>");
                writer.WriteLine($"private static {(async ? ValueTaskOfBool : "bool")} Before{h}({Request} request, {Response} response)");
                writer.OpenBlock();
                var binder = new Binder(writer, _model.Json, RouteValueIndexes(hook.Segments), async ? $"new {ValueTaskOfBool}(false)" : "false");
                var arguments = new List<string>();
                for (int i = 0; i < method.Parameters.Count; i++)
                {
                    arguments.Add(binder.Bind(method.Parameters[i], "p" + i));
                }

                string call = $"{method.ContainingType}.{method.MethodName}({string.Join(", ", arguments)})";
                if (!async)
                {
                    writer.WriteLine($"return Proceed({call}, response);");
                    writer.CloseBlock();
                    continue;
                }

                writer.WriteLine($"{method.Result.DeclaredTypeName} task = {call};");
                writer.WriteLine("if (task.IsCompletedSuccessfully)");
                writer.OpenBlock();
                writer.WriteLine($"return new {ValueTaskOfBool}(Proceed(task.Result, response));");
                writer.CloseBlock();
                writer.WriteLine();
                writer.WriteLine($"return AwaitBefore{h}(task, response);");
                writer.CloseBlock();
                writer.WriteLine();
                writer.WriteLine($"private static async {ValueTaskOfBool} AwaitBefore{h}({method.Result.DeclaredTypeName} task, {Response} response)");
                writer.OpenBlock();
                writer.WriteLine("return Proceed(await task.ConfigureAwait(false), response);");
                writer.CloseBlock();
            }

            writer.WriteLine();
            writer.WriteLine("/// <summary>True when a before hook let the request go on (it returned null); otherwise writes the hook's answer.</summary>");
            writer.WriteLine($"private static bool Proceed(global::FastCgi.Aot.FcgiResult? result, {Response} response)");
            writer.OpenBlock();
            writer.WriteLine("if (result is null)");
            writer.OpenBlock();
            writer.WriteLine("return true;");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("result.WriteTo(response);");
            writer.WriteLine("return false;");
            writer.CloseBlock();
        }
    }
}
