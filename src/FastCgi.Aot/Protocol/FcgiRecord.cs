using System;

namespace FastCgi.Aot.Protocol;

/// <summary>Stateless helpers for whole records held in one buffer.</summary>
public static class FcgiRecord
{
    /// <summary>
    /// Reads one whole record from the start of <paramref name="input"/>, consuming nothing unless
    /// the header, the content and the padding are all present.
    /// </summary>
    /// <param name="input">Bytes starting at a record boundary.</param>
    /// <param name="header">The record's header, when a whole record is present.</param>
    /// <param name="content">The record's content, a view over <paramref name="input"/>.</param>
    /// <param name="recordLength">The bytes the record occupies, padding included.</param>
    /// <returns>
    /// <see cref="FcgiReadStatus.Fragment"/> for a whole record, <see cref="FcgiReadStatus.NeedMoreData"/>
    /// when the record is incomplete, <see cref="FcgiReadStatus.UnsupportedVersion"/> for a version other than 1.
    /// </returns>
    public static FcgiReadStatus TryRead(ReadOnlySpan<byte> input, out FcgiRecordHeader header, out ReadOnlySpan<byte> content, out int recordLength)
    {
        content = default;
        recordLength = 0;
        if (!FcgiRecordHeader.TryRead(input, out header))
        {
            return FcgiReadStatus.NeedMoreData;
        }

        if (header.Version != FcgiConstants.Version1)
        {
            return FcgiReadStatus.UnsupportedVersion;
        }

        if (input.Length < header.RecordLength)
        {
            return FcgiReadStatus.NeedMoreData;
        }

        content = input.Slice(FcgiConstants.HeaderLength, header.ContentLength);
        recordLength = header.RecordLength;
        return FcgiReadStatus.Fragment;
    }
}
