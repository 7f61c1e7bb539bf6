using System;
using System.Reflection;
using FastCgi.Aot.Internal;

namespace FastCgi.Aot.Generators.Tests;

/// <summary>[FcgiAfter]: the generated application calls it through IFcgiApplication.OnRequestCompleted, and only then observes requests.</summary>
public sealed class AfterHookTests
{
    private const string Handlers = """
        using FastCgi.Aot;
        public static class Api
        {
            [FcgiRoute("/hello")] public static string Hello() => "Hello";
        }

        """;

    [Theory]
    [InlineData("in FcgiRequestSummary summary")]
    [InlineData("FcgiRequestSummary summary")]
    public void TheAfterHookSeesEachRequestAndItsSummary(string parameter)
    {
        Type application = Load(Handlers + """
            public static class Log
            {
                public static string? Last;

                [FcgiAfter]
                public static void Access(FcgiRequest request, PARAMETER) =>
                    Last = request.GetPathString() + " " + summary.StatusCode + " " + summary.Outcome + " " + summary.BytesSent + " " + summary.Endpoint?.DisplayName;
            }
            """.Replace("PARAMETER", parameter, StringComparison.Ordinal));
        Assert.True(Observes(application));

        var exchange = new FcgiInMemoryExchange([new("REQUEST_METHOD", "GET"), new("REQUEST_URI", "/hello")]);
        var summary = new FcgiRequestSummary(200, FcgiRequestOutcome.Completed, TimeSpan.FromMilliseconds(3), 42, FcgiEndpoint.NotFound);
        Complete(application, exchange.Request, summary);

        Assert.Equal("/hello 200 Completed 42 404 Not Found", application.Assembly.GetType("Log")!.GetField("Last")!.GetValue(null));
    }

    [Fact]
    public void WithoutAnAfterHookTheApplicationObservesNothing()
    {
        Type application = Load(Handlers);
        Assert.False(Observes(application));
        Assert.Null(application.GetProperty("ObservesCompletedRequests", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly));
        Assert.Null(application.GetMethod("OnRequestCompleted", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly));
    }

    private static Type Load(string source) =>
        GeneratorRunner.Run(source).AssertCleanBuild().Load().GetType("FastCgi.Aot.Generated.FcgiApplication", throwOnError: true)!;

    /// <summary>What the server reads, through the interface: the application's own member or the default.</summary>
    private static bool Observes(Type application) =>
        (bool)typeof(AfterHookTests).GetMethod(nameof(ObservesCore), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(application).Invoke(null, null)!;

    private static void Complete(Type application, FcgiRequest request, FcgiRequestSummary summary) =>
        typeof(AfterHookTests).GetMethod(nameof(CompleteCore), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(application).Invoke(null, [request, summary]);

    private static bool ObservesCore<TApp>()
        where TApp : IFcgiApplication => TApp.ObservesCompletedRequests;

    private static void CompleteCore<TApp>(FcgiRequest request, FcgiRequestSummary summary)
        where TApp : IFcgiApplication => TApp.OnRequestCompleted(request, in summary);
}
