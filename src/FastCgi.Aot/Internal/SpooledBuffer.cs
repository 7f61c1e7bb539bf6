using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Internal;

/// <summary>
/// How many bytes the process may hold at once in one place: all temporary files
/// (<c>--max-spool-bytes</c>), or all bodies kept in memory (<c>--max-body-memory-bytes</c>).
/// </summary>
internal sealed class SpoolBudget(long maxBytes)
{
    private long _spooled;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>The bytes held now.</summary>
    public long SpooledBytes => Volatile.Read(ref _spooled);

    /// <summary>Takes <paramref name="bytes"/> of the budget; false when it is spent.</summary>
    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _spooled, bytes) > MaxBytes)
        {
            Interlocked.Add(ref _spooled, -bytes);
            return false;
        }

        return true;
    }

    public void Release(long bytes) => Interlocked.Add(ref _spooled, -bytes);
}

/// <summary>
/// Where bytes too large for memory go: the directory, the threshold, the process's budget for
/// temporary files, and its budget for bodies in memory (null: unbounded).
/// </summary>
internal sealed class SpoolSettings(string directory, long thresholdBytes, SpoolBudget budget, SpoolBudget? memoryBudget = null, LargeBufferPool? bufferPool = null)
{
    /// <summary>The same directory, budgets and pool with another threshold (a form's memory left for its next file).</summary>
    public SpoolSettings(SpoolSettings other, long thresholdBytes)
        : this(other.Directory, thresholdBytes, other.Budget, other.MemoryBudget, other.BufferPool)
    {
    }

    /// <summary>The directory temporary files are made in (<c>--temp-dir</c>).</summary>
    public string Directory { get; } = directory;

    /// <summary>The most bytes kept in memory; past it they go to a file.</summary>
    public long ThresholdBytes { get; } = thresholdBytes;

    public SpoolBudget Budget { get; } = budget;

    /// <summary>
    /// The bytes all bodies below the threshold may hold in memory together (<c>--max-body-memory-bytes</c>):
    /// past it a body goes to a file however small, so that many uploads at once cost disk, not RAM.
    /// </summary>
    public SpoolBudget? MemoryBudget { get; } = memoryBudget;

    /// <summary>
    /// Where the large arrays of bodies in memory (and of write buffers) come from and go back to;
    /// null for <see cref="LargeBufferPool.Shared"/>. A server's pool keeps up to its body memory
    /// budget: the arrays of the bodies that budget lets in at once are then reused, request after
    /// request, instead of left to the GC, which frees such large arrays only in its rare full
    /// collections (measured: 1 MiB uploads took the process to 198 MiB that way, 43 MiB reused).
    /// </summary>
    public LargeBufferPool? BufferPool { get; } = bufferPool;

    /// <summary>Never spools: for requests that live in memory only (tests).</summary>
    public static SpoolSettings InMemory { get; } = new(Path.GetTempPath(), long.MaxValue, new SpoolBudget(long.MaxValue));
}

/// <summary>What appending to a <see cref="SpooledBuffer"/> needs next.</summary>
internal enum SpoolStatus
{
    /// <summary>Appended; go on.</summary>
    Ok,

    /// <summary>Appended; call <see cref="SpooledBuffer.FlushAsync"/> before appending more.</summary>
    FlushNeeded,

    /// <summary>Not appended: the process's spool budget (<c>--max-spool-bytes</c>) is spent.</summary>
    SpoolFull,
}

/// <summary>
/// Bytes that live in memory up to a threshold and in a <see cref="SpoolFile"/> past it: a
/// request's body, its Filter data, or a file part of a form. Appending never touches the disk:
/// bytes past the threshold collect in a write buffer, which the caller flushes (on the thread
/// pool) when <see cref="Append"/> asks, so that memory stays bounded by the threshold plus one
/// write buffer, whatever the size of the body; and all buffers together stay within the
/// process's memory budget for bodies, past which a body is spooled however small.
/// </summary>
internal sealed class SpooledBuffer
{
    /// <summary>The write buffer's size: bytes past the threshold are written in pieces this large.</summary>
    public const int WriteChunk = 64 * 1024;

    // A piece and one more record's content (at most 65,535 bytes) after it, rounded up.
    private const int WriteBufferCapacity = 2 * WriteChunk;

    private GrowableBuffer _memory = new();
    private SpoolSettings _settings = SpoolSettings.InMemory;
    private SpoolFile? _file;
    private bool _spooling;
    private long _fileLength;
    private long _length;
    private long _reserved;
    private long _memoryReserved;
    private long _expected;
    private bool _toFile;
    private ReadOnlyMemoryStream? _memoryStream;

    /// <summary>What the buffer in memory holds on to (the body, or the write buffer of a spooled one), for tests.</summary>
    internal int BufferCapacity => _memory.Capacity;

    /// <summary>Every byte appended so far.</summary>
    public long Length => _length;

    /// <summary>True once the bytes went past the threshold: they are read with <see cref="OpenStream"/> only.</summary>
    public bool IsSpooled => _spooling;

    /// <summary>The bytes, when they are all in memory.</summary>
    /// <exception cref="InvalidOperationException">They were spooled to a file.</exception>
    public ReadOnlyMemory<byte> Memory => _spooling ? throw new InvalidOperationException("The bytes were spooled to a file.") : _memory.WrittenMemory;

    /// <summary>
    /// Starts afresh with these settings; keeps a small buffer. A length announced in advance
    /// (<c>CONTENT_LENGTH</c>) decides at once between memory and a file: a body that fits the
    /// threshold and the memory budget takes its share of the budget now and its whole buffer
    /// with its first bytes (one array, no doubling and copying on the way); any other goes to a
    /// file from its first byte, instead of filling memory up to the threshold first.
    /// </summary>
    /// <param name="settings">The threshold, directory, budgets and pool.</param>
    /// <param name="expectedLength">The announced length, or a negative number when none was.</param>
    public void Begin(SpoolSettings settings, long expectedLength = -1)
    {
        Reset();
        _settings = settings;
        _memory.Pool = settings.BufferPool;
        if (expectedLength <= 0)
        {
            return;
        }

        if (expectedLength <= settings.ThresholdBytes && expectedLength <= Array.MaxLength && TryHoldInMemory(expectedLength))
        {
            _expected = expectedLength;
        }
        else
        {
            _toFile = true;
        }
    }

    /// <summary>Appends <paramref name="data"/>: to memory below the threshold, to the write buffer past it.</summary>
    public SpoolStatus Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return SpoolStatus.Ok;
        }

        if (!_spooling)
        {
            if (!_toFile && TryHoldInMemory(_memory.Length + (long)data.Length))
            {
                if (_memory.Length == 0 && _expected > _memory.Capacity)
                {
                    _memory.Reserve((int)_expected);
                }

                _memory.TryAppend(data, int.MaxValue);
                _length += data.Length;
                return SpoolStatus.Ok;
            }

            // Past the threshold, or the memory for bodies is spent: everything goes to a file,
            // the bytes held so far first (they leave memory with the next flush).
            if (!_settings.Budget.TryReserve(_memory.Length))
            {
                return SpoolStatus.SpoolFull;
            }

            _reserved += _memory.Length;
            _spooling = true;
            ReleaseMemoryBudget();
            if (_memory.Capacity < WriteBufferCapacity)
            {
                // The write buffer: one array for the whole body, of the size it needs at once
                // (a piece, plus the record that fills it), rather than grown piece by piece. It
                // is not a body in memory, so it comes from the process's pool, not the bodies'.
                _memory.Pool = null;
                _memory.Reserve(WriteBufferCapacity);
            }
        }

        if (!_settings.Budget.TryReserve(data.Length))
        {
            return SpoolStatus.SpoolFull;
        }

        _reserved += data.Length;
        _memory.TryAppend(data, int.MaxValue);
        _length += data.Length;
        return _memory.Length >= WriteChunk ? SpoolStatus.FlushNeeded : SpoolStatus.Ok;
    }

    /// <summary>True when bytes wait in the write buffer.</summary>
    public bool HasPendingWrite => _spooling && _memory.Length > 0;

    /// <summary>Writes the write buffer to the file (creating it the first time), on the thread pool.</summary>
    public async ValueTask FlushAsync()
    {
        if (!HasPendingWrite)
        {
            return;
        }

        if (_file is null)
        {
            // Creating the file is a system call on the file system too: off the I/O thread.
            string directory = _settings.Directory;
            _file = await Task.Run(() => SpoolFile.Create(directory)).ConfigureAwait(false);
        }

        ReadOnlyMemory<byte> pending = _memory.WrittenMemory;
        await _file.WriteAsync(pending, _fileLength).ConfigureAwait(false);
        _fileLength += pending.Length;

        // The same array takes the next piece; it goes back to the pool when the body ends.
        _memory.Clear();
    }

    /// <summary>The same, on the calling thread: for callers that may block (CGI mode, a handler reading a form).</summary>
    public void Flush()
    {
        if (!HasPendingWrite)
        {
            return;
        }

        _file ??= SpoolFile.Create(_settings.Directory);
        _file.Write(_memory.WrittenSpan, _fileLength);
        _fileLength += _memory.Length;
        _memory.Clear();
    }

    /// <summary>
    /// A read-only stream over the bytes, from the start: over memory, or over the file. The
    /// memory stream is reused (a second call rewinds it); a file stream is new each time.
    /// </summary>
    public Stream OpenStream()
    {
        if (!_spooling)
        {
            return (_memoryStream ??= new ReadOnlyMemoryStream()).Reset(_memory.WrittenMemory);
        }

        if (HasPendingWrite || _file is null)
        {
            throw new InvalidOperationException("The spooled bytes are still being written.");
        }

        return new SpoolReadStream(_file, _fileLength);
    }

    /// <summary>Closes the file (its space is freed: it has no name) and gives its budget back; keeps a small buffer.</summary>
    public void Reset()
    {
        _memory.Reset();
        _memoryStream?.Reset(default);
        _file?.Dispose();
        _file = null;
        _spooling = false;
        _toFile = false;
        _expected = 0;
        _fileLength = 0;
        _length = 0;
        if (_reserved > 0)
        {
            _settings.Budget.Release(_reserved);
            _reserved = 0;
        }

        ReleaseMemoryBudget();
    }

    /// <summary>
    /// True when <paramref name="length"/> bytes in all may stay in memory: within the threshold,
    /// and within the memory budget, of which the bytes past those already taken are taken now.
    /// </summary>
    private bool TryHoldInMemory(long length)
    {
        if (length > _settings.ThresholdBytes)
        {
            return false;
        }

        if (_settings.MemoryBudget is not { } memory)
        {
            return true;
        }

        long more = length - _memoryReserved;
        if (more <= 0)
        {
            return true;
        }

        if (!memory.TryReserve(more))
        {
            return false;
        }

        _memoryReserved += more;
        return true;
    }

    private void ReleaseMemoryBudget()
    {
        if (_memoryReserved > 0)
        {
            _settings.MemoryBudget!.Release(_memoryReserved);
            _memoryReserved = 0;
        }
    }

    /// <summary>As <see cref="Reset"/>, returning the buffer to the pool too.</summary>
    public void Release()
    {
        Reset();
        _memory.Release();
    }
}
