using System;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Connections;

/// <summary>
/// A failure after the response started must reach the web server as a cut-off response: FastCGI
/// has no trailer, so the request gets no END_REQUEST and its connection closes (after the other
/// requests on it, when it multiplexes).
/// </summary>
public sealed class TruncationTests
{
    [Fact]
    public async Task AHandlerThatThrowsAfterItsResponseStartedIsCutOffWithoutEndRequest()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/inline/fail-after-start?bytes=200000&key=cut1");

        Assert.True(client.ServerClosed());
        TestRequestResult result = client.Result(1);
        Assert.False(result.Ended, "a request cut off must not get END_REQUEST");
        Assert.False(result.StdoutEnded, "nor the end of its STDOUT");
        Assert.True(result.Stdout.Length > 0);
        Assert.Equal(1, server.Instance.Statistics.HandlerErrors);
        FcgiRequestSummary summary = Assert.Single(await TimeoutRaceTests.WaitForCompletedAsync("cut1", 1));
        Assert.Equal(FcgiRequestOutcome.Truncated, summary.Outcome);
        using (RawFcgiClient fresh = server.Connect())
        {
            Assert.Equal("hello cut1b\n", fresh.Get("/hello?key=cut1b").Parse().BodyText);
        }

        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task ABlockingHandlerThatThrowsAfterItsResponseStartedIsCutOffToo()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/blocking/fail-after-start?bytes=100000&key=cut2");

        Assert.True(client.ServerClosed());
        Assert.False(client.Result(1).Ended);
        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task AFailureBeforeAnyOutputIsStillA500WithEndRequest()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get("/inline/fail?key=cut3");

        Assert.Equal(500, result.Parse().Status);
        Assert.Equal(1u, result.AppStatus);
        client.Results.Clear();
        Assert.Equal(200, client.Get("/hello?key=cut3b").Parse().Status);
    }

    [Fact]
    public async Task ATimeoutAfterTheResponseStartedCutsItOff()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>(o => o.RequestTimeout = TimeSpan.FromMilliseconds(500));
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/inline/stream-then-wait?key=cut4");

        Assert.True(client.ServerClosed());
        TestRequestResult result = client.Result(1);
        Assert.False(result.Ended);
        Assert.Equal(1000, result.Parse().Body.Length);
        FcgiRequestSummary summary = Assert.Single(await TimeoutRaceTests.WaitForCompletedAsync("cut4", 1));
        Assert.Equal(FcgiRequestOutcome.TimedOut, summary.Outcome);
        Assert.Equal(200, summary.StatusCode);
        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task OnAMultiplexedConnectionAFailureMidResponseDrainsTheOthersThenCloses()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>();
        using RawFcgiClient client = server.Connect();

        client.SendRequest(1, "GET", "/async/gate?key=drain");
        LifecycleApplication.Gate gate = LifecycleApplication.GateFor("drain");
        for (int i = 0; i < 200 && gate.Entered < 1; i++)
        {
            await Task.Delay(10);
        }

        client.SendRequest(2, "GET", "/inline/fail-after-start?bytes=70000&key=drain-fail");
        while (client.Result(2).Stdout.Length < 70000)
        {
            Assert.NotNull(client.ReadRecord());
        }

        // Draining: a new request on this connection is refused, so the web server sends it elsewhere.
        client.SendRequest(3, "GET", "/hello?key=drain-new");
        TestRequestResult refused = client.ReadUntilEnd(3);
        Assert.Equal(FcgiProtocolStatus.Overloaded, refused.ProtocolStatus);

        gate.Open.Set();
        Assert.Equal("through drain\n", client.ReadUntilEnd(1).Parse().BodyText);
        Assert.True(client.ServerClosed());
        Assert.False(client.Result(2).Ended, "the failed request never gets END_REQUEST");
        TimeoutRaceTests.AssertQuiet(server);
    }
}
