using System;
using System.Buffers;
using System.Collections.Generic;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

/// <summary>
/// Drives one <see cref="FcgiRecordReader"/> over whatever pieces a test feeds it and stitches the
/// fragments back into records, checking the reader's promises on the way: NeedMoreData consumes
/// everything, fragments follow each other without gaps, only empty records yield empty fragments.
/// </summary>
internal sealed class RecordCollector
{
    private readonly List<ReceivedRecord> _records = [];
    private readonly List<byte> _content = [];
    private FcgiRecordReader _reader;
    private FcgiRecordHeader _header;
    private bool _inRecord;

    public IReadOnlyList<ReceivedRecord> Records => _records;

    public bool IsAtRecordBoundary => _reader.IsAtRecordBoundary;

    public bool HasFailed => _reader.HasFailed;

    /// <summary>True while a record's content has started but not ended.</summary>
    public bool IsInsideContent => _inRecord;

    public FcgiReadStatus Feed(ReadOnlySpan<byte> input)
    {
        while (true)
        {
            FcgiReadStatus status = _reader.Read(input, out int consumed, out FcgiRecordFragment fragment);
            Assert.InRange(consumed, 0, input.Length);
            input = input.Slice(consumed);
            switch (status)
            {
                case FcgiReadStatus.Fragment:
                    Accept(fragment);
                    break;
                case FcgiReadStatus.NeedMoreData:
                    Assert.True(input.IsEmpty, "NeedMoreData must consume every byte given.");
                    return status;
                default:
                    return status;
            }
        }
    }

    public FcgiReadStatus Feed(ReadOnlySequence<byte> input)
    {
        var reader = new SequenceReader<byte>(input);
        while (true)
        {
            FcgiReadStatus status = _reader.Read(ref reader, out FcgiRecordFragment fragment);
            switch (status)
            {
                case FcgiReadStatus.Fragment:
                    Accept(fragment);
                    break;
                case FcgiReadStatus.NeedMoreData:
                    Assert.True(reader.End, "NeedMoreData must consume every byte given.");
                    return status;
                default:
                    return status;
            }
        }
    }

    private void Accept(FcgiRecordFragment fragment)
    {
        if (!_inRecord)
        {
            Assert.Equal(0, fragment.Offset);
            Assert.True(fragment.IsRecordStart);
            _header = fragment.Header;
            _inRecord = true;
        }
        else
        {
            Assert.Equal(_header, fragment.Header);
            Assert.Equal(_content.Count, fragment.Offset);
            Assert.False(fragment.IsRecordStart);
        }

        // Only a record without content may produce an empty fragment, and exactly one.
        Assert.True(fragment.Content.Length > 0 || fragment.Header.ContentLength == 0, "Empty fragment of a non-empty record.");
        Assert.True(fragment.Offset + fragment.Content.Length <= fragment.Header.ContentLength, "Fragment runs past the content.");
        _content.AddRange(fragment.Content);
        if (fragment.IsRecordEnd)
        {
            _records.Add(new ReceivedRecord(_header, _content.ToArray()));
            _content.Clear();
            _inRecord = false;
        }
    }
}
