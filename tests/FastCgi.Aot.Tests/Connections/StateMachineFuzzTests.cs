using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FastCgi.Aot.Protocol;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Connections;

/// <summary>
/// Seeded random interleavings of everything that ends a request: handlers completing inline,
/// asynchronously and on worker threads, throwing before and after their output started,
/// blocking past the timeout and writing after it, aborts during the input and while running,
/// and connections closed at any byte. Whatever happens: at most one END_REQUEST per request,
/// no record for id 0, no output after a request ended, no byte of one request in another's
/// answer, and once quiet every request context back in the pool exactly once.
/// </summary>
public sealed class StateMachineFuzzTests
{
    private const int Clients = 4;
    private static readonly int s_seconds = 8;

    private enum Kind
    {
        Hello,
        Async,
        BlockingHello,
        Fail,
        FailAfterStart,
        BlockingFailAfterStart,
        SleepPastTimeout,
        BlockingSleepPastTimeout,
        AbortWhileRunning,
        AbortDuringInput,
    }

    [Fact]
    public async Task EveryInterleavingEndsEachRequestOnceWithItsOwnAnswer()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.BlockingThreads = 3;
            o.BlockingQueueLength = 6;
            o.IoStallWarning = null;
            o.Verbose = false;
        });
        var failures = new List<Exception>();
        long deadline = Environment.TickCount64 + (s_seconds * 1000L);
        int batches = 0;
        var threads = new Thread[Clients];
        for (int i = 0; i < Clients; i++)
        {
            int seed = 7100 + i;
            threads[i] = new Thread(() =>
            {
                var random = new Random(seed);
                int serial = 0;
                try
                {
                    while (Environment.TickCount64 < deadline)
                    {
                        RunBatch(server, random, seed, ref serial);
                        Interlocked.Increment(ref batches);
                    }
                }
                catch (Exception exception)
                {
                    lock (failures)
                    {
                        failures.Add(new InvalidOperationException($"client with seed {seed} failed at request {serial}", exception));
                    }
                }
            });
            threads[i].Start();
        }

        // Wait without holding a thread-pool thread: the server's continuations need them.
        await Task.Run(() =>
        {
            foreach (Thread thread in threads)
            {
                thread.Join();
            }
        });

        if (failures.Count > 0)
        {
            throw new AggregateException(failures);
        }

        Assert.True(batches > 20, $"only {batches} batches ran");

        // Handlers sleeping past the timeout return a little after their request ended.
        await Task.Delay(1500);
        TimeoutRaceTests.AssertQuiet(server);
        using RawFcgiClient fresh = server.Connect();
        Assert.Equal("hello last\n", fresh.Get("/hello?key=last").Parse().BodyText);
    }

    private static void RunBatch(TestServer server, Random random, int seed, ref int serial)
    {
        using RawFcgiClient client = server.Connect();
        int count = random.Next(1, 5);
        var kinds = new Dictionary<ushort, (Kind Kind, string Key)>();
        var wire = new MemoryStream();
        for (ushort id = 1; id <= count; id++)
        {
            Kind kind = (Kind)random.Next(Enum.GetValues<Kind>().Length);
            string key = string.Create(CultureInfo.InvariantCulture, $"f{seed}x{serial++}");
            kinds[id] = (kind, key);
            wire.Write(RawFcgiClient.BeginRequestRecord(id));
            (string method, string uri) = kind switch
            {
                Kind.Hello => ("GET", "/hello"),
                Kind.Async => ("GET", "/async/echo"),
                Kind.BlockingHello => ("GET", "/blocking/hello"),
                Kind.Fail => ("GET", "/inline/fail"),
                Kind.FailAfterStart => ("GET", "/inline/fail-after-start?bytes=70000"),
                Kind.BlockingFailAfterStart => ("GET", "/blocking/fail-after-start?bytes=70000"),
                Kind.SleepPastTimeout => ("GET", "/inline/write-after-timeout?ms=1200"),
                Kind.BlockingSleepPastTimeout => ("GET", "/blocking/sleep?ms=1200"),
                Kind.AbortWhileRunning => ("GET", "/blocking/sleep?ms=100"),
                _ => ("POST", "/limited"),
            };
            uri += (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "key=" + key;
            wire.Write(RawFcgiClient.StreamRecords(FcgiRecordType.Params, id, RawFcgiClient.EncodePairs(RawFcgiClient.ParamsFor(method, uri))));
            if (kind == Kind.AbortDuringInput)
            {
                wire.Write(RawFcgiClient.Record(FcgiRecordType.Stdin, id, "12345"u8));
                wire.Write(RawFcgiClient.Record(FcgiRecordType.AbortRequest, id, default));
                continue;
            }

            wire.Write(RawFcgiClient.Record(FcgiRecordType.Stdin, id, default));
            if (kind == Kind.AbortWhileRunning)
            {
                wire.Write(RawFcgiClient.Record(FcgiRecordType.AbortRequest, id, default));
            }
        }

        byte[] bytes = wire.ToArray();
        if (random.Next(8) == 0)
        {
            // Go away at a random byte: every request on the connection ends with it.
            client.SendRaw(bytes.AsSpan(0, random.Next(1, bytes.Length)));
            return;
        }

        client.SendRaw(bytes);

        // Read until every request ended or the server closed the connection.
        bool closed = false;
        while (!closed && kinds.Keys.Any(id => !client.Result(id).Ended))
        {
            closed = client.ReadRecord() is null;
        }

        foreach ((ushort id, (Kind kind, string key)) in kinds)
        {
            TestRequestResult result = client.Result(id);
            try
            {
                if (!result.Ended)
                {
                    // Only a request whose handler failed after its output started goes without
                    // END_REQUEST, and its connection then closes (after the others were answered).
                    Assert.True(kind is Kind.FailAfterStart or Kind.BlockingFailAfterStart, "a request that was not cut off must get END_REQUEST");
                    Assert.True(closed, "a connection with a request cut off closes");
                    AssertOwn(key, result);
                    continue;
                }

                Check(kind, key, result);
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException($"request {id} ({kind}, {key}) of a batch of {kinds.Count}: {string.Join(", ", kinds.Values)}", exception);
            }
        }

        Assert.Empty(client.ManagementRecords);
    }

    private static void Check(Kind kind, string key, TestRequestResult result)
    {
        Assert.Equal(1, result.EndRequestCount);
        if (result.ProtocolStatus == FcgiProtocolStatus.Overloaded)
        {
            // Refused: its BEGIN_REQUEST reached a connection draining after a request was cut off.
            Assert.Equal(0, result.Stdout.Length);
            return;
        }

        Assert.Equal(FcgiProtocolStatus.RequestComplete, result.ProtocolStatus);
        AssertOwn(key, result);
        if (kind is Kind.AbortDuringInput || (kind is Kind.AbortWhileRunning && result.Stdout.Length == 0))
        {
            Assert.Equal(0, result.Stdout.Length);
            return;
        }

        CgiResponse response = result.Parse();
        switch (response.Status)
        {
            case 504:
                // Any request may run out of time on a loaded machine; those that sleep past it must.
                Assert.Equal("Gateway Timeout\n", response.BodyText);
                return;
            case 503 when kind is Kind.BlockingHello or Kind.BlockingSleepPastTimeout or Kind.BlockingFailAfterStart or Kind.AbortWhileRunning:
                Assert.StartsWith("Service Unavailable", response.BodyText, StringComparison.Ordinal);
                return;
        }

        Assert.False(kind is Kind.SleepPastTimeout or Kind.BlockingSleepPastTimeout, $"a handler sleeping past the timeout was answered {response.Status}");
        int expected = kind == Kind.Fail ? 500 : 200;
        Assert.Equal(expected, response.Status);
        string? want = kind switch
        {
            Kind.Hello or Kind.BlockingHello => $"hello {key}\n",
            Kind.Async => $"async {key}\n",
            Kind.AbortWhileRunning => $"slept {key}\n",
            _ => null,
        };
        if (want is not null)
        {
            Assert.Equal(want, response.BodyText);
        }
    }

    /// <summary>No byte of another request's answer: every key that appears is this request's own.</summary>
    private static void AssertOwn(string key, TestRequestResult result)
    {
        string text = Encoding.Latin1.GetString(result.Stdout.ToArray());
        int at = 0;
        while ((at = text.IndexOf(" f7", at, StringComparison.Ordinal)) >= 0)
        {
            int end = text.IndexOf('\n', at);
            string seen = text.Substring(at + 1, (end < 0 ? text.Length : end) - at - 1);
            Assert.Equal(key, seen);
            at++;
        }
    }
}
