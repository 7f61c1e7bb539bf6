using System;

namespace FastCgi.Aot.Protocol;

/// <summary>Writes FastCGI records into a caller's buffer. Nothing here allocates or does I/O.</summary>
/// <remarks>
/// Content is padded to a multiple of 8 bytes, as FastCGI 1.0 §3.3 recommends, so records
/// stay aligned in the web server's buffers.
/// </remarks>
public static class FcgiRecordWriter
{
    /// <summary>The framed length of a record with <paramref name="contentLength"/> content bytes, padding included.</summary>
    public static int GetRecordLength(int contentLength) =>
        FcgiConstants.HeaderLength + contentLength + FcgiRecordHeader.PaddingFor(contentLength);

    /// <summary>
    /// The bytes <see cref="WriteStream"/> needs for <paramref name="dataLength"/> bytes of stream
    /// data in full-size records, plus the empty record that ends the stream when
    /// <paramref name="endStream"/> is set.
    /// </summary>
    public static long GetStreamLength(long dataLength, bool endStream)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        long fullRecords = dataLength / FcgiConstants.MaxContentLength;
        int tail = (int)(dataLength % FcgiConstants.MaxContentLength);
        long length = fullRecords * GetRecordLength(FcgiConstants.MaxContentLength);
        if (tail > 0)
        {
            length += GetRecordLength(tail);
        }

        return endStream ? length + FcgiConstants.HeaderLength : length;
    }

    /// <summary>Writes one record with the given content, padded to a multiple of 8.</summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The content is longer than 65,535 bytes.</exception>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static int WriteRecord(Span<byte> destination, FcgiRecordType type, ushort requestId, ReadOnlySpan<byte> content)
    {
        if (content.Length > FcgiConstants.MaxContentLength)
        {
            FcgiThrow.ContentTooLong(nameof(content));
        }

        byte padding = FcgiRecordHeader.PaddingFor(content.Length);
        int length = FcgiConstants.HeaderLength + content.Length + padding;
        if (destination.Length < length)
        {
            FcgiThrow.DestinationTooSmall(nameof(destination));
        }

        new FcgiRecordHeader(type, requestId, (ushort)content.Length, padding).Write(destination);
        content.CopyTo(destination.Slice(FcgiConstants.HeaderLength));
        destination.Slice(FcgiConstants.HeaderLength + content.Length, padding).Clear();
        return length;
    }

    /// <summary>
    /// Frames as much of <paramref name="data"/> as fits in <paramref name="destination"/> as
    /// stream records (STDOUT, STDERR, or for a client PARAMS, STDIN and DATA) of at most 65,535
    /// content bytes each. It writes no empty record: end a stream with <see cref="WriteEndOfStream"/>.
    /// </summary>
    /// <param name="destination">Where the records go.</param>
    /// <param name="type">The stream's record type.</param>
    /// <param name="requestId">The request the stream belongs to.</param>
    /// <param name="data">The stream bytes to frame.</param>
    /// <param name="dataConsumed">How many bytes of <paramref name="data"/> were framed; the rest did not fit.</param>
    /// <returns>The bytes written to <paramref name="destination"/>.</returns>
    public static int WriteStream(Span<byte> destination, FcgiRecordType type, ushort requestId, ReadOnlySpan<byte> data, out int dataConsumed)
    {
        int written = 0;
        dataConsumed = 0;
        while (dataConsumed < data.Length)
        {
            int space = destination.Length - written - FcgiConstants.HeaderLength;
            if (space <= 0)
            {
                break;
            }

            int content = Math.Min(Math.Min(data.Length - dataConsumed, FcgiConstants.MaxContentLength), space);
            if (content + FcgiRecordHeader.PaddingFor(content) > space)
            {
                // The padding would not fit: shorten the record to a multiple of 8, which needs none.
                content = space & ~7;
                if (content == 0)
                {
                    break;
                }
            }

            written += WriteRecord(destination.Slice(written), type, requestId, data.Slice(dataConsumed, content));
            dataConsumed += content;
        }

        return written;
    }

    /// <summary>Writes the empty record that ends a stream (FastCGI 1.0 §3.3).</summary>
    /// <returns>The bytes written: 8.</returns>
    public static int WriteEndOfStream(Span<byte> destination, FcgiRecordType type, ushort requestId) =>
        WriteRecord(destination, type, requestId, ReadOnlySpan<byte>.Empty);

    /// <summary>Writes an FCGI_END_REQUEST record.</summary>
    /// <returns>The bytes written: 16.</returns>
    public static int WriteEndRequest(Span<byte> destination, ushort requestId, uint appStatus, FcgiProtocolStatus protocolStatus)
    {
        Span<byte> body = stackalloc byte[FcgiConstants.FixedBodyLength];
        new FcgiEndRequestBody(appStatus, protocolStatus).Write(body);
        return WriteRecord(destination, FcgiRecordType.EndRequest, requestId, body);
    }

    /// <summary>Writes an FCGI_UNKNOWN_TYPE record on the management id.</summary>
    /// <returns>The bytes written: 16.</returns>
    public static int WriteUnknownType(Span<byte> destination, byte unknownType)
    {
        Span<byte> body = stackalloc byte[FcgiConstants.FixedBodyLength];
        new FcgiUnknownTypeBody(unknownType).Write(body);
        return WriteRecord(destination, FcgiRecordType.UnknownType, FcgiConstants.ManagementRequestId, body);
    }

    /// <summary>Writes an FCGI_GET_VALUES_RESULT record on the management id from encoded name-value pairs.</summary>
    /// <returns>The bytes written.</returns>
    public static int WriteGetValuesResult(Span<byte> destination, ReadOnlySpan<byte> encodedPairs) =>
        WriteRecord(destination, FcgiRecordType.GetValuesResult, FcgiConstants.ManagementRequestId, encodedPairs);

    /// <summary>Writes an FCGI_BEGIN_REQUEST record, as a web server does.</summary>
    /// <returns>The bytes written: 16.</returns>
    public static int WriteBeginRequest(Span<byte> destination, ushort requestId, FcgiRole role, FcgiBeginRequestFlags flags)
    {
        Span<byte> body = stackalloc byte[FcgiConstants.FixedBodyLength];
        new FcgiBeginRequestBody(role, flags).Write(body);
        return WriteRecord(destination, FcgiRecordType.BeginRequest, requestId, body);
    }

    /// <summary>Writes an FCGI_ABORT_REQUEST record, as a web server does.</summary>
    /// <returns>The bytes written: 8.</returns>
    public static int WriteAbortRequest(Span<byte> destination, ushort requestId) =>
        WriteRecord(destination, FcgiRecordType.AbortRequest, requestId, ReadOnlySpan<byte>.Empty);
}
