using System;

namespace FastCgi.Aot.Protocol;

/// <summary>
/// A record, or a contiguous part of one, as a view over the bytes given to <see cref="FcgiRecordReader"/>.
/// </summary>
/// <remarks>
/// When a whole record arrives in one read, the reader returns it as one fragment with
/// <see cref="IsCompleteRecord"/> set. When its content is split across reads, each read yields
/// the part that arrived, with <see cref="Offset"/> telling where that part sits in the content.
/// A record with no content yields exactly one empty fragment.
/// </remarks>
public readonly ref struct FcgiRecordFragment
{
    /// <summary>Creates a fragment.</summary>
    public FcgiRecordFragment(FcgiRecordHeader header, ReadOnlySpan<byte> content, int offset)
    {
        Header = header;
        Content = content;
        Offset = offset;
    }

    /// <summary>The header of the record this fragment belongs to.</summary>
    public FcgiRecordHeader Header { get; }

    /// <summary>The content bytes of this fragment; a view over the caller's input.</summary>
    public ReadOnlySpan<byte> Content { get; }

    /// <summary>Where <see cref="Content"/> starts within the record's content.</summary>
    public int Offset { get; }

    /// <summary>True when this fragment starts the record's content.</summary>
    public bool IsRecordStart => Offset == 0;

    /// <summary>True when this fragment ends the record's content.</summary>
    public bool IsRecordEnd => Offset + Content.Length == Header.ContentLength;

    /// <summary>True when this fragment is the whole content of the record.</summary>
    public bool IsCompleteRecord => Offset == 0 && Content.Length == Header.ContentLength;
}
