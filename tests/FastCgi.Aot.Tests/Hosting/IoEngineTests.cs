using System;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>
/// The server's socket paths under both I/O engines: the rest of the hosting tests run on the
/// default (epoll on Linux); these pin what either engine must do with many connections, a peer
/// that sends everything and closes at once, a peer that reads late, and one that vanishes.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class IoEngineTests
{
    public static TheoryData<FcgiIoEngine> Engines => new() { FcgiIoEngine.Epoll, FcgiIoEngine.Sockets };

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task KeptAliveConnectionsServedAtOnceEachGetTheirOwnAnswers(FcgiIoEngine engine)
    {
        await using TestServer server = TestServer.Start(o => { o.IoEngine = engine; o.Verbose = false; });
        const int Clients = 24;
        const int Requests = 150;
        // Threads of their own: blocking clients on the thread pool would starve the server's
        // continuations, which run there under System.Net.Sockets in this test process.
        Task[] clients = new Task[Clients];
        for (int c = 0; c < Clients; c++)
        {
            int client = c;
            clients[c] = Task.Factory.StartNew(() =>
            {
                using RawFcgiClient connection = server.Connect();
                for (int i = 0; i < Requests; i++)
                {
                    // Each answer carries its own request's body, so a crossed wire shows.
                    byte[] body = System.Text.Encoding.ASCII.GetBytes($"client {client} request {i}");
                    connection.SendRequest(1, "POST", "/echo", body, "text/plain");
                    CgiResponse response = connection.ReadUntilEnd(1).Parse();
                    Assert.Equal(200, response.Status);
                    Assert.Equal(body, response.Body);
                    connection.Results.Clear();
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(Clients * Requests, server.Instance.Statistics.TotalRequests);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task ARequestSentWithTheEndOfStreamAtOnceIsAnsweredAndClosed(FcgiIoEngine engine)
    {
        // The whole request and the peer's FIN are queued before the server first reads: the
        // answer must go out and the connection close, not wait for more input.
        await using TestServer server = TestServer.Start(o => { o.IoEngine = engine; o.Verbose = false; });
        for (int i = 0; i < 30; i++)
        {
            using RawFcgiClient client = server.Connect();
            client.SendRequest(1, "POST", "/echo", new byte[i * 1000], "text/plain", keepConnection: false);
            client.Socket.Shutdown(SocketShutdown.Send);
            CgiResponse response = client.ReadUntilEnd(1).Parse();
            Assert.Equal(i * 1000, response.Body.Length);
            Assert.True(client.ServerClosed());
        }
    }

    [Fact]
    public async Task UnderEpollEveryRequestRunsOnAnEngineThreadEvenTheFirstOfAConnection()
    {
        // Web servers that open a connection per request (Apache, lighttpd, Caddy) send it at
        // once; it must not be served on the thread that accepted the connection.
        await using TestServer server = TestServer.Start(o => { o.IoEngine = FcgiIoEngine.Epoll; o.Verbose = false; });
        for (int i = 0; i < 20; i++)
        {
            using RawFcgiClient client = server.Connect();
            client.SendRequest(1, "GET", "/thread", keepConnection: false);
            Assert.StartsWith("fastcgi epoll ", client.ReadUntilEnd(1).Parse().BodyText, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task AResponseToAPeerThatReadsLateArrivesWholeAndTheConnectionGoesOn(FcgiIoEngine engine)
    {
        await using TestServer server = TestServer.Start(o => { o.IoEngine = engine; o.Verbose = false; });
        using RawFcgiClient client = server.Connect();
        foreach (string path in new[] { "/big?bytes=6000000", "/big-sync?bytes=3000000" })
        {
            client.SendRequest(1, "GET", path);

            // The server fills the socket and waits for room.
            await Task.Delay(300);
            CgiResponse response = client.ReadUntilEnd(1).Parse();
            int expected = path.Contains("sync", StringComparison.Ordinal) ? 3_000_000 : 6_000_000;
            Assert.Equal(expected, response.Body.Length);
            for (int i = 0; i < response.Body.Length; i++)
            {
                if (response.Body[i] != (byte)(i % 251))
                {
                    Assert.Fail($"byte {i} of {path} is {response.Body[i]}, not {i % 251}");
                }
            }

            client.Results.Clear();
            Assert.Equal("Hello, world!\n", client.Get("/hello").Parse().BodyText);
            client.Results.Clear();
        }
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task APeerThatVanishesWhileTheServerWaitsToSendIsCleanedUp(FcgiIoEngine engine)
    {
        await using TestServer server = TestServer.Start(o => { o.IoEngine = engine; o.Verbose = false; });
        for (int i = 0; i < 5; i++)
        {
            using (RawFcgiClient client = server.Connect())
            {
                client.SendRequest(1, "GET", "/big?bytes=50000000");
                await Task.Delay(150);
            }

            var clock = Stopwatch.StartNew();
            while (server.Instance.Statistics.ActiveConnections != 0 || server.Instance.Statistics.ActiveRequests != 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the connection of a vanished peer was not closed");
                await Task.Delay(20);
            }
        }

        // Each request counts once as aborted, whether the connection's shutdown or the failed
        // send of its answer saw the peer gone first.
        Assert.Equal(5, server.Instance.Statistics.Aborted);
        server.AssertServesFreshConnection();
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task AnIdleConnectionIsClosedByTheTimerWhileItsReceiveWaits(FcgiIoEngine engine)
    {
        await using TestServer server = TestServer.Start(o =>
        {
            o.IoEngine = engine;
            o.IdleTimeout = TimeSpan.FromMilliseconds(300);
        });
        using RawFcgiClient client = server.Connect();
        Assert.Equal(200, client.Get("/hello").Parse().Status);
        Assert.True(client.ServerClosed());
        server.AssertServesFreshConnection();
    }
}
