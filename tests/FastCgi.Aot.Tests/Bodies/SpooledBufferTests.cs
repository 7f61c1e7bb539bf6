using System;
using System.IO;
using System.Threading.Tasks;
using FastCgi.Aot.Internal;
using FastCgi.Aot.Tests.Hosting;

namespace FastCgi.Aot.Tests.Bodies;

/// <summary>
/// A body whose length the web server announced (CONTENT_LENGTH) is placed once: in memory, in
/// one array of its size taken from the body pool, or in a file from its first byte.
/// </summary>
public sealed class SpooledBufferTests
{
    private const int KiB = 1024;

    private static (SpoolSettings Settings, SpoolBudget Memory, LargeBufferPool Pool) Settings(long threshold = 1024 * KiB, long memory = 8 * 1024 * KiB)
    {
        var budget = new SpoolBudget(memory);
        var pool = new LargeBufferPool(memory);
        return (new SpoolSettings(TestServer.NewTempDirectory(), threshold, new SpoolBudget(long.MaxValue), budget, pool), budget, pool);
    }

    [Fact]
    public void AnAnnouncedBodyTakesItsShareOfTheMemoryBudgetAtOnceAndOneArrayOfItsSize()
    {
        (SpoolSettings settings, SpoolBudget memory, LargeBufferPool pool) = Settings();
        var buffer = new SpooledBuffer();

        buffer.Begin(settings, expectedLength: 100_000);
        Assert.Equal(100_000, memory.SpooledBytes);

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(SpoolStatus.Ok, buffer.Append(new byte[1000]));
        }

        Assert.False(buffer.IsSpooled);
        Assert.Equal(100_000, buffer.Memory.Length);
        buffer.Reset();

        // One 128 KiB array went back; growing by doubling would have rented and returned 32, 64 and 128 KiB.
        Assert.Equal(128 * KiB, pool.PooledBytes);
        Assert.Equal(0, memory.SpooledBytes);
    }

    [Fact]
    public void AnUnannouncedBodyGrowsAndTakesTheBudgetAsItArrives()
    {
        (SpoolSettings settings, SpoolBudget memory, _) = Settings();
        var buffer = new SpooledBuffer();

        buffer.Begin(settings);
        Assert.Equal(0, memory.SpooledBytes);
        buffer.Append(new byte[5000]);
        Assert.Equal(5000, memory.SpooledBytes);
        buffer.Append(new byte[5000]);

        Assert.Equal(10_000, memory.SpooledBytes);
        Assert.Equal(10_000, buffer.Memory.Length);
    }

    [Fact]
    public void ABodyAnnouncedPastTheThresholdGoesToAFileFromItsFirstByte()
    {
        (SpoolSettings settings, SpoolBudget memory, _) = Settings(threshold: 64 * KiB);
        var buffer = new SpooledBuffer();

        buffer.Begin(settings, expectedLength: 65 * KiB);
        Assert.Equal(SpoolStatus.Ok, buffer.Append(new byte[10]));

        Assert.True(buffer.IsSpooled);
        Assert.Equal(0, memory.SpooledBytes);
        Assert.Equal(10, settings.Budget.SpooledBytes);
    }

    [Fact]
    public void ABodyAnnouncedWhileTheMemoryBudgetIsTakenGoesToAFile()
    {
        (SpoolSettings settings, SpoolBudget memory, _) = Settings(memory: 100 * KiB);
        var first = new SpooledBuffer();
        var second = new SpooledBuffer();

        first.Begin(settings, expectedLength: 80 * KiB);
        second.Begin(settings, expectedLength: 30 * KiB);
        second.Append(new byte[10]);

        Assert.True(second.IsSpooled);
        Assert.Equal(80 * KiB, memory.SpooledBytes);

        // The first body gives its share back when it ends, even if it never came.
        first.Reset();
        Assert.Equal(0, memory.SpooledBytes);
    }

    [Fact]
    public void ABodyLongerThanAnnouncedTakesMoreOfTheBudgetOrGoesToAFile()
    {
        (SpoolSettings settings, SpoolBudget memory, _) = Settings(threshold: 64 * KiB);
        var buffer = new SpooledBuffer();
        byte[] body = new byte[70 * KiB];
        new Random(7).NextBytes(body);

        buffer.Begin(settings, expectedLength: 10 * KiB);
        buffer.Append(body.AsSpan(0, 10 * KiB));
        buffer.Append(body.AsSpan(10 * KiB, 20 * KiB));
        Assert.False(buffer.IsSpooled);
        Assert.Equal(30 * KiB, memory.SpooledBytes);

        // Past the threshold: the bytes so far and the rest go to the file, and the memory budget is given back.
        buffer.Append(body.AsSpan(30 * KiB));
        buffer.Flush();
        Assert.True(buffer.IsSpooled);
        Assert.Equal(0, memory.SpooledBytes);
        using Stream stream = buffer.OpenStream();
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        Assert.Equal(body, copy.ToArray());
    }

    [Fact]
    public void TheWriteBufferOfASpooledBodyIsOneArrayReusedPieceAfterPieceAndNotABodysBuffer()
    {
        (SpoolSettings settings, _, LargeBufferPool pool) = Settings(threshold: 0);
        var buffer = new SpooledBuffer();

        buffer.Begin(settings, expectedLength: 1024 * KiB);
        for (int i = 0; i < 64; i++)
        {
            if (buffer.Append(new byte[16 * KiB]) == SpoolStatus.FlushNeeded)
            {
                buffer.Flush();
            }

            // Taken whole with the first bytes (a piece and one more record), never grown.
            Assert.Equal(128 * KiB, buffer.BufferCapacity);
        }

        buffer.Flush();
        Assert.True(buffer.IsSpooled);
        Assert.Equal(1024 * KiB, buffer.Length);
        buffer.Reset();

        // It went back to the process's pool: the bodies' pool keeps the buffers of bodies in memory.
        Assert.Equal(0, pool.PooledBytes);
        Assert.Equal(0, pool.Dropped);
    }

    [Fact]
    public async Task ASpooledBodyReadsBackWholeThroughTheReadAheadInSmallAndLargeReadsAndAfterSeeks()
    {
        (SpoolSettings settings, _, _) = Settings(threshold: 0);
        var buffer = new SpooledBuffer();
        byte[] body = new byte[300_001];
        new Random(3).NextBytes(body);
        buffer.Begin(settings, expectedLength: body.Length);
        for (int offset = 0; offset < body.Length; offset += 32 * KiB)
        {
            if (buffer.Append(body.AsSpan(offset, Math.Min(32 * KiB, body.Length - offset))) == SpoolStatus.FlushNeeded)
            {
                buffer.Flush();
            }
        }

        buffer.Flush();
        await using Stream stream = buffer.OpenStream();
        byte[] copy = new byte[body.Length];
        int position = 0;
        int[] sizes = [7000, 1, 100_000, 16 * KiB, 64 * KiB, 3];
        for (int i = 0; position < body.Length; i++)
        {
            int read = await stream.ReadAsync(copy.AsMemory(position, Math.Min(sizes[i % sizes.Length], body.Length - position)));
            Assert.True(read > 0);
            position += read;
        }

        Assert.Equal(0, await stream.ReadAsync(new byte[10]));
        Assert.Equal(body, copy);

        // Back into the bytes read ahead, and before them.
        foreach (long target in new long[] { body.Length - 10, 5, 200_000 })
        {
            stream.Position = target;
            byte[] piece = new byte[10];
            Assert.Equal(10, await stream.ReadAsync(piece));
            Assert.Equal(body.AsSpan((int)target, 10).ToArray(), piece);
        }
    }
}
