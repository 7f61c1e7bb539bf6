using System;
using System.Threading.Tasks;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Connections;

/// <summary>The after hook sees every request the server took, once, with its final status: the server's own answers too.</summary>
public sealed class AfterHookTests
{
    [Fact]
    public async Task ACompletedRequestIsReportedOnceWithItsStatusEndpointAndSize()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get("/hello?key=hook1");

        FcgiRequestSummary summary = Assert.Single(await TimeoutRaceTests.WaitForCompletedAsync("hook1", 1));
        Assert.Equal(200, summary.StatusCode);
        Assert.Equal(FcgiRequestOutcome.Completed, summary.Outcome);
        Assert.Same(LifecycleApplication.Inline, summary.Endpoint);
        Assert.Equal(result.Stdout.Length, summary.BytesSent);
        Assert.True(summary.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public async Task TheServersOwn413IsReportedWithTheRoutesOwnBodyLimit()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "POST", "/limited?key=hook2", body: new byte[11]);
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        Assert.Equal(413, response.Status);
        FcgiRequestSummary summary = Assert.Single(await TimeoutRaceTests.WaitForCompletedAsync("hook2", 1));
        Assert.Equal(413, summary.StatusCode);
        Assert.Same(LifecycleApplication.Limited, summary.Endpoint);
    }

    [Fact]
    public async Task ARouteBodyLimitAlsoStopsABodyWithoutContentLength()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/limited?key=hook3"));
        client.Stdin(1, new byte[6], end: false);
        client.Stdin(1, new byte[6]);

        Assert.Equal(413, client.ReadUntilEnd(1).Parse().Status);
    }

    [Fact]
    public async Task ABodyWithinTheRouteLimitIsServed()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "POST", "/limited?key=hook4", body: "0123456789"u8.ToArray());

        Assert.Equal("0123456789", client.ReadUntilEnd(1).Parse().BodyText);
    }

    [Fact]
    public async Task AnAbortedRequestIsReportedAsAborted()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/async/gate?key=hook5");
        LifecycleApplication.Gate gate = LifecycleApplication.GateFor("hook5");
        for (int i = 0; i < 200 && gate.Entered < 1; i++)
        {
            await Task.Delay(10);
        }

        client.Abort(1);
        TestRequestResult result = client.ReadUntilEnd(1);
        gate.Open.Set();

        Assert.Equal(0, result.Stdout.Length);
        FcgiRequestSummary summary = Assert.Single(await TimeoutRaceTests.WaitForCompletedAsync("hook5", 1));
        Assert.Equal(FcgiRequestOutcome.Aborted, summary.Outcome);
        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task ARequestWhoseConnectionClosesIsReportedAsAborted()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using (RawFcgiClient client = server.Connect())
        {
            client.SendRequest(1, "GET", "/async/gate?key=hook6");
            LifecycleApplication.Gate gate = LifecycleApplication.GateFor("hook6");
            for (int i = 0; i < 200 && gate.Entered < 1; i++)
            {
                await Task.Delay(10);
            }
        }

        FcgiRequestSummary summary = Assert.Single(await TimeoutRaceTests.WaitForCompletedAsync("hook6", 1));
        Assert.Equal(FcgiRequestOutcome.Aborted, summary.Outcome);
        LifecycleApplication.GateFor("hook6").Open.Set();
        TimeoutRaceTests.AssertQuiet(server);
    }
}
