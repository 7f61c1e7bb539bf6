using System;
using System.Text.Json;
using System.Threading.Tasks;
using FastCgi.Aot.Connections;
using FastCgi.Aot.Hosting;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Connections;

/// <summary>
/// The pool of buffers past 16 KiB. In the hosting collection, which runs alone: some tests read
/// <see cref="LargeBufferPool.Shared"/>, which every server of the process returns buffers to.
/// </summary>
[Collection(HostingCollection.Name)]
public sealed class LargeBufferPoolTests
{
    private const int KiB = 1024;

    [Fact]
    public void ThePoolKeepsNoMoreBytesThanItsBudget()
    {
        var pool = new LargeBufferPool(256 * KiB);

        pool.Return(new byte[128 * KiB]);
        pool.Return(new byte[128 * KiB]);
        pool.Return(new byte[128 * KiB]);

        Assert.Equal(256 * KiB, pool.PooledBytes);
        Assert.Equal(1, pool.Dropped);
    }

    [Fact]
    public void ABufferPastTheBudgetIsLeftToTheGc()
    {
        var pool = new LargeBufferPool(1024 * KiB);
        byte[] large = new byte[2048 * KiB];
        pool.Return(large);

        Assert.Equal(0, pool.PooledBytes);
        Assert.Equal(1, pool.Dropped);
        Assert.NotSame(large, pool.Rent(2048 * KiB));
    }

    [Fact]
    public void ABudgetOfZeroKeepsNothing()
    {
        var pool = new LargeBufferPool(0);

        pool.Return(new byte[64 * KiB]);

        Assert.Equal(0, pool.PooledBytes);
        Assert.Equal(1, pool.Dropped);
    }

    [Theory]
    [InlineData(16 * 1024)]
    [InlineData(40_000)]
    [InlineData(100_000)]
    public void ABufferOfASizeThePoolNeverRentsIsNotKept(int length)
    {
        var pool = new LargeBufferPool(1024 * KiB);

        pool.Return(new byte[length]);

        Assert.Equal(0, pool.PooledBytes);
    }

    [Fact]
    public void RentRoundsUpToAPowerOfTwoAndReusesAKeptBuffer()
    {
        var pool = new LargeBufferPool(1024 * KiB);
        byte[] first = pool.Rent(40_000);
        Assert.Equal(64 * KiB, first.Length);
        pool.Return(first);

        Assert.Same(first, pool.Rent(50_000));
        Assert.Equal(0, pool.PooledBytes);
    }

    [Fact]
    public void TrimLetsGoOfTheBuffersNoRequestUsedForAWholePeriod()
    {
        var pool = new LargeBufferPool(1024 * KiB);
        for (int i = 0; i < 4; i++)
        {
            pool.Return(new byte[64 * KiB]);
        }

        // The period that returned them keeps them; in the next, two are used and two sit idle.
        Assert.Equal(0, pool.Trim());
        byte[] a = pool.Rent(64 * KiB);
        byte[] b = pool.Rent(64 * KiB);
        pool.Return(a);
        pool.Return(b);
        Assert.Equal(128 * KiB, pool.Trim());
        Assert.Equal(128 * KiB, pool.PooledBytes);

        // Idle: the rest go too.
        Assert.Equal(128 * KiB, pool.Trim());
        Assert.Equal(0, pool.PooledBytes);
    }

    [Fact]
    public void TrimLetsGoOfWhatALoweredBudgetNoLongerHolds()
    {
        var pool = new LargeBufferPool(1024 * KiB);
        pool.Return(new byte[512 * KiB]);
        pool.Return(new byte[64 * KiB]);
        pool.Return(new byte[64 * KiB]);

        pool.MaxBytes = 128 * KiB;
        pool.Trim();

        Assert.Equal(128 * KiB, pool.PooledBytes);
    }

    [Fact]
    public void ReleasingARequestContextReturnsItsLargeBuffersToThePool()
    {
        EmptySharedPool();
        var contexts = new RequestContextPool();
        RequestContext context = contexts.Rent();
        context.Response.Start(sink: null, requestId: 1, suppressBody: false, streamThreshold: int.MaxValue);
        context.Response.Write(new byte[100_000]);
        Assert.True(context.Response.Stdout.Capacity > GrowableBuffer.RetainedCapacity);

        contexts.Return(context);

        Assert.True(context.Response.Stdout.Capacity <= GrowableBuffer.RetainedCapacity);
        Assert.Equal(128 * KiB, LargeBufferPool.Shared.PooledBytes);
        Assert.Equal(1, contexts.Count);
    }

    [Fact]
    public async Task TheStatusPageShowsThePooledContextsAndBuffers()
    {
        EmptySharedPool();
        await using TestServer server = TestServer.Start(o =>
        {
            o.StatusPath = "/status";
            o.MaxPooledBufferBytes = 1024 * KiB;
        });
        using RawFcgiClient client = server.Connect();

        // Two requests at once: two contexts, one of them pooled while the status page uses the other.
        byte[] body = new byte[100_000];
        client.SendRequest(1, "GET", "/slow?ms=300");
        client.SendRequest(2, "POST", "/echo", body);
        Assert.Equal(body.Length, client.ReadUntilEnd(2).Parse().Body.Length);
        Assert.Equal("slept 300\n", client.ReadUntilEnd(1).Parse().BodyText);

        // A context (and its buffers) goes back to the pool just after its answer reached the
        // client: wait for both before asking.
        TimeoutRaceTests.AssertQuiet(server);
        CgiResponse response = client.Get("/status?json", id: 3).Parse();

        using JsonDocument json = JsonDocument.Parse(response.Body);
        Assert.InRange(json.RootElement.GetProperty("pooled_request_contexts").GetInt64(), 1, RequestContextPool.MaxRetained);
        LargeBufferPool bodies = server.Instance.Statistics.BodyBuffers!;

        // The body's length was announced: one array of its size, rented once, not doubled towards it.
        Assert.Equal(128 * KiB, bodies.PooledBytes);
        Assert.Equal(bodies.PooledBytes + LargeBufferPool.Shared.PooledBytes, json.RootElement.GetProperty("pooled_buffer_bytes").GetInt64());
        Assert.Equal(bodies.PooledBytes + LargeBufferPool.Shared.PooledBytes, server.Instance.Statistics.PooledBufferBytes);
        Assert.Equal(new FcgiServerOptions().MaxBodyMemoryBytes, bodies.MaxBytes);
        Assert.True(server.Instance.Statistics.PooledRequestContexts >= 1);
        Assert.Equal(1024 * KiB, LargeBufferPool.Shared.MaxBytes);
    }

    [Fact]
    public void TheFlagSetsTheBudgetAndRefusesANegativeOne()
    {
        var options = new FcgiServerOptions();
        Assert.Equal(4 * 1024 * KiB, options.MaxPooledBufferBytes);

        Assert.True(FcgiCommandLine.TryParse(["--max-pooled-buffer-bytes", "0"], _ => null, options));
        Assert.Equal(0, options.MaxPooledBufferBytes);

        FcgiStartupException exception = Assert.Throws<FcgiStartupException>(
            () => FcgiCommandLine.TryParse(["--max-pooled-buffer-bytes", "-1"], _ => null, new FcgiServerOptions()));
        Assert.Equal(2, exception.ExitCode);
        Assert.Throws<ArgumentOutOfRangeException>(() => new FcgiServerOptions { MaxPooledBufferBytes = -1 }.Validate());
    }

    /// <summary>Lets go of every buffer the shared pool holds, keeping its budget.</summary>
    private static void EmptySharedPool()
    {
        long budget = LargeBufferPool.Shared.MaxBytes;
        LargeBufferPool.Shared.MaxBytes = 0;
        LargeBufferPool.Shared.Trim();
        LargeBufferPool.Shared.MaxBytes = budget;
    }
}
