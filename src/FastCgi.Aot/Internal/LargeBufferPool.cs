using System;
using System.Collections.Generic;
using System.Numerics;
using System.Threading;

namespace FastCgi.Aot.Internal;

/// <summary>
/// The arrays larger than <see cref="GrowableBuffer.RetainedCapacity"/> that request bodies and
/// responses grow into, kept for reuse within a budget in bytes (<c>--max-pooled-buffer-bytes</c>):
/// an array returned past the budget goes to the GC, and arrays no request needed for a whole
/// trim period (30 s, the host's timer) are let go, so an idle server holds none.
/// </summary>
/// <remarks>
/// <para>These arrays went to <see cref="System.Buffers.ArrayPool{T}.Shared"/> before, which keeps
/// up to 32 arrays per size per core, plus one per size per thread, trims them only after a gen2
/// collection and a minute without use, and has no bound in bytes: under a steady mix of large
/// bodies each new peak of large requests at once left its arrays there for good, and the
/// process's memory climbed for minutes (docs/reliability.md, "Memory over time").</para>
/// <para>Sizes are powers of two from 32 KiB (what <see cref="GrowableBuffer"/> grows to by
/// doubling); an array of another size is never kept. Rent and return take a lock: they happen
/// once per large body or response, next to a copy of tens of kilobytes at least.</para>
/// </remarks>
internal sealed class LargeBufferPool
{
    /// <summary>The smallest size kept: twice what a pooled request keeps for itself.</summary>
    public const int MinimumLength = GrowableBuffer.RetainedCapacity * 2;

    // 32 KiB << 15 = 1 GiB, the largest power of two an array may have.
    private const int BucketCount = 16;

    private readonly Stack<byte[]>[] _buckets = new Stack<byte[]>[BucketCount];

    // Per bucket, the fewest arrays it held since the last trim: arrays that nobody needed.
    private readonly int[] _idle = new int[BucketCount];
    private readonly object _lock = new();
    private long _maxBytes;
    private long _pooledBytes;
    private long _dropped;

    public LargeBufferPool(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        _maxBytes = maxBytes;
        for (int i = 0; i < BucketCount; i++)
        {
            _buckets[i] = new Stack<byte[]>();
        }
    }

    /// <summary>
    /// The pool of the process, as the arrays it keeps belong to no one server; its budget is the
    /// one the last server started gave (<see cref="Hosting.FcgiServerOptions.MaxPooledBufferBytes"/>).
    /// </summary>
    public static LargeBufferPool Shared { get; } = new(Hosting.FcgiServerOptions.DefaultMaxPooledBufferBytes);

    /// <summary>The most bytes the pool keeps; lowering it lets go of arrays at the next trim.</summary>
    public long MaxBytes
    {
        get => Volatile.Read(ref _maxBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _maxBytes, value);
        }
    }

    /// <summary>The bytes of the arrays kept now.</summary>
    public long PooledBytes => Volatile.Read(ref _pooledBytes);

    /// <summary>Arrays returned past the budget (or of a size never kept) and left to the GC, since start.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>An array of at least <paramref name="minimumLength"/> bytes: a kept one, or a new one.</summary>
    public byte[] Rent(int minimumLength)
    {
        int index = BucketFor(minimumLength, out int length);
        if (index < 0)
        {
            return GC.AllocateUninitializedArray<byte>(minimumLength);
        }

        lock (_lock)
        {
            Stack<byte[]> bucket = _buckets[index];
            if (bucket.TryPop(out byte[]? array))
            {
                _pooledBytes -= array.Length;
                if (bucket.Count < _idle[index])
                {
                    _idle[index] = bucket.Count;
                }

                return array;
            }
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Keeps <paramref name="array"/> for the next <see cref="Rent"/> if the budget has room; else the GC takes it.</summary>
    public void Return(byte[] array)
    {
        int index = array.Length >= MinimumLength && BitOperations.IsPow2(array.Length) ? BucketFor(array.Length, out _) : -1;
        if (index >= 0)
        {
            lock (_lock)
            {
                if (_pooledBytes + array.Length <= Volatile.Read(ref _maxBytes))
                {
                    _buckets[index].Push(array);
                    _pooledBytes += array.Length;
                    return;
                }
            }
        }

        Interlocked.Increment(ref _dropped);
    }

    /// <summary>
    /// Lets go of the arrays that no request needed since the previous trim (all of them, once the
    /// server is idle), and of any past a budget lowered meanwhile. Called by the host's timer.
    /// </summary>
    /// <returns>The bytes let go.</returns>
    public long Trim()
    {
        long released = 0;
        lock (_lock)
        {
            for (int i = 0; i < BucketCount; i++)
            {
                Stack<byte[]> bucket = _buckets[i];
                for (int n = Math.Min(_idle[i], bucket.Count); n > 0; n--)
                {
                    released += bucket.Pop().Length;
                }
            }

            // Over budget (lowered since): the largest arrays go first.
            for (int i = BucketCount - 1; i >= 0 && _pooledBytes - released > _maxBytes; i--)
            {
                Stack<byte[]> bucket = _buckets[i];
                while (bucket.Count > 0 && _pooledBytes - released > _maxBytes)
                {
                    released += bucket.Pop().Length;
                }
            }

            _pooledBytes -= released;
            for (int i = 0; i < BucketCount; i++)
            {
                _idle[i] = _buckets[i].Count;
            }
        }

        return released;
    }

    /// <summary>The bucket of arrays of <paramref name="minimumLength"/> bytes rounded up to a power of two (at least 32 KiB), or -1 past 1 GiB.</summary>
    private static int BucketFor(int minimumLength, out int length)
    {
        length = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Math.Max(minimumLength, MinimumLength)), int.MaxValue);
        int index = BitOperations.Log2((uint)length) - BitOperations.Log2(MinimumLength);
        return index < BucketCount && BitOperations.IsPow2(length) ? index : -1;
    }
}
