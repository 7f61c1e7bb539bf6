using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FastCgi.Aot.Generators;

internal sealed partial class RouteGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>The awaiters whose <c>GetResult()</c> waits for a task: <c>task.GetAwaiter().GetResult()</c>, configured or not.</summary>
        private static readonly HashSet<string> s_taskAwaiters = new()
        {
            "global::System.Runtime.CompilerServices.TaskAwaiter",
            "global::System.Runtime.CompilerServices.TaskAwaiter<TResult>",
            "global::System.Runtime.CompilerServices.ValueTaskAwaiter",
            "global::System.Runtime.CompilerServices.ValueTaskAwaiter<TResult>",
            "global::System.Runtime.CompilerServices.ConfiguredTaskAwaitable.ConfiguredTaskAwaiter",
            "global::System.Runtime.CompilerServices.ConfiguredTaskAwaitable<TResult>.ConfiguredTaskAwaiter",
            "global::System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter",
            "global::System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable<TResult>.ConfiguredValueTaskAwaiter",
        };

        /// <summary>
        /// Warns (FCGI027) at each call in a handler's own body that plainly blocks its thread, when
        /// the handler runs on an I/O thread (not <c>Blocking = true</c>): there it stalls every
        /// connection that thread serves. What counts, chosen to be right whenever it speaks:
        /// <c>Thread.Sleep</c>; <c>Task.Wait</c>, <c>WaitAll</c> and <c>WaitAny</c> (not with a zero
        /// timeout, which only looks); and <c>.Result</c>
        /// or <c>.GetAwaiter().GetResult()</c> on a task that comes straight from a call
        /// (<c>client.GetAsync(url).Result</c>). A task held in a variable may be known complete
        /// (<c>if (t.IsCompletedSuccessfully) return t.Result;</c>, or after <c>await Task.WhenAll</c>),
        /// so its <c>.Result</c> is left alone; so are lambdas and local functions, which may run
        /// anywhere, and the methods the handler calls, which the generator does not see.
        /// </summary>
        /// <param name="attribute">How to mark the handler, as the message says: <c>[FcgiRoute(…, Blocking = true)]</c>.</param>
        private void CheckBlockingCalls(MethodDeclarationSyntax syntax, SemanticModel semanticModel, string displayName, string attribute, CancellationToken cancellationToken)
        {
            SyntaxNode? body = (SyntaxNode?)syntax.Body ?? syntax.ExpressionBody;
            if (body is null)
            {
                return;
            }

            foreach (SyntaxNode node in body.DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string? call = node switch
                {
                    InvocationExpressionSyntax invocation => BlockingInvocation(invocation, semanticModel, cancellationToken),
                    MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } access => BlockingResult(access, semanticModel, cancellationToken),
                    _ => null,
                };
                if (call is not null)
                {
                    Report(DiagnosticDescriptors.BlockingCallOnIoThread, node.GetLocation(), displayName, call, attribute);
                }
            }
        }

        private static string? BlockingInvocation(InvocationExpressionSyntax invocation, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            // The name first, so that most calls cost no symbol lookup.
            string? name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                _ => null,
            };
            if (name is not ("Sleep" or "Wait" or "WaitAll" or "WaitAny" or "GetResult") ||
                semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol method)
            {
                return null;
            }

            string type = method.ContainingType.OriginalDefinition.ToDisplayString(s_keyFormat);
            return (name, type) switch
            {
                ("Sleep", "global::System.Threading.Thread") when !HasZeroTimeout(invocation, method) => "Thread.Sleep",
                ("Wait", "global::System.Threading.Tasks.Task") when !HasZeroTimeout(invocation, method) => "Task.Wait()",
                ("WaitAll" or "WaitAny", "global::System.Threading.Tasks.Task") when !HasZeroTimeout(invocation, method) => "Task." + name,
                ("GetResult", _) when s_taskAwaiters.Contains(type) &&
                    invocation.Expression is MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" } getAwaiter } } &&
                    IsFreshTask(getAwaiter.Expression, semanticModel, cancellationToken) => ".GetAwaiter().GetResult()",
                _ => null,
            };
        }

        /// <summary>
        /// True for a wait of no time, which only looks: <c>task.Wait(0)</c> asks whether the task is done,
        /// <c>Thread.Sleep(0)</c> yields the rest of a time slice.
        /// </summary>
        private static bool HasZeroTimeout(InvocationExpressionSyntax invocation, IMethodSymbol method)
        {
            SeparatedSyntaxList<ArgumentSyntax> arguments = invocation.ArgumentList.Arguments;
            for (int i = 0; i < arguments.Count; i++)
            {
                string? parameter = arguments[i].NameColon?.Name.Identifier.ValueText ?? (i < method.Parameters.Length ? method.Parameters[i].Name : null);
                if (parameter is "millisecondsTimeout" or "timeout" &&
                    arguments[i].Expression is LiteralExpressionSyntax { Token.ValueText: "0" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Zero" })
                {
                    return true;
                }
            }

            return false;
        }

        private static string? BlockingResult(MemberAccessExpressionSyntax access, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            if (semanticModel.GetSymbolInfo(access, cancellationToken).Symbol is not IPropertySymbol property ||
                property.ContainingType.OriginalDefinition.ToDisplayString(s_keyFormat) is not ("global::System.Threading.Tasks.Task<TResult>" or "global::System.Threading.Tasks.ValueTask<TResult>"))
            {
                return null;
            }

            return IsFreshTask(access.Expression, semanticModel, cancellationToken) ? ".Result" : null;
        }

        /// <summary>
        /// True when a task expression is a call's result (<c>client.GetAsync(url)</c>, also with
        /// <c>.ConfigureAwait(false)</c>), which nothing can have seen complete, rather than a variable
        /// or a field. <c>Task.FromResult</c> and <c>ValueTask.FromResult</c> are complete by construction.
        /// </summary>
        private static bool IsFreshTask(ExpressionSyntax expression, SemanticModel semanticModel, CancellationToken cancellationToken)
        {
            while (true)
            {
                while (expression is ParenthesizedExpressionSyntax parenthesized)
                {
                    expression = parenthesized.Expression;
                }

                if (expression is not InvocationExpressionSyntax invocation)
                {
                    return false;
                }

                if (invocation.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } configure)
                {
                    expression = configure.Expression;
                    continue;
                }

                return semanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { Name: "FromResult" } method ||
                    method.ContainingType.ToDisplayString(s_keyFormat) is not ("global::System.Threading.Tasks.Task" or "global::System.Threading.Tasks.ValueTask");
            }
        }
    }
}
