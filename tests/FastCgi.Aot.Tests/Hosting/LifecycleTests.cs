using System;
using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class LifecycleTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StopLetsAnInFlightRequestFinishThenClosesAndRemovesTheSocketFile()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        client.SendRequest(1, "GET", "/slow?ms=300&key=stop-inflight");
        await TestApplication.ProbeFor("stop-inflight").Started.Task.WaitAsync(s_wait);

        Task stop = server.Instance.StopAsync();
        TestRequestResult result = client.ReadUntilEnd(1);
        await stop.WaitAsync(s_wait);

        Assert.Equal("slept 300\n", result.Parse().BodyText);
        Assert.True(client.ServerClosed());
        Assert.False(File.Exists(server.SocketPath));
        Assert.True(server.Instance.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task StopClosesIdleConnectionsAtOnce()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        client.Get("/hello");

        await server.Instance.StopAsync().WaitAsync(s_wait);

        Assert.True(client.ServerClosed());
    }

    [Fact]
    public async Task StopRefusesNewConnections()
    {
        await using TestServer server = TestServer.Start();
        string path = server.SocketPath;

        await server.Instance.StopAsync().WaitAsync(s_wait);

        Assert.ThrowsAny<SocketException>(() => RawFcgiClient.Connect(path).Dispose());
    }

    [Fact]
    public async Task NewRequestOnABusyConnectionDuringStopIsServedThenTheConnectionCloses()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        client.SendRequest(1, "GET", "/slow?ms=400&key=stop-busy");
        await TestApplication.ProbeFor("stop-busy").Started.Task.WaitAsync(s_wait);

        Task stop = server.Instance.StopAsync();
        client.SendRequest(2, "GET", "/hello");

        // Not FCGI_OVERLOADED, which nginx would pass on as a 502: the request arrived on a
        // connection the server had accepted, so it is served.
        TestRequestResult hello = client.ReadUntilEnd(2);
        Assert.Equal(FcgiProtocolStatus.RequestComplete, hello.ProtocolStatus);
        Assert.Equal("Hello, world!\n", hello.Parse().BodyText);
        Assert.Equal("slept 400\n", client.ReadUntilEnd(1).Parse().BodyText);
        await stop.WaitAsync(s_wait);
        Assert.True(client.ServerClosed());
    }

    [Fact]
    public async Task StopCancelsRequestsStillRunningAtTheShutdownDeadline()
    {
        await using TestServer server = TestServer.Start(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200));
        using RawFcgiClient client = server.Connect();
        TestApplication.Probe probe = TestApplication.ProbeFor("stop-deadline");
        client.SendRequest(1, "GET", "/wait?key=stop-deadline");
        await probe.Started.Task.WaitAsync(s_wait);

        await server.Instance.StopAsync().WaitAsync(s_wait);

        await probe.Cancelled.Task.WaitAsync(s_wait);
        Assert.True(client.ServerClosed());
        Assert.False(File.Exists(server.SocketPath));
    }
}
