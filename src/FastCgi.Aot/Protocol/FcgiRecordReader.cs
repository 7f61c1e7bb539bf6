using System;
using System.Buffers;
using System.Buffers.Binary;

namespace FastCgi.Aot.Protocol;

/// <summary>
/// An incremental FastCGI record reader. It is fed whatever bytes arrived, in any split, and
/// returns records (or the part of a record's content that arrived) as views over those bytes.
/// </summary>
/// <remarks>
/// The reader keeps only a few integers of state: the bytes of a header split across reads
/// (up to 7), and how much content and padding of the current record remain. It never copies
/// content and never allocates, so a connection needs no buffer larger than one socket read,
/// however large the records are. Padding is skipped (FastCGI 1.0 §3.3: "always skip padding").
/// </remarks>
public struct FcgiRecordReader
{
    private enum State : byte
    {
        Header,
        Content,
        Padding,
        Failed,
    }

    private State _state;
    private int _pendingHeaderCount;
    private ulong _pendingHeader;
    private FcgiRecordHeader _header;
    private int _contentOffset;
    private int _paddingRemaining;

    /// <summary>True when the reader stands between records: nothing of a record has been read yet.</summary>
    public readonly bool IsAtRecordBoundary => _state == State.Header && _pendingHeaderCount == 0;

    /// <summary>True once a header with a bad version was seen; every later read returns the same status.</summary>
    public readonly bool HasFailed => _state == State.Failed;

    /// <summary>
    /// Reads from <paramref name="input"/> until a fragment is available or the input is used up.
    /// </summary>
    /// <param name="input">The bytes that arrived and were not consumed before.</param>
    /// <param name="consumed">How many bytes of <paramref name="input"/> were consumed; the caller must not pass them again.</param>
    /// <param name="fragment">The fragment, when the status is <see cref="FcgiReadStatus.Fragment"/>.</param>
    public FcgiReadStatus Read(ReadOnlySpan<byte> input, out int consumed, out FcgiRecordFragment fragment)
    {
        consumed = 0;
        while (true)
        {
            switch (_state)
            {
                case State.Header:
                    if (!TryCompleteHeader(input, ref consumed))
                    {
                        fragment = default;
                        return FcgiReadStatus.NeedMoreData;
                    }

                    if (_header.Version != FcgiConstants.Version1)
                    {
                        _state = State.Failed;
                        fragment = default;
                        return FcgiReadStatus.UnsupportedVersion;
                    }

                    _contentOffset = 0;
                    _paddingRemaining = _header.PaddingLength;
                    if (_header.ContentLength == 0)
                    {
                        _state = State.Padding;
                        SkipPadding(input, ref consumed);
                        fragment = new FcgiRecordFragment(_header, ReadOnlySpan<byte>.Empty, 0);
                        return FcgiReadStatus.Fragment;
                    }

                    _state = State.Content;
                    break;

                case State.Content:
                {
                    int available = input.Length - consumed;
                    if (available == 0)
                    {
                        fragment = default;
                        return FcgiReadStatus.NeedMoreData;
                    }

                    int take = Math.Min(available, _header.ContentLength - _contentOffset);
                    fragment = new FcgiRecordFragment(_header, input.Slice(consumed, take), _contentOffset);
                    consumed += take;
                    _contentOffset += take;
                    if (_contentOffset == _header.ContentLength)
                    {
                        _state = State.Padding;
                        SkipPadding(input, ref consumed);
                    }

                    return FcgiReadStatus.Fragment;
                }

                case State.Padding:
                    SkipPadding(input, ref consumed);
                    if (_state == State.Padding)
                    {
                        fragment = default;
                        return FcgiReadStatus.NeedMoreData;
                    }

                    break;

                default:
                    fragment = default;
                    return FcgiReadStatus.UnsupportedVersion;
            }
        }
    }

    /// <summary>
    /// Reads from the unread bytes of <paramref name="reader"/>, which may span several segments,
    /// and advances it past what was consumed.
    /// </summary>
    /// <remarks>A fragment never crosses a segment boundary: content split across segments comes as several fragments.</remarks>
    public FcgiReadStatus Read(ref SequenceReader<byte> reader, out FcgiRecordFragment fragment)
    {
        while (!reader.End)
        {
            FcgiReadStatus status = Read(reader.UnreadSpan, out int consumed, out fragment);
            reader.Advance(consumed);
            if (status != FcgiReadStatus.NeedMoreData)
            {
                return status;
            }
        }

        fragment = default;
        return _state == State.Failed ? FcgiReadStatus.UnsupportedVersion : FcgiReadStatus.NeedMoreData;
    }

    /// <summary>Forgets any partial record, as for a fresh connection.</summary>
    public void Reset() => this = default;

    private bool TryCompleteHeader(ReadOnlySpan<byte> input, ref int consumed)
    {
        ReadOnlySpan<byte> rest = input.Slice(consumed);
        if (_pendingHeaderCount == 0 && rest.Length >= FcgiConstants.HeaderLength)
        {
            FcgiRecordHeader.TryRead(rest, out _header);
            consumed += FcgiConstants.HeaderLength;
            return true;
        }

        // The header is split across reads: keep its first bytes in a ulong, most significant first.
        int take = Math.Min(rest.Length, FcgiConstants.HeaderLength - _pendingHeaderCount);
        for (int i = 0; i < take; i++)
        {
            _pendingHeader = (_pendingHeader << 8) | rest[i];
        }

        consumed += take;
        _pendingHeaderCount += take;
        if (_pendingHeaderCount < FcgiConstants.HeaderLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[FcgiConstants.HeaderLength];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _pendingHeader);
        FcgiRecordHeader.TryRead(bytes, out _header);
        _pendingHeader = 0;
        _pendingHeaderCount = 0;
        return true;
    }

    private void SkipPadding(ReadOnlySpan<byte> input, ref int consumed)
    {
        int skip = Math.Min(_paddingRemaining, input.Length - consumed);
        consumed += skip;
        _paddingRemaining -= skip;
        if (_paddingRemaining == 0)
        {
            _state = State.Header;
        }
    }
}
