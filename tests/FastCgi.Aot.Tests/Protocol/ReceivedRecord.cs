using System.Collections.Generic;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>A record as a test expects it or as <see cref="RecordCollector"/> reassembled it.</summary>
internal sealed class ReceivedRecord
{
    public ReceivedRecord(FcgiRecordHeader header, byte[] content)
    {
        Header = header;
        Content = content;
    }

    public FcgiRecordHeader Header { get; }

    public byte[] Content { get; }

    public static ReceivedRecord Padded(FcgiRecordType type, ushort requestId, byte[] content) =>
        new(new FcgiRecordHeader(type, requestId, (ushort)content.Length, FcgiRecordHeader.PaddingFor(content.Length)), content);

    public static byte[] ConcatContent(IReadOnlyList<ReceivedRecord> records)
    {
        var contents = new byte[records.Count][];
        for (int i = 0; i < records.Count; i++)
        {
            contents[i] = records[i].Content;
        }

        return Wire.Concat(contents);
    }

    public static void AssertEqual(IReadOnlyList<ReceivedRecord> expected, IReadOnlyList<ReceivedRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Header, actual[i].Header);
            Assert.Equal(expected[i].Content, actual[i].Content);
        }
    }
}
