using System;
using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Tests.Hosting;
using Xunit.Abstractions;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>
/// Hostile peers over real sockets, each followed by a fresh connection that must be served.
/// (Request-id reuse, records for unknown ids, a version other than 1 and truncated records are
/// in Hosting/ProtocolTests.)
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RandomGarbageOnManyConnectionsLeavesTheServerServing()
    {
        await using TestServer server = TestServer.Start(o => o.Verbose = false);
        var random = new Random(4242);
        for (int i = 0; i < 40; i++)
        {
            byte[] garbage = new byte[random.Next(1, 64 * 1024)];
            random.NextBytes(garbage);
            if (i % 2 == 1)
            {
                // A valid version byte, so the garbage is read as records for a while.
                garbage[0] = FcgiConstants.Version1;
            }

            using RawFcgiClient client = server.Connect();
            SendIgnoringClose(client.Socket, garbage);
            client.Socket.Shutdown(SocketShutdown.Send);
            Assert.True(DrainUntilClosed(client.Socket), $"garbage case {i} left the connection open");
        }

        Assert.True(server.Instance.Statistics.ProtocolErrors >= 20);
        server.AssertServesFreshConnection();
    }

    [Theory]
    [InlineData(FcgiRecordType.BeginRequest, 1)]
    [InlineData(FcgiRecordType.Params, 1)]
    [InlineData(FcgiRecordType.Stdin, 1)]
    [InlineData(FcgiRecordType.GetValues, 0)]
    [InlineData(FcgiRecordType.Params, 99)]
    public async Task HeaderPromisingMoreThanIsSentIsClosedAfterTheReadTimeout(FcgiRecordType type, ushort id)
    {
        await using TestServer server = TestServer.Start(o => o.ReadTimeout = TimeSpan.FromMilliseconds(300));
        using RawFcgiClient client = server.Connect();
        if (id == 1 && type != FcgiRecordType.BeginRequest)
        {
            client.BeginRequest(1);
            if (type == FcgiRecordType.Stdin)
            {
                client.Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain"));
            }
        }

        // 65,535 bytes promised, 100 sent, then silence.
        byte[] record = new byte[FcgiConstants.HeaderLength + 100];
        new FcgiRecordHeader(type, id, ushort.MaxValue, 0).Write(record);
        client.SendRaw(record);

        Assert.True(client.ServerClosed());
        Assert.False(client.Result(1).Ended);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task ParamsFarPastTheLimitAreRefusedWithBoundedMemory()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        long before = Memory.LiveHeap();
        client.BeginRequest(1);
        client.Params(1, RawFcgiClient.ParamsFor("GET", "/hello"), end: false);

        // 32 MiB of PARAMS in 65,535-byte records, against the default 64 KiB limit.
        byte[] record = RawFcgiClient.Record(FcgiRecordType.Params, 1, RawFcgiClient.EncodePair("HTTP_X_FILL"u8, new byte[65_535 - 16]));
        const int Records = 512;
        for (int i = 0; i < Records; i++)
        {
            client.SendRaw(record);
        }

        // Sync with the server before measuring: GET_VALUES is answered after every record before it.
        client.GetValues("FCGI_MAX_CONNS");
        client.ReadManagementRecord();
        long during = Memory.LiveHeap();
        client.Params(1, [], end: true);
        client.Stdin(1, default);
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        output.WriteLine($"{Records * (long)record.Length / Memory.MiB} MiB of PARAMS sent; live heap before {Memory.InMiB(before)}, while receiving {Memory.InMiB(during)}");
        Assert.Equal(431, response.Status);
        Assert.InRange(during - before, long.MinValue, 4 * Memory.MiB);
        Assert.Equal("Hello, world!\n", client.Get("/hello", id: 2).Parse().BodyText);
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task ThousandsOfOneByteRecordsAreReassembledExactly()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        byte[] body = new byte[10_000];
        new Random(7).NextBytes(body);
        byte[] pairs = RawFcgiClient.EncodePairs(RawFcgiClient.ParamsFor("POST", "/echo", "application/octet-stream", body.Length));
        var stream = new MemoryStream();
        stream.Write(RawFcgiClient.BeginRequestRecord(1));
        stream.Write(RawFcgiClient.StreamRecords(FcgiRecordType.Params, 1, pairs, chunk: 1));
        stream.Write(RawFcgiClient.StreamRecords(FcgiRecordType.Stdin, 1, body, chunk: 1));

        client.SendRaw(stream.ToArray());
        CgiResponse response = client.ReadUntilEnd(1).Parse();

        output.WriteLine($"{pairs.Length} one-byte PARAMS records and {body.Length} one-byte STDIN records in {stream.Length} bytes");
        Assert.Equal(body, response.Body);
        server.AssertServesFreshConnection();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task BeginRequestWithTooShortABodyClosesTheConnection(int length)
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();

        client.SendRaw(RawFcgiClient.Record(FcgiRecordType.BeginRequest, 1, new byte[] { 0, 1, 1, 0, 0, 0, 0, 0 }.AsSpan(0, length)));

        Assert.True(client.ServerClosed());
        server.AssertServesFreshConnection();
    }

    [Fact]
    public async Task BeginRequestBodySplitAcrossReadsIsAccepted()
    {
        await using TestServer server = TestServer.Start();
        using RawFcgiClient client = server.Connect();
        byte[] begin = RawFcgiClient.BeginRequestRecord(1);

        client.SendRaw(begin.AsSpan(0, 11));
        await Task.Delay(20);
        client.SendRaw(begin.AsSpan(11));
        client.Params(1, RawFcgiClient.ParamsFor("GET", "/hello"));
        client.Stdin(1, default);

        Assert.Equal("Hello, world!\n", client.ReadUntilEnd(1).Parse().BodyText);
    }

    [Fact]
    public async Task ManyIdleAndStalledConnectionsAllTimeOut()
    {
        await using TestServer server = TestServer.Start(o =>
        {
            o.IdleTimeout = TimeSpan.FromMilliseconds(400);
            o.ReadTimeout = TimeSpan.FromMilliseconds(400);
            o.Verbose = false;
        });
        var clients = new RawFcgiClient[90];
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i] = server.Connect();
            switch (i % 3)
            {
                case 0:
                    // Silent from the start.
                    break;
                case 1:
                    // Idle after one request, with FCGI_KEEP_CONN.
                    clients[i].Get("/hello");
                    break;
                default:
                    // Stalled inside a request.
                    clients[i].BeginRequest(1);
                    clients[i].Params(1, RawFcgiClient.ParamsFor("POST", "/echo", "text/plain", 10), end: false);
                    break;
            }
        }

        try
        {
            ReliabilityWait.Until(() => server.Instance.Statistics.ActiveConnections == 0, "every idle or stalled connection to time out");
            foreach (RawFcgiClient client in clients)
            {
                Assert.True(client.ServerClosed());
            }

            Assert.Equal(0, server.Instance.Statistics.ActiveRequests);
        }
        finally
        {
            foreach (RawFcgiClient client in clients)
            {
                client.Dispose();
            }
        }

        server.AssertServesFreshConnection();
    }

    private static void SendIgnoringClose(Socket socket, byte[] bytes)
    {
        try
        {
            int offset = 0;
            while (offset < bytes.Length)
            {
                offset += socket.Send(bytes.AsSpan(offset));
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            // The server closed on the first bad record.
        }
    }

    /// <summary>Reads until the server closes; false when the receive timeout passes first.</summary>
    private static bool DrainUntilClosed(Socket socket)
    {
        socket.ReceiveTimeout = 10_000;
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (socket.Receive(buffer) > 0)
            {
            }

            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }
}
