using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Tests.Hosting;
using Xunit.Abstractions;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>A web server that stops reading: the server's buffering stays bounded and its waits end.</summary>
[Collection(HostingCollection.Name)]
public sealed class BackPressureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ResponseToAClientThatNeverReadsIsHeldBackNotBuffered()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        client.Socket.ReceiveBufferSize = 64 * 1024;
        const int Size = 64 * 1024 * 1024;
        long before = Memory.LiveHeap();

        client.SendRequest(1, "GET", $"/big?bytes={Size}");
        WaitUntilTheSocketStopsFilling(client.Socket);
        long during = Memory.LiveHeap();

        // 64 MiB asked for; what the server holds is its stream threshold, not the response.
        output.WriteLine($"live heap before {Memory.InMiB(before)}, while the client does not read {Memory.InMiB(during)}; {client.Socket.Available} bytes waiting in the client's socket");
        Assert.InRange(during - before, long.MinValue, 8 * Memory.MiB);
        Assert.False(client.Result(1).Ended);

        // Reading resumes the stream, and all of it arrives.
        long bytes = 0;
        TestRequestResult result = client.Result(1);
        while (!result.Ended)
        {
            TestRecord? record = client.ReadRecord();
            Assert.True(record is not null, "the server closed the connection before END_REQUEST");
            if (record.Value.Type == FcgiRecordType.Stdout)
            {
                bytes += record.Value.Content.Length;
                result.Stdout.SetLength(0);
            }
        }

        Assert.InRange(bytes, Size, Size + 1024);
        Assert.Equal(FcgiProtocolStatus.RequestComplete, result.ProtocolStatus);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task SynchronousWritesPastTheResponseBufferBoundEndTheRequestWith500()
    {
        await using TestServer server = TestServer.Start(o => o.MaxResponseBufferBytes = 1024 * 1024);
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get("/big-sync?bytes=5000000");

        Assert.Equal(500, result.Parse().Status);
        Assert.Contains("max-response-buffer-bytes", result.StderrText, StringComparison.Ordinal);
        Assert.Equal(1, server.Instance.Statistics.HandlerErrors);
        Assert.Equal(200, client.Get("/big-sync?bytes=1000000", id: 2).Parse().Status);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task TimedOutRequestWhoseWebServerStoppedReadingIsEndedOnceAndItsConnectionClosed()
    {
        await using TestServer server = TestServer.Start(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.ReadTimeout = TimeSpan.FromMilliseconds(300);
        });
        using RawFcgiClient client = server.Connect();
        client.Socket.ReceiveBufferSize = 16 * 1024;

        // The handler streams 200 MB; the client reads none of it, so the server's send waits.
        client.SendRequest(1, "GET", "/big?bytes=200000000");
        ReliabilityWait.Until(() => server.Instance.Statistics.TimedOut > 0, "the request timeout");
        ReliabilityWait.Until(() => server.Instance.Statistics.ActiveConnections == 0, "the server to close a connection whose peer stopped reading");

        Assert.Equal(1, server.Instance.Statistics.TimedOut);
        Assert.Equal(1, CountOccurrences(server.Log, "ran past"));
        Assert.Contains("stopped reading", server.Log, StringComparison.Ordinal);
        ReliabilityWait.Until(() => server.Instance.Statistics.ActiveRequests == 0, "the timed-out request to end");
        server.AssertServesFreshConnection();
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Waits until the bytes queued for the client stop growing: the server is held by back-pressure.</summary>
    private static void WaitUntilTheSocketStopsFilling(Socket socket)
    {
        int last = -1;
        int stable = 0;
        long end = Environment.TickCount64 + 10_000;
        while (stable < 10 && Environment.TickCount64 < end)
        {
            Thread.Sleep(50);
            int available = socket.Available;
            stable = available == last && available > 0 ? stable + 1 : 0;
            last = available;
        }
    }
}
