using System;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class AbortTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AbortRequestTripsTheHandlersToken()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        TestApplication.Probe probe = TestApplication.ProbeFor("abort-token");

        client.SendRequest(1, "GET", "/wait?key=abort-token");
        await probe.Started.Task.WaitAsync(s_wait);
        client.Abort(1);

        await probe.Cancelled.Task.WaitAsync(s_wait);
    }

    [Fact]
    public async Task AbortedRequestGetsExactlyOneEndRequestAndNoLaterOutput()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        TestApplication.Probe probe = TestApplication.ProbeFor("abort-once");

        client.SendRequest(1, "GET", "/wait?key=abort-once");
        await probe.Started.Task.WaitAsync(s_wait);
        client.Abort(1);
        TestRequestResult result = client.ReadUntilEnd(1);
        await probe.Finished.Task.WaitAsync(s_wait);

        // The handler wrote 100 kB and stderr after the abort; a later request on the same
        // connection proves none of it (nor a second END_REQUEST) followed. The client fails on
        // any record for request 1 after its END_REQUEST.
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
        Assert.Equal(1, result.EndRequestCount);
        Assert.Equal(FcgiProtocolStatus.RequestComplete, result.ProtocolStatus);
        Assert.Equal(0, result.Stdout.Length);
        Assert.Equal(0, result.Stderr.Length);
    }

    [Fact]
    public async Task AbortBeforeTheHandlerStartsEndsTheRequestAtOnce()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.BeginRequest(1);
        client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 10), end: false);
        client.Abort(1);
        TestRequestResult result = client.ReadUntilEnd(1);

        Assert.Equal(1, result.EndRequestCount);
        // Late records for the ended id are ignored; the connection goes on.
        client.Params(1, [], end: true);
        client.Stdin(1, "0123456789"u8);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
    }

    [Fact]
    public async Task AbortOfACompletedRequestIsIgnored()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.Get("/hello", id: 1);
        client.Abort(1);

        client.Results.Clear();
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 1).Parse().BodyText);
    }

    [Fact]
    public async Task ClosedConnectionAbortsEveryRequestOnIt()
    {
        await using TestServer server = TestServer.Start();
        TestApplication.Probe a = TestApplication.ProbeFor("close-a");
        TestApplication.Probe b = TestApplication.ProbeFor("close-b");
        using (RawFcgiClient client = server.Connect())
        {
            client.SendRequest(1, "GET", "/wait?key=close-a");
            client.SendRequest(2, "GET", "/wait?key=close-b");
            await Task.WhenAll(a.Started.Task, b.Started.Task).WaitAsync(s_wait);
        }

        await Task.WhenAll(a.Cancelled.Task, b.Cancelled.Task).WaitAsync(s_wait);
        await Task.WhenAll(a.Finished.Task, b.Finished.Task).WaitAsync(s_wait);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task AbortedRequestsAreReturnedSoTheLimitIsNotLeaked()
    {
        await using TestServer server = TestServer.Start(o => o.MaxRequests = 2);
        for (int i = 0; i < 5; i++)
        {
            string key = $"leak-{i}";
            using RawFcgiClient client = server.Connect();
            client.SendRequest(1, "GET", $"/wait?key={key}");
            await TestApplication.ProbeFor(key).Started.Task.WaitAsync(s_wait);
            client.Abort(1);
            client.ReadUntilEnd(1);
            await TestApplication.ProbeFor(key).Finished.Task.WaitAsync(s_wait);
        }

        server.AssertServesFreshConnection();
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task PeerThatClosesWhileALargeResponseStreamsLeavesTheServerServing()
    {
        await using TestServer server = TestServer.Start();
        using (RawFcgiClient client = server.Connect())
        {
            client.SendRequest(1, "GET", "/big?bytes=20000000");
            Assert.NotNull(client.ReadRecord());
        }

        server.AssertServesFreshConnection();
        Assert.Equal(0, server.Instance.Statistics.HandlerErrors);
    }
}
