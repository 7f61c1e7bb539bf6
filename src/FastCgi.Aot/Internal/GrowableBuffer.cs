using System;
using System.Buffers;

namespace FastCgi.Aot.Internal;

/// <summary>
/// A byte buffer that grows by doubling up to a caller's limit: up to <see cref="RetainedCapacity"/>
/// in arrays of <see cref="ArrayPool{T}.Shared"/>, past it in arrays of
/// a <see cref="LargeBufferPool"/> (<see cref="Pool"/>), whose bytes are bounded. A pooled request keeps a small
/// buffer between requests, so steady-state requests rent nothing; a buffer that grew past
/// <see cref="RetainedCapacity"/> goes back when the request ends, so one large request does not
/// pin memory for ever.
/// </summary>
internal struct GrowableBuffer
{
    public const int RetainedCapacity = 16 * 1024;

    private byte[] _array;
    private int _length;
    private LargeBufferPool? _pool;

    public GrowableBuffer()
    {
        _array = [];
        _length = 0;
    }

    public readonly int Length => _length;

    /// <summary>
    /// Where arrays past <see cref="RetainedCapacity"/> come from and go back to; null for
    /// <see cref="LargeBufferPool.Shared"/>. Request bodies use the pool bounded by their own
    /// memory budget, so that the arrays of the bodies that budget allows at once are reused.
    /// </summary>
    public LargeBufferPool? Pool
    {
        readonly get => _pool;
        set => _pool = value;
    }

    public readonly ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    public readonly ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _length);

    /// <summary>The written bytes, writable in place (to fill a slot reserved earlier).</summary>
    public readonly Span<byte> WrittenSpanForUpdate => _array.AsSpan(0, _length);

    /// <summary>The allocated capacity: what the buffer holds on to.</summary>
    public readonly int Capacity => _array.Length;

    /// <summary>Appends <paramref name="data"/>; false, appending nothing, when the total would pass <paramref name="limit"/>.</summary>
    public bool TryAppend(ReadOnlySpan<byte> data, int limit)
    {
        if ((long)_length + data.Length > limit)
        {
            return false;
        }

        EnsureCapacity(_length + data.Length);
        data.CopyTo(_array.AsSpan(_length));
        _length += data.Length;
        return true;
    }

    /// <summary>Returns a span of at least <paramref name="sizeHint"/> free bytes after the written ones.</summary>
    public Span<byte> GetSpan(int sizeHint)
    {
        EnsureCapacity(_length + Math.Max(sizeHint, 1));
        return _array.AsSpan(_length);
    }

    public Memory<byte> GetMemory(int sizeHint)
    {
        EnsureCapacity(_length + Math.Max(sizeHint, 1));
        return _array.AsMemory(_length);
    }

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_array.Length - _length))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _length += count;
    }

    /// <summary>Forgets the bytes after the first <paramref name="length"/>.</summary>
    public void Truncate(int length)
    {
        if ((uint)length > (uint)_length)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        _length = length;
    }

    /// <summary>Makes room for <paramref name="capacity"/> bytes in all at once (a length known in advance), instead of doubling towards it.</summary>
    public void Reserve(int capacity) => EnsureCapacity(capacity);

    /// <summary>Forgets the content and keeps the array, however large: the same request writes on (a streamed response's next piece).</summary>
    public void Clear() => _length = 0;

    /// <summary>Forgets the content; keeps a small array for the next request, returns a large one.</summary>
    public void Reset()
    {
        _length = 0;
        if (_array.Length > RetainedCapacity)
        {
            Return(_array);
            _array = [];
        }
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Release()
    {
        _length = 0;
        if (_array.Length > 0)
        {
            Return(_array);
            _array = [];
        }
    }

    private void EnsureCapacity(int required)
    {
        if (required <= _array.Length)
        {
            return;
        }

        int size = Math.Max(Math.Max(required, 256), (int)Math.Min((long)_array.Length * 2, Array.MaxLength));
        byte[] next = size > RetainedCapacity ? (_pool ?? LargeBufferPool.Shared).Rent(size) : ArrayPool<byte>.Shared.Rent(size);
        _array.AsSpan(0, _length).CopyTo(next);
        if (_array.Length > 0)
        {
            Return(_array);
        }

        _array = next;
    }

    private readonly void Return(byte[] array)
    {
        if (array.Length > RetainedCapacity)
        {
            (_pool ?? LargeBufferPool.Shared).Return(array);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
