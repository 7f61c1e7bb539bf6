using System;

namespace FastCgi.Aot.Protocol;

/// <summary>The body of an FCGI_UNKNOWN_TYPE record (FastCGI 1.0 §4.2).</summary>
/// <remarks>
/// <code>
/// +------+---------------------+
/// | type | reserved (7 bytes)  |
/// +------+---------------------+
/// </code>
/// </remarks>
public readonly record struct FcgiUnknownTypeBody(byte Type)
{
    /// <summary>Reads the body from a record's content.</summary>
    /// <returns>False when the content is shorter than 8 bytes.</returns>
    public static bool TryRead(ReadOnlySpan<byte> content, out FcgiUnknownTypeBody body)
    {
        if (content.Length < FcgiConstants.FixedBodyLength)
        {
            body = default;
            return false;
        }

        body = new FcgiUnknownTypeBody(content[0]);
        return true;
    }

    /// <summary>Writes the 8-byte body.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < FcgiConstants.FixedBodyLength)
        {
            FcgiThrow.DestinationTooSmall(nameof(destination));
        }

        destination[0] = Type;
        destination.Slice(1, 7).Clear();
    }
}
