using System;
using System.Buffers.Binary;

namespace FastCgi.Aot.Protocol;

/// <summary>The 8-byte header that starts every FastCGI record (FastCGI 1.0 §3.3).</summary>
/// <remarks>
/// <code>
///  0         1        2        3        4        5        6          7
/// +---------+--------+--------+--------+--------+--------+----------+----------+
/// | version | type   | requestId       | contentLength   | padding  | reserved |
/// |  (1)    |        | B1       B0     | B1       B0     | Length   |          |
/// +---------+--------+--------+--------+--------+--------+----------+----------+
/// </code>
/// Multi-byte fields are big-endian. The reserved byte is written as zero and ignored on read.
/// </remarks>
public readonly struct FcgiRecordHeader : IEquatable<FcgiRecordHeader>
{
    /// <summary>Creates a version 1 header.</summary>
    public FcgiRecordHeader(FcgiRecordType type, ushort requestId, ushort contentLength, byte paddingLength)
        : this(FcgiConstants.Version1, type, requestId, contentLength, paddingLength)
    {
    }

    /// <summary>Creates a header with any version byte, as read from the wire.</summary>
    public FcgiRecordHeader(byte version, FcgiRecordType type, ushort requestId, ushort contentLength, byte paddingLength)
    {
        Version = version;
        Type = type;
        RequestId = requestId;
        ContentLength = contentLength;
        PaddingLength = paddingLength;
    }

    /// <summary>The protocol version; 1 for every valid record.</summary>
    public byte Version { get; }

    /// <summary>The record type. Values outside 1–11 are possible on the wire.</summary>
    public FcgiRecordType Type { get; }

    /// <summary>The request the record belongs to; 0 for management records.</summary>
    public ushort RequestId { get; }

    /// <summary>The number of content bytes after the header.</summary>
    public ushort ContentLength { get; }

    /// <summary>The number of padding bytes after the content.</summary>
    public byte PaddingLength { get; }

    /// <summary>The length of the whole record: header, content and padding.</summary>
    public int RecordLength => FcgiConstants.HeaderLength + ContentLength + PaddingLength;

    /// <summary>True when this is a management record (request id 0).</summary>
    public bool IsManagement => RequestId == FcgiConstants.ManagementRequestId;

    /// <summary>Reads a header from the first 8 bytes of <paramref name="source"/>.</summary>
    /// <returns>False when fewer than 8 bytes are given. The version is not checked here.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out FcgiRecordHeader header)
    {
        if (source.Length < FcgiConstants.HeaderLength)
        {
            header = default;
            return false;
        }

        header = new FcgiRecordHeader(
            source[0],
            (FcgiRecordType)source[1],
            BinaryPrimitives.ReadUInt16BigEndian(source.Slice(2)),
            BinaryPrimitives.ReadUInt16BigEndian(source.Slice(4)),
            source[6]);
        return true;
    }

    /// <summary>Writes the header into the first 8 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 8 bytes.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < FcgiConstants.HeaderLength)
        {
            FcgiThrow.DestinationTooSmall(nameof(destination));
        }

        destination[0] = Version;
        destination[1] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), RequestId);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(4), ContentLength);
        destination[6] = PaddingLength;
        destination[7] = 0;
    }

    /// <summary>The padding that brings <paramref name="contentLength"/> to a multiple of 8, as the spec recommends.</summary>
    public static byte PaddingFor(int contentLength) => (byte)(-contentLength & 7);

    /// <inheritdoc />
    public bool Equals(FcgiRecordHeader other) =>
        Version == other.Version && Type == other.Type && RequestId == other.RequestId &&
        ContentLength == other.ContentLength && PaddingLength == other.PaddingLength;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FcgiRecordHeader other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Version, Type, RequestId, ContentLength, PaddingLength);

    /// <summary>Compares two headers field by field.</summary>
    public static bool operator ==(FcgiRecordHeader left, FcgiRecordHeader right) => left.Equals(right);

    /// <summary>Compares two headers field by field.</summary>
    public static bool operator !=(FcgiRecordHeader left, FcgiRecordHeader right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() =>
        $"{{v{Version} {Type} id={RequestId} content={ContentLength} padding={PaddingLength}}}";
}
