using System;
using System.Buffers.Binary;

namespace FastCgi.Aot.Protocol;

/// <summary>Decodes FastCGI name-value pairs (FastCGI 1.0 §3.4) from a span, without copying.</summary>
/// <remarks>
/// <code>
/// nameLength  : 1 byte  0LLLLLLL            (0–127)
///             | 4 bytes 1LLLLLLL LLLLLLLL LLLLLLLL LLLLLLLL  (31 bits, big-endian)
/// valueLength : the same two forms
/// nameData    : nameLength bytes
/// valueData   : valueLength bytes
/// </code>
/// Both lengths are checked against the limit and against the bytes left before any data is
/// sliced, so no declared length, however large, can make the reader touch a byte outside the
/// input (libfcgi's CVE-2025-23016 overflowed exactly here). Lengths are compared as
/// <see cref="long"/> so their sum cannot wrap.
/// </remarks>
public ref struct FcgiNameValueReader
{
    private readonly ReadOnlySpan<byte> _input;
    private readonly int _maxLength;
    private int _consumed;

    /// <summary>Creates a reader over a whole or partial name-value stream.</summary>
    /// <param name="input">The concatenated content of the PARAMS (or GET_VALUES) records.</param>
    /// <param name="maxLength">The largest name or value length accepted; at most 2^31 - 1.</param>
    public FcgiNameValueReader(ReadOnlySpan<byte> input, int maxLength = FcgiConstants.MaxNameValueLength)
    {
        if (maxLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength));
        }

        _input = input;
        _maxLength = maxLength;
        _consumed = 0;
    }

    /// <summary>The bytes of whole pairs read so far; an incomplete pair is never counted.</summary>
    public readonly int Consumed => _consumed;

    /// <summary>Reads the next pair.</summary>
    /// <param name="name">The name, a view over the input, when the status is <see cref="FcgiNameValueStatus.Pair"/>.</param>
    /// <param name="value">The value, a view over the input, when the status is <see cref="FcgiNameValueStatus.Pair"/>.</param>
    public FcgiNameValueStatus Read(out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = default;
        value = default;
        ReadOnlySpan<byte> rest = _input.Slice(_consumed);
        if (rest.IsEmpty)
        {
            return FcgiNameValueStatus.End;
        }

        int position = 0;
        if (!TryReadLength(rest, ref position, out int nameLength))
        {
            return FcgiNameValueStatus.Incomplete;
        }

        // Refuse an oversized name before its value length arrives: the pair is lost either way,
        // and waiting would make a stream that ends here look truncated rather than over the limit.
        if (nameLength > _maxLength)
        {
            return FcgiNameValueStatus.LengthOverLimit;
        }

        if (!TryReadLength(rest, ref position, out int valueLength))
        {
            return FcgiNameValueStatus.Incomplete;
        }

        if (valueLength > _maxLength)
        {
            return FcgiNameValueStatus.LengthOverLimit;
        }

        if ((long)position + nameLength + valueLength > rest.Length)
        {
            return FcgiNameValueStatus.Incomplete;
        }

        name = rest.Slice(position, nameLength);
        value = rest.Slice(position + nameLength, valueLength);
        _consumed += position + nameLength + valueLength;
        return FcgiNameValueStatus.Pair;
    }

    private static bool TryReadLength(ReadOnlySpan<byte> source, ref int position, out int length)
    {
        if (position >= source.Length)
        {
            length = 0;
            return false;
        }

        byte first = source[position];
        if ((first & 0x80) == 0)
        {
            length = first;
            position++;
            return true;
        }

        if (source.Length - position < 4)
        {
            length = 0;
            return false;
        }

        length = (int)(BinaryPrimitives.ReadUInt32BigEndian(source.Slice(position)) & 0x7FFF_FFFF);
        position += 4;
        return true;
    }
}
