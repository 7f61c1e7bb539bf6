using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using FastCgi.Aot.Generated;
using FastCgi.Aot.Internal;

[assembly: FastCgi.Aot.FcgiJsonContext(typeof(FastCgi.Aot.Benchmarks.BenchmarkJsonContext))]

namespace FastCgi.Aot.Benchmarks;

/// <summary>
/// The generated dispatcher and binders on the two simplest shapes, a constant string and two
/// query integers, against a request built once and a response reset between calls. The rows must
/// show 0 B: matching, parsing and writing allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private FcgiInMemoryExchange _hello = null!;
    private FcgiInMemoryExchange _add = null!;
    private FcgiInMemoryExchange _user = null!;
    private FcgiInMemoryExchange _missing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hello = Create("/hello", string.Empty);
        _add = Create("/add", "a=1&b=2");
        _user = Create("/users/7", string.Empty);
        _missing = Create("/nowhere/at/all", string.Empty);

        // Each row must time the path it is named for, not an error answer.
        Expect(_hello, 200, "Hello, World!");
        Expect(_add, 200, "3");
        Expect(_user, 200, null);
        Expect(_missing, 404, null);
    }

    private static void Expect(FcgiInMemoryExchange exchange, int status, string? body)
    {
        Dispatch(exchange);
        string actual = System.Text.Encoding.UTF8.GetString(exchange.Response.GetBody());
        if (exchange.Response.StatusCode != status || (body is not null && actual != body) || actual.Length == 0)
        {
            throw new InvalidOperationException($"{exchange.Request.GetPathString()} answered {exchange.Response.StatusCode} '{actual}', not {status} '{body}'.");
        }
    }

    [Benchmark]
    public long Hello() => Dispatch(_hello);

    [Benchmark]
    public long Add() => Dispatch(_add);

    /// <summary>A route value bound to an int, and a record written as JSON by the source-generated context.</summary>
    [Benchmark]
    public long UserJson() => Dispatch(_user);

    [Benchmark]
    public long NotFound() => Dispatch(_missing);

    private static long Dispatch(FcgiInMemoryExchange exchange)
    {
        FcgiResponse response = exchange.Response;
        response.Clear();
        response.Start(sink: null, requestId: 1, suppressBody: false, streamThreshold: int.MaxValue);
        FcgiApplication.HandleAsync(exchange.Request, response).GetAwaiter().GetResult();
        return response.BodyLength;
    }

    private static FcgiInMemoryExchange Create(string path, string query) => new(
    [
        new KeyValuePair<string, string>("REQUEST_METHOD", "GET"),
        new KeyValuePair<string, string>("REQUEST_URI", query.Length == 0 ? path : path + "?" + query),
        new KeyValuePair<string, string>("QUERY_STRING", query),
    ]);
}

/// <summary>The handlers the benchmarks dispatch to, compiled by the route generator.</summary>
internal static class DispatchBenchmarkRoutes
{
    [FcgiRoute("/hello")]
    public static string Hello() => "Hello, World!";

    [FcgiRoute("/add")]
    public static int Add(int a, int b) => a + b;

    // The users exist before the request, as in a cache: the row measures binding and JSON
    // writing, not the handler's own allocation (the sample's GetUser builds a new record).
    private static readonly BenchmarkUser[] s_users = CreateUsers();

    [FcgiRoute("/users/{id}")]
    public static BenchmarkUser? GetUser(int id) => (uint)id < (uint)s_users.Length ? s_users[id] : null;

    private static BenchmarkUser[] CreateUsers()
    {
        var users = new BenchmarkUser[16];
        for (int i = 0; i < users.Length; i++)
        {
            users[i] = new BenchmarkUser(i, "user" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return users;
    }
}

/// <summary>The JSON payload of the <c>/users/{id}</c> row, shaped like the sample's <c>User</c>.</summary>
internal sealed record BenchmarkUser(int Id, string Name);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchmarkUser))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;
