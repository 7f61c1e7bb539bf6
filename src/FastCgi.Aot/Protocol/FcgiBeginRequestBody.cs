using System;
using System.Buffers.Binary;

namespace FastCgi.Aot.Protocol;

/// <summary>The body of an FCGI_BEGIN_REQUEST record (FastCGI 1.0 §5.1).</summary>
/// <remarks>
/// <code>
/// +--------+--------+-------+------------------------------+
/// | role B1| role B0| flags | reserved (5 bytes)           |
/// +--------+--------+-------+------------------------------+
/// </code>
/// </remarks>
public readonly record struct FcgiBeginRequestBody(FcgiRole Role, FcgiBeginRequestFlags Flags)
{
    /// <summary>True when the web server keeps the connection open after the request (FCGI_KEEP_CONN).</summary>
    public bool KeepConnection => (Flags & FcgiBeginRequestFlags.KeepConnection) != 0;

    /// <summary>Reads the body from a record's content.</summary>
    /// <returns>False when the content is shorter than 8 bytes. Unknown roles are returned as they are.</returns>
    public static bool TryRead(ReadOnlySpan<byte> content, out FcgiBeginRequestBody body)
    {
        if (content.Length < FcgiConstants.FixedBodyLength)
        {
            body = default;
            return false;
        }

        body = new FcgiBeginRequestBody((FcgiRole)BinaryPrimitives.ReadUInt16BigEndian(content), (FcgiBeginRequestFlags)content[2]);
        return true;
    }

    /// <summary>Writes the 8-byte body.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < FcgiConstants.FixedBodyLength)
        {
            FcgiThrow.DestinationTooSmall(nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)Role);
        destination[2] = (byte)Flags;
        destination.Slice(3, 5).Clear();
    }
}
