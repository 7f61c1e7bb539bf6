using System;
using System.Buffers.Binary;

namespace FastCgi.Aot.Protocol;

/// <summary>Encodes FastCGI name-value pairs (FastCGI 1.0 §3.4).</summary>
public static class FcgiNameValueWriter
{
    /// <summary>The longest length that fits the 1-byte form.</summary>
    public const int MaxShortLength = 127;

    /// <summary>The bytes one length takes on the wire: 1 up to 127, else 4.</summary>
    public static int GetLengthSize(int length) => length <= MaxShortLength ? 1 : 4;

    /// <summary>The bytes a whole pair takes on the wire.</summary>
    public static int GetEncodedLength(int nameLength, int valueLength) =>
        GetLengthSize(nameLength) + GetLengthSize(valueLength) + nameLength + valueLength;

    /// <summary>Writes one pair at the start of <paramref name="destination"/>.</summary>
    /// <returns>False, writing nothing, when the pair does not fit.</returns>
    public static bool TryWrite(Span<byte> destination, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, out int written)
    {
        int length = GetEncodedLength(name.Length, value.Length);
        if (length > destination.Length)
        {
            written = 0;
            return false;
        }

        int position = WriteLength(destination, name.Length);
        position += WriteLength(destination.Slice(position), value.Length);
        name.CopyTo(destination.Slice(position));
        position += name.Length;
        value.CopyTo(destination.Slice(position));
        written = position + value.Length;
        return true;
    }

    private static int WriteLength(Span<byte> destination, int length)
    {
        if (length <= MaxShortLength)
        {
            destination[0] = (byte)length;
            return 1;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)length | 0x8000_0000u);
        return 4;
    }
}
