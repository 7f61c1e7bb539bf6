using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace FastCgi.Aot.Internal;

/// <summary>
/// A seekable, read-only stream over memory the stream does not own. A request keeps one for its
/// body and one for its data and points them at each request's bytes (<see cref="Reset"/>), so a
/// handler that takes a <see cref="Stream"/> costs no allocation.
/// </summary>
internal sealed class ReadOnlyMemoryStream : Stream
{
    private ReadOnlyMemory<byte> _memory;
    private int _position;

    // The last ReadAsync(byte[], ...) result, returned again for the same count (as MemoryStream does).
    private Task<int>? _lastRead;

    /// <summary>Points the stream at <paramref name="memory"/>, from its start.</summary>
    public ReadOnlyMemoryStream Reset(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
        _position = 0;
        return this;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _memory.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = (int)Math.Min(value, _memory.Length);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _memory.Length - _position);
        _memory.Span.Slice(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int ReadByte() => _position < _memory.Length ? _memory.Span[_position++] : -1;

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        int read = Read(buffer, offset, count);
        return _lastRead is { } last && last.Result == read ? last : _lastRead = Task.FromResult(read);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Read(buffer.Span));

    /// <summary>Writes what is left straight from the memory: no intermediate buffer, no extra copy.</summary>
    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ReadOnlyMemory<byte> rest = _memory.Slice(_position);
        _position = _memory.Length;
        ValueTask write = destination.WriteAsync(rest, cancellationToken);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }

    /// <inheritdoc />
    public override void CopyTo(Stream destination, int bufferSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ReadOnlySpan<byte> rest = _memory.Span.Slice(_position);
        _position = _memory.Length;
        destination.Write(rest);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _memory.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        Position = target;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
