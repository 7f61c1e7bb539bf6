using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Connections;

/// <summary>Handlers marked <c>Blocking = true</c> run on worker threads, bounded, under every limit.</summary>
public sealed class BlockingHandlerTests
{
    [Fact]
    public async Task BlockingHandlersWaitingOnAGateDoNotHoldUpOtherRequests()
    {
        // Cause and effect, no timing: four blocking handlers wait on a gate that opens only
        // after forty other requests were answered. Were they on the I/O threads (one per core),
        // those forty could not be served and the gate would never open.
        await using TestServer server = TestServer.Start<LifecycleApplication>(o => o.BlockingThreads = 8);
        var blocked = new List<RawFcgiClient>();
        for (int i = 0; i < 4; i++)
        {
            RawFcgiClient client = server.Connect();
            client.SendRequest(1, "GET", "/blocking/gate?key=isolation");
            blocked.Add(client);
        }

        LifecycleApplication.Gate gate = LifecycleApplication.GateFor("isolation");
        for (int i = 0; i < 200 && gate.Entered < 4; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(4, gate.Entered);
        using (RawFcgiClient other = server.Connect())
        {
            for (int i = 0; i < 40; i++)
            {
                Assert.Equal($"hello other{i}\n", other.Get($"/hello?key=other{i}").Parse().BodyText);
            }
        }

        gate.Open.Set();
        foreach (RawFcgiClient client in blocked)
        {
            CgiResponse response = client.ReadUntilEnd(1).Parse();
            Assert.Equal(200, response.Status);
            Assert.StartsWith("fcgi-blocking-", response.BodyText, StringComparison.Ordinal);
            client.Dispose();
        }

        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task WhenEveryWorkerIsBusyAndTheQueueIsFullTheAnswerIs503WithRetryAfter()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>(o =>
        {
            o.BlockingThreads = 1;
            o.BlockingQueueLength = 1;
        });
        using RawFcgiClient running = server.Connect();
        running.SendRequest(1, "GET", "/blocking/gate?key=full");
        LifecycleApplication.Gate gate = LifecycleApplication.GateFor("full");
        for (int i = 0; i < 200 && gate.Entered < 1; i++)
        {
            await Task.Delay(10);
        }

        using RawFcgiClient queued = server.Connect();
        queued.SendRequest(1, "GET", "/blocking/hello?key=full-queued");
        for (int i = 0; i < 500 && server.Instance.Statistics.BlockingQueued < 1; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, server.Instance.Statistics.BlockingQueued);
        using RawFcgiClient refused = server.Connect();
        CgiResponse response = refused.Get("/blocking/hello?key=full-refused").Parse();

        Assert.Equal(503, response.Status);
        Assert.Equal("1", response.Header("Retry-After"));
        Assert.Equal(1, server.Instance.Statistics.BlockingRejected);
        gate.Open.Set();
        Assert.Equal(200, running.ReadUntilEnd(1).Parse().Status);
        Assert.Equal("hello full-queued\n", queued.ReadUntilEnd(1).Parse().BodyText);
        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task TimeInTheQueueCountsTowardTheRequestTimeoutAndAnEndedRequestNeverRuns()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>(o =>
        {
            o.BlockingThreads = 1;
            o.RequestTimeout = TimeSpan.FromSeconds(1);
        });
        using RawFcgiClient running = server.Connect();
        running.SendRequest(1, "GET", "/blocking/gate?key=queue-time");
        LifecycleApplication.Gate gate = LifecycleApplication.GateFor("queue-time");
        for (int i = 0; i < 200 && gate.Entered < 1; i++)
        {
            await Task.Delay(10);
        }

        using RawFcgiClient queued = server.Connect();
        CgiResponse response = queued.Get("/blocking/gate?key=queue-time-2").Parse();
        Assert.Equal(504, response.Status);

        gate.Open.Set();
        Assert.Equal(504, running.ReadUntilEnd(1).Parse().Status);
        await Task.Delay(200);
        Assert.Equal(0, LifecycleApplication.GateFor("queue-time-2").Entered);
        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task ABlockingHandlerWritingSynchronouslyWaitsForTheSocketInsteadOfFillingTheBuffer()
    {
        // 4 MiB written with synchronous Write against a 256 KiB response buffer: an I/O-thread
        // handler would be refused past the buffer; a worker waits for room instead.
        await using TestServer server = TestServer.Start<LifecycleApplication>(o => o.MaxResponseBufferBytes = 256 * 1024);
        using RawFcgiClient client = server.Connect();

        TestRequestResult result = client.Get("/blocking/write-sync?bytes=4194304&key=backpressure");
        CgiResponse response = result.Parse();

        Assert.Equal(200, response.Status);
        Assert.True(response.Body.AsSpan().SequenceEqual(LifecycleApplication.Pattern(4 * 1024 * 1024)));
        TimeoutRaceTests.AssertQuiet(server);
    }

    [Fact]
    public async Task TheWatchdogNamesAHandlerThatHoldsAnIoThreadOncePerRequest()
    {
        await using TestServer server = TestServer.Start<LifecycleApplication>(o => o.IoStallWarning = TimeSpan.FromMilliseconds(100));
        using RawFcgiClient client = server.Connect();

        Assert.Equal(200, client.Get("/inline/sleep?ms=600&key=stall").Parse().Status);
        Assert.Equal(200, client.Get("/blocking/sleep?ms=600&key=no-stall").Parse().Status);

        string[] lines = server.Log.Split('\n').Where(l => l.Contains("has held an I/O thread", StringComparison.Ordinal)).ToArray();
        string line = Assert.Single(lines);
        Assert.Contains(LifecycleApplication.Inline.DisplayName, line, StringComparison.Ordinal);
        Assert.Contains("Blocking = true", line, StringComparison.Ordinal);
        Assert.Equal(1, server.Instance.Statistics.IoStalls);
    }
}
