using System;
using System.IO;
using System.Threading.Tasks;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Protocol;
using Xunit.Abstractions;

namespace FastCgi.Aot.Tests.Hosting;

/// <summary>
/// Steady-state keep-alive requests allocate nothing: 100,000 requests to /hello and /add through
/// a real Unix socket, counted by <see cref="GC.GetTotalAllocatedBytes(bool)"/> over the whole
/// process (server threads and this client), after a warm-up, and by what the thread serving the
/// connection allocated.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class AllocationTests(ITestOutputHelper output)
{
    private const int WarmUpRequests = 2_000;
    private const int MinWarmUpWindows = 10;
    private const int MaxWarmUpWindows = 50;
    private const int Requests = 100_000;

    // The bound: less than one byte per request on average. A per-request object of any
    // kind (string, task, array, boxed value) would cost at least 24 bytes each time.
    private const double MaxBytesPerRequest = 1;

    /// <summary>Sends one keep-alive request and reads to its END_REQUEST without allocating; returns the STDOUT bytes seen.</summary>
    private static int RoundTrip(RawFcgiClient client, byte[] request, byte[] buffer)
    {
        client.SendRaw(request);
        var reader = new FcgiRecordReader();
        int stdout = 0;
        while (true)
        {
            int received = client.Socket.Receive(buffer);
            if (received == 0)
            {
                throw new InvalidOperationException("the server closed the connection");
            }

            int offset = 0;
            while (offset < received)
            {
                FcgiReadStatus status = reader.Read(buffer.AsSpan(offset, received - offset), out int consumed, out FcgiRecordFragment fragment);
                offset += consumed;
                if (status == FcgiReadStatus.NeedMoreData)
                {
                    break;
                }

                if (fragment.Header.Type == FcgiRecordType.Stdout)
                {
                    stdout += fragment.Content.Length;
                }
                else if (fragment.Header.Type == FcgiRecordType.EndRequest && fragment.IsRecordEnd)
                {
                    // No Assert here: it may allocate, and this loop is measured.
                    return stdout;
                }
            }
        }
    }

    /// <summary>
    /// What the rest of the process allocates per millisecond while no request runs, measured over
    /// a second (the host timers tick once a second): waits up to 10 s for it to be zero.
    /// </summary>
    private static double MeasureBackground(ITestOutputHelper output)
    {
        double perMillisecond = 0;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            long start = GC.GetTotalAllocatedBytes(precise: true);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            System.Threading.Thread.Sleep(1000);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - start;
            perMillisecond = allocated / clock.Elapsed.TotalMilliseconds;
            if (allocated == 0)
            {
                break;
            }

            output.WriteLine($"background: the idle process allocated {allocated} bytes in {clock.ElapsedMilliseconds} ms");
        }

        return perMillisecond;
    }

    /// <summary>Asks the server for the thread that serves this connection and what that thread has allocated so far.</summary>
    private static (int Thread, long Bytes) ThreadAllocated(RawFcgiClient client)
    {
        client.Results.Clear();
        string[] fields = client.Get("/thread-allocated").Parse().BodyText.Split(' ');
        client.Results.Clear();
        return (int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static byte[] EncodeRequest(string uri)
    {
        var stream = new MemoryStream();
        stream.Write(RawFcgiClient.BeginRequestRecord(1));
        stream.Write(RawFcgiClient.StreamRecords(FcgiRecordType.Params, 1, RawFcgiClient.EncodePairs(RawFcgiClient.ParamsFor("GET", uri))));
        stream.Write(RawFcgiClient.StreamRecords(FcgiRecordType.Stdin, 1, default));
        return stream.ToArray();
    }

    [Fact]
    public async Task KeepAliveRequestsToHelloAndAddAllocateLessThanOneBytePerRequest()
    {
        string directory = TestServer.NewTempDirectory();
        var options = new FcgiServerOptions
        {
            UnixSocketPath = Path.Combine(directory, "app.sock"),
            Log = TextWriter.Null,
            ShutdownTimeout = TimeSpan.FromSeconds(5),

            // The default on Linux, named because the per-thread count below relies on it.
            IoEngine = FcgiIoEngine.Epoll,
        };
        FcgiServerInstance server = FcgiServer.Start<AllocationTestApplication>(options);
        try
        {
            // The answers are right before anything is counted (a test client collects a
            // request id's output across requests, so one client per check).
            using (RawFcgiClient check = RawFcgiClient.Connect(options.UnixSocketPath))
            {
                CgiResponse hello = check.Get("/hello").Parse();
                Assert.Equal(200, hello.Status);
                Assert.Equal("Hello, World!", hello.BodyText);
            }

            using (RawFcgiClient check = RawFcgiClient.Connect(options.UnixSocketPath))
            {
                CgiResponse add = check.Get("/add?a=1&b=2").Parse();
                Assert.Equal(200, add.Status);
                Assert.Equal("3", add.BodyText);
            }

            using RawFcgiClient client = RawFcgiClient.Connect(options.UnixSocketPath);

            byte[] helloRequest = EncodeRequest("/hello");
            byte[] addRequest = EncodeRequest("/add?a=1&b=2");
            byte[] buffer = new byte[64 * 1024];
            int helloLength = RoundTrip(client, helloRequest, buffer);
            int addLength = RoundTrip(client, addRequest, buffer);
            // Warm up until a window of requests allocates (next to) nothing: the first requests
            // fill pools and caches, and when this test runs after others their servers' last
            // work (closing connections, cancelled timers) still allocates for a moment.
            for (int window = 0; window < MaxWarmUpWindows; window++)
            {
                long start = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = 0; i < WarmUpRequests; i++)
                {
                    RoundTrip(client, (i & 1) == 0 ? helloRequest : addRequest, buffer);
                }

                // At least 20,000 requests: the JIT's tiering (call counting, tier-1 and OSR
                // compiles, all allocating a little) settles only after a method runs hot for a while.
                if (window >= MinWarmUpWindows && GC.GetTotalAllocatedBytes(precise: true) - start < WarmUpRequests / 10)
                {
                    break;
                }
            }

            // The count is process-wide, and this test shares its process with the test runner
            // and with what earlier tests left behind: what the idle process allocates at the
            // same time is not the server's, so its rate is measured first and taken off.
            double background = MeasureBackground(output);
            (int threadBefore, long threadBytesBefore) = ThreadAllocated(client);
            long mismatches = 0;
            var elapsed = System.Diagnostics.Stopwatch.StartNew();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < Requests; i++)
            {
                bool isHello = (i & 1) == 0;
                int length = RoundTrip(client, isHello ? helloRequest : addRequest, buffer);
                mismatches += length == (isHello ? helloLength : addLength) ? 0 : 1;
            }

            long after = GC.GetTotalAllocatedBytes(precise: true);
            (int threadAfter, long threadBytesAfter) = ThreadAllocated(client);
            double backgroundBytes = background * elapsed.Elapsed.TotalMilliseconds;
            double perRequest = Math.Max(0, after - before - backgroundBytes) / Requests;
            string report = $"{perRequest:0.000} bytes per keep-alive request: {after - before} bytes over {Requests} requests (/hello and /add alternating) in {elapsed.ElapsedMilliseconds} ms, less {backgroundBytes:0} for the idle process's own rate";
            output.WriteLine(report);
            Assert.Equal(0, mismatches);
            Assert.True(perRequest < MaxBytesPerRequest, report);

            // The same count without the rest of the process: the epoll engine reads, dispatches,
            // answers and waits for the next request on one thread per connection, so what that
            // thread allocated over the run is the server's alone, with nothing taken off.
            Assert.Equal(threadBefore, threadAfter);
            double threadPerRequest = (double)(threadBytesAfter - threadBytesBefore) / Requests;
            string threadReport = $"{threadPerRequest:0.000} bytes per request on the connection's engine thread: {threadBytesAfter - threadBytesBefore} bytes over {Requests} requests";
            output.WriteLine(threadReport);
            Assert.True(threadPerRequest < MaxBytesPerRequest, threadReport);
        }
        finally
        {
            await server.StopAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
