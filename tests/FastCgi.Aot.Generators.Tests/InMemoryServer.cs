using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>A response as the web server would parse it from the CGI output.</summary>
internal sealed record CgiResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] BodyBytes)
{
    public string Body => Encoding.UTF8.GetString(BodyBytes);

    public string? Header(string name) => Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(static h => h.Value).FirstOrDefault();
}

/// <summary>Calls a generated application's HandleAsync on an in-memory request, by reflection (tests only).</summary>
internal sealed class InMemoryServer(Assembly assembly)
{
    private readonly MethodInfo _handle = assembly.GetType("FastCgi.Aot.Generated.FcgiApplication", throwOnError: true)!
        .GetMethod("HandleAsync", BindingFlags.Public | BindingFlags.Static)!;

    /// <summary>
    /// Sends a request to the generated HandleAsync. With <paramref name="matchFirst"/>, calls the generated
    /// Match first and stores its endpoint in the request, as the server does when the parameters are complete.
    /// </summary>
    public async Task<CgiResponse> SendAsync(
        string method,
        string uri,
        string? body = null,
        IEnumerable<KeyValuePair<string, string>>? parameters = null,
        CancellationToken aborted = default,
        FcgiRole role = FcgiRole.Responder,
        byte[]? data = null,
        bool matchFirst = false)
    {
        FcgiInMemoryExchange exchange = CreateExchange(method, uri, body, parameters, aborted, role, data);
        if (matchFirst)
        {
            exchange.Request.Endpoint = Match(exchange.Request);
        }

        await Handle(exchange);
        return Parse(exchange.RenderResponse());
    }

    /// <summary>Calls the generated HandleAsync on a request whose endpoint the test chose, as the server would have stored it.</summary>
    public async Task<CgiResponse> SendAsync(FcgiInMemoryExchange exchange)
    {
        await Handle(exchange);
        return Parse(exchange.RenderResponse());
    }

    /// <summary>Calls the generated HandleAsync; an exception it throws comes out as itself, as it would reach the server.</summary>
    private ValueTask Handle(FcgiInMemoryExchange exchange) =>
        (ValueTask)_handle.Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, [exchange.Request, exchange.Response], culture: null)!;

    /// <summary>Calls the generated Match on a request built as <see cref="SendAsync(string, string, string?, IEnumerable{KeyValuePair{string, string}}?, CancellationToken, FcgiRole, byte[]?, bool)"/> builds it.</summary>
    public FcgiEndpoint Match(string method, string uri, IEnumerable<KeyValuePair<string, string>>? parameters = null, FcgiRole role = FcgiRole.Responder) =>
        Match(CreateExchange(method, uri, null, parameters, default, role, null).Request);

    /// <summary>Calls the generated Match.</summary>
    public FcgiEndpoint Match(FcgiRequest request) =>
        (FcgiEndpoint)_handle.DeclaringType!.GetMethod("Match", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [request])!;

    public static FcgiInMemoryExchange CreateExchange(
        string method,
        string uri,
        string? body = null,
        IEnumerable<KeyValuePair<string, string>>? parameters = null,
        CancellationToken aborted = default,
        FcgiRole role = FcgiRole.Responder,
        byte[]? data = null)
    {
        int question = uri.IndexOf('?', StringComparison.Ordinal);
        var all = new List<KeyValuePair<string, string>>
        {
            new("REQUEST_METHOD", method),
            new("REQUEST_URI", uri),
            new("QUERY_STRING", question < 0 ? string.Empty : uri.Substring(question + 1)),
        };
        if (parameters is not null)
        {
            all.AddRange(parameters);
        }

        return new FcgiInMemoryExchange(all, body is null ? default : Encoding.UTF8.GetBytes(body), role, data, aborted);
    }

    /// <summary>The generated application type.</summary>
    public Type ApplicationType => _handle.DeclaringType!;

    /// <summary>Calls the generated <c>AcceptsRole</c>.</summary>
    public bool AcceptsRole(FcgiRole role) =>
        (bool)_handle.DeclaringType!.GetMethod("AcceptsRole", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [role])!;

    private static CgiResponse Parse(byte[] output)
    {
        int end = output.AsSpan().IndexOf("\r\n\r\n"u8);
        string[] lines = Encoding.UTF8.GetString(output, 0, end).Split("\r\n");
        var headers = lines.Select(static l => l.Split(": ", 2)).Select(static p => new KeyValuePair<string, string>(p[0], p[1])).ToList();
        int status = int.Parse(headers.First(static h => h.Key == "Status").Value.AsSpan(0, 3), provider: null);
        return new CgiResponse(status, headers, output.AsSpan(end + 4).ToArray());
    }
}
