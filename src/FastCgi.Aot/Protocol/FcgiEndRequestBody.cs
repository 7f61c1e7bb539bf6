using System;
using System.Buffers.Binary;

namespace FastCgi.Aot.Protocol;

/// <summary>The body of an FCGI_END_REQUEST record (FastCGI 1.0 §5.5).</summary>
/// <remarks>
/// <code>
/// +-----------------------------------+----------------+---------------------+
/// | appStatus B3 B2 B1 B0 (exit code) | protocolStatus | reserved (3 bytes)  |
/// +-----------------------------------+----------------+---------------------+
/// </code>
/// </remarks>
public readonly record struct FcgiEndRequestBody(uint AppStatus, FcgiProtocolStatus ProtocolStatus)
{
    /// <summary>Reads the body from a record's content.</summary>
    /// <returns>False when the content is shorter than 8 bytes.</returns>
    public static bool TryRead(ReadOnlySpan<byte> content, out FcgiEndRequestBody body)
    {
        if (content.Length < FcgiConstants.FixedBodyLength)
        {
            body = default;
            return false;
        }

        body = new FcgiEndRequestBody(BinaryPrimitives.ReadUInt32BigEndian(content), (FcgiProtocolStatus)content[4]);
        return true;
    }

    /// <summary>Writes the 8-byte body.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < FcgiConstants.FixedBodyLength)
        {
            FcgiThrow.DestinationTooSmall(nameof(destination));
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, AppStatus);
        destination[4] = (byte)ProtocolStatus;
        destination.Slice(5, 3).Clear();
    }
}
