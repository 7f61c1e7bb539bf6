using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Internal;

/// <summary>
/// A read-only, seekable stream over the first <c>length</c> bytes of a <see cref="SpoolFile"/>.
/// Synchronous reads run on the caller's thread; asynchronous reads on the thread pool, so a
/// handler on an I/O thread that reads a spooled body with <c>ReadAsync</c> or <c>CopyToAsync</c>
/// does not hold that thread on the disk. An asynchronous read smaller than
/// <see cref="ReadAhead"/> fetches that much at once and answers the next reads from it: each
/// read from the disk is a hop to the thread pool and back, and handlers read in 4 to 16 KiB
/// pieces (a 1 MiB body read 16 KiB at a time took 64 hops, now 16).
/// </summary>
internal sealed class SpoolReadStream(SpoolFile file, long length) : Stream
{
    /// <summary>The bytes an asynchronous read fetches at least: 64 KiB, a small-object array.</summary>
    public const int ReadAhead = 64 * 1024;

    private long _position;

    // Bytes read ahead: file bytes [_aheadStart, _aheadStart + _aheadLength) are in _ahead.
    private byte[]? _ahead;
    private long _aheadStart;
    private int _aheadLength;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int wanted = (int)Math.Min(buffer.Length, Math.Max(0, length - _position));
        if (wanted == 0)
        {
            return 0;
        }

        int read = file.Read(buffer.Slice(0, wanted), _position);
        _position += read;
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int wanted = (int)Math.Min(buffer.Length, Math.Max(0, length - _position));
        if (wanted == 0)
        {
            return new ValueTask<int>(0);
        }

        if (TryReadAhead(buffer.Span.Slice(0, wanted), out int copied))
        {
            return new ValueTask<int>(copied);
        }

        return wanted >= ReadAhead
            ? ReadDirectAsync(buffer.Slice(0, wanted), cancellationToken)
            : FillAndReadAsync(buffer.Slice(0, wanted), cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (_ahead is { } ahead)
        {
            _ahead = null;
            _aheadLength = 0;
            System.Buffers.ArrayPool<byte>.Shared.Return(ahead);
        }

        base.Dispose(disposing);
    }

    /// <summary>Copies from the bytes read ahead, when they hold the position.</summary>
    private bool TryReadAhead(Span<byte> destination, out int copied)
    {
        long offset = _position - _aheadStart;
        if (_aheadLength == 0 || offset < 0 || offset >= _aheadLength)
        {
            copied = 0;
            return false;
        }

        copied = Math.Min(destination.Length, _aheadLength - (int)offset);
        _ahead.AsSpan((int)offset, copied).CopyTo(destination);
        _position += copied;
        return true;
    }

    private async ValueTask<int> ReadDirectAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int read = await file.ReadAsync(destination, _position, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    private async ValueTask<int> FillAndReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        byte[] ahead = _ahead ??= System.Buffers.ArrayPool<byte>.Shared.Rent(ReadAhead);
        int fetch = (int)Math.Min(ahead.Length, length - _position);
        _aheadLength = 0;
        _aheadStart = _position;
        _aheadLength = await file.ReadAsync(ahead.AsMemory(0, fetch), _position, cancellationToken).ConfigureAwait(false);
        return TryReadAhead(destination.Span, out int copied) ? copied : 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
