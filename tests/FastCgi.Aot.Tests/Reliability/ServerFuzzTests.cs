using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Tests.Hosting;
using Xunit.Abstractions;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>The fuzzer's mutated request streams sent to a real server over a Unix socket.</summary>
[Collection(HostingCollection.Name)]
public sealed class ServerFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 1000;

    [Fact]
    public async Task ServerAnswersMutatedStreamsWithWellFormedRecordsAndKeepsServing()
    {
        IReadOnlyList<(string Name, byte[] Bytes)> corpus = RecordFuzzer.LoadCorpus();
        await using TestServer server = TestServer.Start(o =>
        {
            o.Verbose = false;
            o.ReadTimeout = TimeSpan.FromSeconds(2);
            o.MaxParamsBytes = 16 * 1024;
        });
        long answered = 0;
        long closedEarly = 0;
        long recordsBack = 0;
        for (int i = 0; i < Cases; i++)
        {
            int seed = RecordFuzzer.CaseSeed(1_000_000 + i);
            var random = new Random(seed);
            byte[] input = RecordFuzzer.Mutate(random, corpus, out string mutations);
            try
            {
                (int records, int ends, bool sentAll) = await ExchangeAsync(server, input);
                recordsBack += records;
                answered += ends;
                closedEarly += sentAll ? 0 : 1;
                if (i % 100 == 99)
                {
                    server.AssertServesFreshConnection();
                }
            }
            catch (Exception exception)
            {
                string saved = RecordFuzzer.SaveFailure("server", seed, input);
                output.WriteLine($"FAILED: seed {seed}, mutations: {mutations}; input saved to {saved}");
                Assert.Fail($"server fuzz case with seed {seed} failed ({mutations}); input saved to {saved}: {exception}");
            }
        }

        ReliabilityWait.Until(() => server.Instance.Statistics.ActiveConnections == 0, "every fuzzed connection to close");
        ReliabilityWait.Until(() => server.Instance.Statistics.ActiveRequests == 0, "every fuzzed request to end");
        server.AssertServesFreshConnection();
        output.WriteLine($"server fuzz: {Cases} streams, {recordsBack} records back, {answered} END_REQUESTs, {closedEarly} closed by the server before the stream was all sent, " +
            $"{server.Instance.Statistics.ProtocolErrors} protocol errors, {server.Instance.Statistics.TotalRequests} requests begun");
        Assert.True(answered > 0 && server.Instance.Statistics.ProtocolErrors > 0);
    }

    /// <summary>
    /// Sends the stream, half-closes, and reads the answer to the end: every record the server
    /// sends must be a well-formed version 1 record of a type a server may send.
    /// </summary>
    private static async Task<(int Records, int Ends, bool SentAll)> ExchangeAsync(TestServer server, byte[] input)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        // One deadline for the whole exchange, on asynchronous operations: a server that stalls
        // shows as a cancelled read or send. (Synchronous sends with a timeout, on a socket another
        // thread reads, failed at once with ETIMEDOUT here now and then: a client-side artefact.)
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(server.SocketPath), deadline.Token);
        // Send while reading, as a web server does: a client that only reads after sending all
        // could fill its own receive buffer and wait on a server that waits on it.
        Task<bool> sending = SendAllAsync(socket, input, deadline.Token);

        var reader = default(FcgiRecordReader);
        byte[] buffer = new byte[64 * 1024];
        int records = 0;
        int ends = 0;
        while (true)
        {
            int received;
            try
            {
                received = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
            {
                break;
            }

            if (received == 0)
            {
                break;
            }

            int used = 0;
            while (used < received)
            {
                FcgiReadStatus status = reader.Read(buffer.AsSpan(used, received - used), out int consumed, out FcgiRecordFragment fragment);
                used += consumed;
                Assert.NotEqual(FcgiReadStatus.UnsupportedVersion, status);
                if (status == FcgiReadStatus.NeedMoreData)
                {
                    break;
                }

                FcgiRecordType type = fragment.Header.Type;
                Assert.True(
                    type is FcgiRecordType.Stdout or FcgiRecordType.Stderr or FcgiRecordType.EndRequest or FcgiRecordType.GetValuesResult or FcgiRecordType.UnknownType,
                    $"the server sent a {type} record");
                Assert.Equal(type is FcgiRecordType.GetValuesResult or FcgiRecordType.UnknownType, fragment.Header.IsManagement);
                if (fragment.IsRecordEnd)
                {
                    records++;
                    ends += type == FcgiRecordType.EndRequest ? 1 : 0;
                }
            }
        }

        Assert.True(reader.IsAtRecordBoundary, "the server's output ended inside a record");
        return (records, ends, await sending);
    }

    private static async Task<bool> SendAllAsync(Socket socket, byte[] input, CancellationToken cancellationToken)
    {
        try
        {
            int offset = 0;
            while (offset < input.Length)
            {
                offset += await socket.SendAsync(input.AsMemory(offset), SocketFlags.None, cancellationToken);
            }

            socket.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            // The server closed first (a bad version, malformed PARAMS): what it sent is still read.
            return false;
        }
    }
}
