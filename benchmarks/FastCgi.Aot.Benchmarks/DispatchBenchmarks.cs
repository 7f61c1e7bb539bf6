using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using FastCgi.Aot.Generated;
using FastCgi.Aot.Internal;

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
    private FcgiInMemoryExchange _missing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hello = Create("/hello", string.Empty);
        _add = Create("/add", "a=1&b=2");
        _missing = Create("/nowhere/at/all", string.Empty);
    }

    [Benchmark]
    public long Hello() => Dispatch(_hello);

    [Benchmark]
    public long Add() => Dispatch(_add);

    [Benchmark]
    public long NotFound() => Dispatch(_missing);

    private static long Dispatch(FcgiInMemoryExchange exchange)
    {
        FcgiResponse response = exchange.Response;
        response.Clear();
        response.Start(sink: null, suppressBody: false, streamThreshold: int.MaxValue);
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
}
