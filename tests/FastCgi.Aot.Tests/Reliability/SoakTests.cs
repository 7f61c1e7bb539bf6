using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Connections;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Tests.Hosting;
using Xunit.Abstractions;

namespace FastCgi.Aot.Tests.Reliability;

/// <summary>
/// Many clients for a bounded time (FCGI_SOAK_SECONDS, 20 by default): keep-alive and fresh
/// connections, multiplexed ids, random aborts and disconnects. Every answer is checked byte for
/// byte against what its request asked, and memory must stay flat after warm-up.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Clients = 6;

    private static readonly int s_seconds =
        int.TryParse(Environment.GetEnvironmentVariable("FCGI_SOAK_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds > 0 ? seconds : 20;

    private sealed class Counters
    {
        public long Begun;
        public long Answered;
        public long Aborted;
        public long Disconnects;
        public long Connections;
        public long BodyBytes;
    }

    [Fact]
    public async Task ManyClientsGetExactAnswersWhileMemoryStaysFlat()
    {
        await using TestServer server = TestServer.Start(o => o.Verbose = false);
        var counters = new Counters();
        var failures = new List<Exception>();
        long deadline = Environment.TickCount64 + (s_seconds * 1000L);
        var threads = new Thread[Clients];
        for (int i = 0; i < Clients; i++)
        {
            int seed = 9000 + i;
            threads[i] = new Thread(() =>
            {
                try
                {
                    RunClient(server, new Random(seed), seed, deadline, counters);
                }
                catch (Exception exception)
                {
                    lock (failures)
                    {
                        failures.Add(new InvalidOperationException($"soak client with seed {seed} failed", exception));
                    }
                }
            })
            { IsBackground = true, Name = $"soak client {i}" };
            threads[i].Start();
        }

        // Sample memory: warm-up is the first third; after it the figures must stay flat.
        long warmUpEnd = Environment.TickCount64 + (s_seconds * 1000L / 3);
        while (Environment.TickCount64 < warmUpEnd && failures.Count == 0)
        {
            Thread.Sleep(100);
        }

        long heapAfterWarmUp = Memory.LiveHeap();
        long rssAfterWarmUp = Memory.Resident();
        long rssPeak = rssAfterWarmUp;
        while (Environment.TickCount64 < deadline && failures.Count == 0)
        {
            Thread.Sleep(250);
            rssPeak = Math.Max(rssPeak, Memory.Resident());
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "a soak client did not finish");
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        ReliabilityWait.Until(() => server.Instance.Statistics.ActiveConnections == 0, "every soak connection to close");
        ReliabilityWait.Until(() => server.Instance.Statistics.ActiveRequests == 0, "every soak request to end");
        long heapAtEnd = Memory.LiveHeap();
        long rssAtEnd = Memory.Resident();
        FcgiServerStatistics statistics = server.Instance.Statistics;

        output.WriteLine(
            $"soak {s_seconds} s, {Clients} clients: {counters.Connections} connections, {counters.Begun} requests begun, {counters.Answered} answered and checked " +
            $"({counters.BodyBytes / Memory.MiB} MiB of bodies), {counters.Aborted} aborted, {counters.Disconnects} disconnects mid-request; " +
            $"live heap after warm-up {Memory.InMiB(heapAfterWarmUp)}, at the end {Memory.InMiB(heapAtEnd)}; " +
            $"VmRSS after warm-up {Memory.InMiB(rssAfterWarmUp)}, peak {Memory.InMiB(rssPeak)}, at the end {Memory.InMiB(rssAtEnd)}; " +
            $"{server.Instance.PooledRequestContexts} pooled request contexts");
        Assert.True(counters.Answered > 1000, $"only {counters.Answered} answers in {s_seconds} s");
        Assert.Equal(counters.Begun, statistics.TotalRequests);
        Assert.Equal(0, statistics.HandlerErrors);
        Assert.Equal(0, statistics.ProtocolErrors);
        Assert.Equal(0, statistics.RefusedOverloaded);
        Assert.True(statistics.Aborted >= counters.Aborted);
        Assert.InRange(server.Instance.PooledRequestContexts, 1, RequestContextPool.MaxRetained);
        Assert.InRange(heapAtEnd - heapAfterWarmUp, long.MinValue, 4 * Memory.MiB);
        Assert.InRange(rssAtEnd - rssAfterWarmUp, long.MinValue, 32 * Memory.MiB);
        server.AssertServesFreshConnection();
    }

    private static void RunClient(TestServer server, Random random, int seed, long deadline, Counters counters)
    {
        RawFcgiClient? keepAlive = null;
        long serial = 0;
        try
        {
            while (Environment.TickCount64 < deadline)
            {
                bool fresh = random.Next(10) < 3;
                RawFcgiClient client;
                if (fresh || keepAlive is null)
                {
                    client = server.Connect();
                    Interlocked.Increment(ref counters.Connections);
                    if (!fresh)
                    {
                        keepAlive = client;
                    }
                }
                else
                {
                    client = keepAlive;
                }

                bool keepOpen = RunBatch(client, random, seed, ref serial, counters, closeAfter: fresh);
                if (!keepOpen || fresh)
                {
                    client.Dispose();
                    if (ReferenceEquals(client, keepAlive))
                    {
                        keepAlive = null;
                    }
                }
            }
        }
        finally
        {
            keepAlive?.Dispose();
        }
    }

    private enum Kind
    {
        Echo,
        Slow,
        AbortBeforeStdinEnds,
        AbortWhileRunning,
    }

    private sealed class Pending(ushort id, Kind kind, byte[] body)
    {
        public ushort Id { get; } = id;

        public Kind Kind { get; } = kind;

        public byte[] Body { get; } = body;
    }

    /// <summary>Sends one to four multiplexed requests with interleaved records, then checks every answer; false after a deliberate disconnect.</summary>
    private static bool RunBatch(RawFcgiClient client, Random random, int seed, ref long serial, Counters counters, bool closeAfter)
    {
        client.Results.Clear();
        int count = random.Next(1, 5);
        var requests = new List<Pending>(count);
        var usedIds = new HashSet<ushort>();
        for (int i = 0; i < count; i++)
        {
            ushort id;
            do
            {
                id = (ushort)random.Next(1, 17);
            }
            while (!usedIds.Add(id));

            int roll = random.Next(100);
            Kind kind = roll < 85 ? Kind.Echo : roll < 91 ? Kind.Slow : roll < 96 ? Kind.AbortBeforeStdinEnds : Kind.AbortWhileRunning;

            // A unique payload: who sent it, which request, then random bytes of a random length.
            byte[] prefix = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{seed}:{serial++}:{id}:"));
            byte[] body = new byte[prefix.Length + (random.Next(16) == 0 ? random.Next(20_000, 100_000) : random.Next(0, 3000))];
            random.NextBytes(body);
            prefix.CopyTo(body, 0);
            requests.Add(new Pending(id, kind, body));
        }

        // BEGIN_REQUEST and PARAMS of all, then the bodies in interleaved chunks.
        var wire = new MemoryStream();
        var beginEnds = new List<long>(count);
        foreach (Pending request in requests)
        {
            wire.Write(RawFcgiClient.BeginRequestRecord(request.Id, keepConnection: !closeAfter || count > 1));
            beginEnds.Add(wire.Length);
            string uri = request.Kind is Kind.Slow or Kind.AbortWhileRunning ? "/slow?ms=5" : "/echo";
            string method = request.Kind is Kind.Slow or Kind.AbortWhileRunning ? "GET" : "POST";
            long? length = method == "POST" ? request.Body.Length : null;
            wire.Write(RawFcgiClient.StreamRecords(FcgiRecordType.Params, request.Id, RawFcgiClient.EncodePairs(RawFcgiClient.ParamsFor(method, uri, "application/octet-stream", length))));
        }

        var offsets = new int[count];
        bool more = true;
        while (more)
        {
            more = false;
            for (int i = 0; i < count; i++)
            {
                Pending request = requests[i];
                byte[] body = request.Kind is Kind.Slow or Kind.AbortWhileRunning ? [] : request.Body;
                if (offsets[i] > body.Length)
                {
                    continue;
                }

                int chunk = Math.Min(body.Length - offsets[i], random.Next(1, 40_000));
                if (chunk > 0)
                {
                    wire.Write(RawFcgiClient.Record(FcgiRecordType.Stdin, request.Id, body.AsSpan(offsets[i], chunk)));
                    offsets[i] += chunk;
                    more = true;
                    continue;
                }

                if (request.Kind == Kind.AbortBeforeStdinEnds)
                {
                    wire.Write(RawFcgiClient.Record(FcgiRecordType.AbortRequest, request.Id, default));
                }
                else
                {
                    wire.Write(RawFcgiClient.Record(FcgiRecordType.Stdin, request.Id, default));
                    if (request.Kind == Kind.AbortWhileRunning)
                    {
                        wire.Write(RawFcgiClient.Record(FcgiRecordType.AbortRequest, request.Id, default));
                    }
                }

                offsets[i] = body.Length + 1;
            }
        }

        byte[] bytes = wire.ToArray();
        if (random.Next(40) == 0)
        {
            // Go away mid-request: the server must abort every request of the connection.
            int cut = random.Next(1, bytes.Length);
            client.SendRaw(bytes.AsSpan(0, cut));
            Interlocked.Add(ref counters.Begun, beginEnds.FindAll(end => end <= cut).Count);
            Interlocked.Increment(ref counters.Disconnects);
            return false;
        }

        Interlocked.Add(ref counters.Begun, count);
        client.SendRaw(bytes);
        foreach (Pending request in requests)
        {
            TestRequestResult result = client.ReadUntilEnd(request.Id);
            Assert.Equal(1, result.EndRequestCount);
            Assert.Equal(FcgiProtocolStatus.RequestComplete, result.ProtocolStatus);
            switch (request.Kind)
            {
                case Kind.Echo:
                {
                    CgiResponse response = result.Parse();
                    Assert.Equal(200, response.Status);
                    Assert.Equal(request.Body.Length.ToString(CultureInfo.InvariantCulture), response.Header("Content-Length"));
                    Assert.True(response.Body.AsSpan().SequenceEqual(request.Body), $"request {request.Id} got another request's body");
                    Interlocked.Add(ref counters.BodyBytes, request.Body.Length);
                    break;
                }

                case Kind.Slow:
                    Assert.Equal("slept 5\n", result.Parse().BodyText);
                    break;
                case Kind.AbortBeforeStdinEnds:
                    Assert.Equal(0, result.Stdout.Length);
                    Interlocked.Increment(ref counters.Aborted);
                    break;
                case Kind.AbortWhileRunning:
                    // The abort may arrive before or after the handler finished: nothing, or the whole answer.
                    Assert.True(result.Stdout.Length == 0 || result.Parse().BodyText == "slept 5\n");
                    break;
            }

            Assert.Equal(0, result.Stderr.Length);
            Interlocked.Increment(ref counters.Answered);
        }

        if (closeAfter && count == 1)
        {
            Assert.True(client.ServerClosed());
        }

        return true;
    }
}
