using System;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class TimeoutTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task IdleConnectionIsClosedAfterTheIdleTimeout()
    {
        await using TestServer server = TestServer.Start(o => o.IdleTimeout = s_short);
        using RawFcgiClient client = server.Connect();
        client.Get("/hello");

        Assert.True(client.ServerClosed());
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task ConnectionStalledMidRequestIsClosedAfterTheReadTimeout()
    {
        await using TestServer server = TestServer.Start(o => o.ReadTimeout = s_short);
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 10));
        client.Stdin(1, "abc"u8, end: false);

        Assert.True(client.ServerClosed());
        Assert.False(client.Result(1).Ended);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task ConnectionStalledInsideARecordHeaderIsClosedAfterTheReadTimeout()
    {
        await using TestServer server = TestServer.Start(o => o.ReadTimeout = s_short);
        using RawFcgiClient client = server.Connect();

        client.SendRaw(RawFcgiClient.BeginRequestRecord(1).AsSpan(0, 3));

        Assert.True(client.ServerClosed());
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task HandlerPastTheRequestTimeoutIsCancelledAndAnswered504Once()
    {
        await using TestServer server = TestServer.Start(o => o.RequestTimeout = s_short);
        using RawFcgiClient client = server.Connect();
        TestApplication.Probe probe = TestApplication.ProbeFor("timeout-wait");

        client.SendRequest(1, "GET", "/wait?key=timeout-wait");
        TestRequestResult result = client.ReadUntilEnd(1);
        await probe.Cancelled.Task.WaitAsync(s_wait);
        await probe.Finished.Task.WaitAsync(s_wait);

        Assert.Equal(504, result.Parse().Status);
        Assert.Equal(1, server.Instance.Statistics.TimedOut);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
        Assert.Equal(1, result.EndRequestCount);
    }

    [Fact]
    public async Task HandlerThatIgnoresTheTimeoutStillGetsOneEndRequest()
    {
        await using TestServer server = TestServer.Start(o => o.RequestTimeout = s_short);
        using RawFcgiClient client = server.Connect();
        TestApplication.Probe probe = TestApplication.ProbeFor("timeout-ignore");

        client.SendRequest(1, "GET", "/ignore-abort?key=timeout-ignore");
        TestRequestResult result = client.ReadUntilEnd(1);
        Assert.Equal(504, result.Parse().Status);
        probe.Cancelled.TrySetResult();
        await probe.Finished.Task.WaitAsync(s_wait);

        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
        Assert.Equal(1, result.EndRequestCount);
        Assert.Equal(FcgiProtocolStatus.RequestComplete, result.ProtocolStatus);
    }

    [Fact]
    public async Task KeepAliveConnectionIsNotClosedWhileARequestRuns()
    {
        await using TestServer server = TestServer.Start(o =>
        {
            o.IdleTimeout = s_short;
            o.ReadTimeout = s_short;
        });
        using RawFcgiClient client = server.Connect();

        // Four idle timeouts long: the connection is busy, not idle.
        Assert.Equal("slept 800\n", client.Get("/slow?ms=800").Parse().BodyText);
    }
}
