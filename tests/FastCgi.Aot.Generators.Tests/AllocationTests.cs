using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>After warm-up, dispatching /hello and /add through the generated code allocates nothing, and neither does matching any request.</summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData("/hello", "")]
    [InlineData("/add", "a=1&b=2")]
    [InlineData("/nowhere", "")]
    public void DispatchAllocatesNothingAfterWarmUp(string path, string query)
    {
        Assembly assembly = GeneratorRunner.Run(GeneratorRunner.Resource("MinimalApp.cs")).AssertCleanBuild().Load();
        var handle = assembly.GetType("FastCgi.Aot.Generated.FcgiApplication", throwOnError: true)!
            .GetMethod("HandleAsync", BindingFlags.Public | BindingFlags.Static)!
            .CreateDelegate<Func<FcgiRequest, FcgiResponse, ValueTask>>();
        var exchange = new FcgiInMemoryExchange(
        [
            new KeyValuePair<string, string>("REQUEST_METHOD", "GET"),
            new KeyValuePair<string, string>("REQUEST_URI", query.Length == 0 ? path : path + "?" + query),
            new KeyValuePair<string, string>("QUERY_STRING", query),
        ]);

        for (int i = 0; i < 100; i++)
        {
            Dispatch(handle, exchange);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Dispatch(handle, exchange);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(exchange.Response.BodyLength > 0);
    }

    [Theory]
    [InlineData("GET", "/hello")]
    [InlineData("GET", "/users/42")]
    [InlineData("GET", "/files/a/b")]
    [InlineData("POST", "/users/me")]
    [InlineData("PATCH", "/item/x")]
    [InlineData("GET", "/nowhere/at/all")]
    public void MatchAllocatesNothingAfterWarmUp(string method, string path)
    {
        Assembly assembly = GeneratorRunner.Run(GeneratorRunner.Resource("SampleApp.cs")).AssertCleanBuild().Load();
        var match = assembly.GetType("FastCgi.Aot.Generated.FcgiApplication", throwOnError: true)!
            .GetMethod("Match", BindingFlags.Public | BindingFlags.Static)!
            .CreateDelegate<Func<FcgiRequest, FcgiEndpoint>>();
        var exchange = new FcgiInMemoryExchange(
        [
            new KeyValuePair<string, string>("REQUEST_METHOD", method),
            new KeyValuePair<string, string>("REQUEST_URI", path),
        ]);

        FcgiEndpoint first = match(exchange.Request);
        for (int i = 0; i < 100; i++)
        {
            match(exchange.Request);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Assert.Same(first, match(exchange.Request));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Dispatch(Func<FcgiRequest, FcgiResponse, ValueTask> handle, FcgiInMemoryExchange exchange)
    {
        exchange.Response.Clear();
        exchange.Response.Start(sink: null, requestId: 1, suppressBody: false, streamThreshold: int.MaxValue);
        ValueTask task = handle(exchange.Request, exchange.Response);
        Assert.True(task.IsCompletedSuccessfully);
    }
}
