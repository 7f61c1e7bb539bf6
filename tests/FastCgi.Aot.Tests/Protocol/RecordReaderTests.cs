using System;
using System.Buffers;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

public class RecordReaderTests
{
    private static readonly byte[] s_request = RequestStreamVector.Bytes;

    [Fact]
    public void ReadReturnsNeedMoreDataForEmptyInput()
    {
        var reader = default(FcgiRecordReader);

        Assert.Equal(FcgiReadStatus.NeedMoreData, reader.Read([], out int consumed, out _));
        Assert.Equal(0, consumed);
        Assert.True(reader.IsAtRecordBoundary);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(7)]
    public void ReadReturnsNeedMoreDataWhenHeaderIsIncomplete(int length)
    {
        var reader = default(FcgiRecordReader);

        Assert.Equal(FcgiReadStatus.NeedMoreData, reader.Read(s_request.AsSpan(0, length), out int consumed, out _));

        Assert.Equal(length, consumed);
        Assert.False(reader.IsAtRecordBoundary);
    }

    [Fact]
    public void ReadReturnsAWholeRecordAsOneFragmentViewingTheInput()
    {
        var reader = default(FcgiRecordReader);
        byte[] input = s_request;

        Assert.Equal(FcgiReadStatus.Fragment, reader.Read(input, out int consumed, out FcgiRecordFragment fragment));

        Assert.Equal(16, consumed);
        Assert.Equal(new FcgiRecordHeader(FcgiRecordType.BeginRequest, 1, 8, 0), fragment.Header);
        Assert.True(fragment.IsCompleteRecord);
        Assert.True(fragment.IsRecordStart);
        Assert.True(fragment.IsRecordEnd);
        Assert.True(fragment.Content.Overlaps(input.AsSpan(8, 8)));
        Assert.True(reader.IsAtRecordBoundary);
    }

    [Fact]
    public void ReadReassemblesTheRequestStreamFedAllAtOnce()
    {
        var collector = new RecordCollector();

        Assert.Equal(FcgiReadStatus.NeedMoreData, collector.Feed(s_request));

        ReceivedRecord.AssertEqual(RequestStreamVector.ExpectedRecords(), collector.Records);
        Assert.True(collector.IsAtRecordBoundary);
    }

    [Fact]
    public void ReadReassemblesTheRequestStreamSplitAtEveryByteIntoTwoReads()
    {
        for (int split = 0; split <= s_request.Length; split++)
        {
            var collector = new RecordCollector();

            Assert.Equal(FcgiReadStatus.NeedMoreData, collector.Feed(s_request.AsSpan(0, split)));
            Assert.Equal(FcgiReadStatus.NeedMoreData, collector.Feed(s_request.AsSpan(split)));

            ReceivedRecord.AssertEqual(RequestStreamVector.ExpectedRecords(), collector.Records);
            Assert.True(collector.IsAtRecordBoundary);
        }
    }

    [Fact]
    public void ReadReassemblesTheRequestStreamFedOneByteAtATime()
    {
        var collector = new RecordCollector();

        for (int i = 0; i < s_request.Length; i++)
        {
            Assert.Equal(FcgiReadStatus.NeedMoreData, collector.Feed(s_request.AsSpan(i, 1)));
            Assert.Equal(Array.IndexOf(RequestStreamVector.RecordBoundaries, i + 1) >= 0, collector.IsAtRecordBoundary);
        }

        ReceivedRecord.AssertEqual(RequestStreamVector.ExpectedRecords(), collector.Records);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(13, false)]
    [InlineData(64, true)]
    [InlineData(239, false)]
    [InlineData(240, false)]
    public void ReadReassemblesTheRequestStreamFromAMultiSegmentSequence(int segmentSize, bool withEmptySegments)
    {
        ReadOnlySequence<byte> sequence = BufferSegment.CreateSequence(s_request, segmentSize, withEmptySegments);
        var collector = new RecordCollector();

        Assert.Equal(FcgiReadStatus.NeedMoreData, collector.Feed(sequence));

        ReceivedRecord.AssertEqual(RequestStreamVector.ExpectedRecords(), collector.Records);
        Assert.True(collector.IsAtRecordBoundary);
    }

    [Fact]
    public void ReadReassemblesTheRequestStreamFromThreeSegmentsCutAnywhere()
    {
        for (int first = 0; first <= s_request.Length; first += 3)
        {
            for (int second = first; second <= s_request.Length; second++)
            {
                var collector = new RecordCollector();

                Assert.Equal(FcgiReadStatus.NeedMoreData, collector.Feed(BufferSegment.CreateSequence(s_request, [first, second])));

                ReceivedRecord.AssertEqual(RequestStreamVector.ExpectedRecords(), collector.Records);
            }
        }
    }

    [Fact]
    public void ReadContinuesASequenceAcrossCalls()
    {
        for (int split = 0; split <= s_request.Length; split++)
        {
            var collector = new RecordCollector();

            collector.Feed(BufferSegment.CreateSequence(s_request.AsSpan(0, split).ToArray(), 5, withEmptySegments: false));
            collector.Feed(BufferSegment.CreateSequence(s_request.AsSpan(split).ToArray(), 6, withEmptySegments: true));

            ReceivedRecord.AssertEqual(RequestStreamVector.ExpectedRecords(), collector.Records);
        }
    }

    [Fact]
    public void ReadYieldsSplitContentAsFragmentsWithOffsets()
    {
        var reader = default(FcgiRecordReader);
        byte[] input = Wire.Concat(Wire.Hex("01 06 00 01 00 0A 06 00"), Wire.Ascii("0123456789"), new byte[6]);

        Assert.Equal(FcgiReadStatus.Fragment, reader.Read(input.AsSpan(0, 11), out int consumed, out FcgiRecordFragment first));
        Assert.Equal(11, consumed);
        Assert.Equal("012"u8, first.Content);
        Assert.Equal(0, first.Offset);
        Assert.True(first.IsRecordStart);
        Assert.False(first.IsRecordEnd);
        Assert.False(first.IsCompleteRecord);

        Assert.Equal(FcgiReadStatus.Fragment, reader.Read(input.AsSpan(11, 4), out consumed, out FcgiRecordFragment middle));
        Assert.Equal(4, consumed);
        Assert.Equal("3456"u8, middle.Content);
        Assert.Equal(3, middle.Offset);
        Assert.False(middle.IsRecordStart);
        Assert.False(middle.IsRecordEnd);

        Assert.Equal(FcgiReadStatus.Fragment, reader.Read(input.AsSpan(15), out consumed, out FcgiRecordFragment last));
        Assert.Equal(input.Length - 15, consumed);
        Assert.Equal("789"u8, last.Content);
        Assert.Equal(7, last.Offset);
        Assert.True(last.IsRecordEnd);
        Assert.False(last.IsCompleteRecord);
        Assert.True(reader.IsAtRecordBoundary);
    }

    [Fact]
    public void ReadStopsAtTheEndOfEachFragmentAndLeavesTheNextRecordUnconsumed()
    {
        var reader = default(FcgiRecordReader);

        Assert.Equal(FcgiReadStatus.Fragment, reader.Read(s_request, out int consumed, out _));
        Assert.Equal(16, consumed);
        Assert.Equal(FcgiReadStatus.Fragment, reader.Read(s_request.AsSpan(16), out consumed, out FcgiRecordFragment parameters));
        Assert.Equal(8 + 183 + 1, consumed);
        Assert.Equal(RequestStreamVector.ParamsContent, parameters.Content.ToArray());
    }

    [Fact]
    public void ReadReturnsOneEmptyFragmentForARecordWithoutContent()
    {
        var reader = default(FcgiRecordReader);
        byte[] input = Wire.Hex("01 04 00 01 00 00 00 00");

        Assert.Equal(FcgiReadStatus.Fragment, reader.Read(input, out int consumed, out FcgiRecordFragment fragment));
        Assert.Equal(8, consumed);
        Assert.True(fragment.Content.IsEmpty);
        Assert.True(fragment.IsCompleteRecord);
        Assert.Equal(FcgiRecordType.Params, fragment.Header.Type);
        Assert.Equal(FcgiReadStatus.NeedMoreData, reader.Read(input.AsSpan(consumed), out consumed, out _));
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void ReadSkipsThePaddingOfARecordWithoutContent()
    {
        // Nothing forbids padding on an empty record; it must be skipped like any other (§3.3).
        byte[] input = Wire.Concat(Wire.Hex("01 04 00 01 00 00 08 00"), Wire.Hex("FF FF FF FF FF FF FF FF"), Wire.Hex("01 05 00 01 00 00 00 00"));

        for (int split = 0; split <= input.Length; split++)
        {
            var collector = new RecordCollector();
            collector.Feed(input.AsSpan(0, split));
            collector.Feed(input.AsSpan(split));

            ReceivedRecord.AssertEqual(
                [
                    new(new FcgiRecordHeader(FcgiRecordType.Params, 1, 0, 8), []),
                    new(new FcgiRecordHeader(FcgiRecordType.Stdin, 1, 0, 0), []),
                ],
                collector.Records);
        }
    }

    [Fact]
    public void ReadSkipsPaddingSplitAcrossReads()
    {
        byte[] padding = new byte[255];
        Array.Fill(padding, (byte)0x01);
        byte[] input = Wire.Concat(Wire.Hex("01 06 00 01 00 03 FF 00"), Wire.Ascii("abc"), padding, Wire.Hex("01 06 00 01 00 00 00 00"));
        var collector = new RecordCollector();

        collector.Feed(input.AsSpan(0, 11 + 100));
        Assert.Single(collector.Records);
        Assert.False(collector.IsAtRecordBoundary);
        collector.Feed(input.AsSpan(111, 154));
        Assert.False(collector.IsAtRecordBoundary);
        collector.Feed(input.AsSpan(265, 1));
        Assert.True(collector.IsAtRecordBoundary);
        collector.Feed(input.AsSpan(266));

        ReceivedRecord.AssertEqual(
            [
                new(new FcgiRecordHeader(FcgiRecordType.Stdout, 1, 3, 255), Wire.Ascii("abc")),
                new(new FcgiRecordHeader(FcgiRecordType.Stdout, 1, 0, 0), []),
            ],
            collector.Records);
    }

    [Fact]
    public void IsAtRecordBoundaryIsTrueOnlyBetweenRecords()
    {
        // A record with header, content and padding: the boundary is before byte 0 and after byte 15 only.
        byte[] input = Wire.Concat(Wire.Hex("01 05 00 01 00 05 03 00"), Wire.Ascii("hello"), Wire.Hex("00 00 00"));
        var reader = default(FcgiRecordReader);
        Assert.True(reader.IsAtRecordBoundary);

        for (int i = 0; i < input.Length; i++)
        {
            reader.Read(input.AsSpan(i, 1), out int consumed, out _);
            Assert.Equal(1, consumed);
            Assert.Equal(i == input.Length - 1, reader.IsAtRecordBoundary);
        }
    }

    [Fact]
    public void ReadPassesARecordTypeOutsideTheSpecThrough()
    {
        // Unknown types are the application's to answer with UNKNOWN_TYPE (§4.2), so the reader keeps them.
        var collector = new RecordCollector();

        collector.Feed(Wire.Hex("01 2A 00 00 00 02 06 00 AB CD 00 00 00 00 00 00"));

        ReceivedRecord.AssertEqual([new(new FcgiRecordHeader((FcgiRecordType)42, 0, 2, 6), Wire.Hex("AB CD"))], collector.Records);
    }

    [Fact]
    public void ReadIgnoresTheReservedByte()
    {
        var collector = new RecordCollector();

        collector.Feed(Wire.Hex("01 06 00 01 00 01 07 FF 41 00 00 00 00 00 00 00"));

        ReceivedRecord.AssertEqual([new(new FcgiRecordHeader(FcgiRecordType.Stdout, 1, 1, 7), Wire.Ascii("A"))], collector.Records);
    }

    [Fact]
    public void ReadHandlesTheLargestRecordInSmallReads()
    {
        byte[] content = Wire.Pattern(65535);
        byte[] input = Wire.Concat(Wire.Hex("01 08 FF FF FF FF FF 00"), content, new byte[255], Wire.Hex("01 08 FF FF 00 00 00 00"));
        var collector = new RecordCollector();

        for (int position = 0; position < input.Length; position += 4093)
        {
            collector.Feed(input.AsSpan(position, Math.Min(4093, input.Length - position)));
        }

        ReceivedRecord.AssertEqual(
            [
                new(new FcgiRecordHeader(FcgiRecordType.Data, 0xFFFF, 0xFFFF, 0xFF), content),
                new(new FcgiRecordHeader(FcgiRecordType.Data, 0xFFFF, 0, 0), []),
            ],
            collector.Records);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void ReadReturnsUnsupportedVersionForAnyVersionButOne(byte version)
    {
        byte[] input = Wire.Hex("01 01 00 01 00 08 00 00 00 01 01 00 00 00 00 00");
        input[0] = version;
        var reader = default(FcgiRecordReader);

        Assert.Equal(FcgiReadStatus.UnsupportedVersion, reader.Read(input, out int consumed, out _));

        Assert.Equal(8, consumed);
        Assert.True(reader.HasFailed);
        Assert.False(reader.IsAtRecordBoundary);
    }

    [Fact]
    public void ReadStaysFailedAfterUnsupportedVersion()
    {
        var reader = default(FcgiRecordReader);
        reader.Read(Wire.Hex("02 01 00 01 00 08 00 00"), out _, out _);

        Assert.Equal(FcgiReadStatus.UnsupportedVersion, reader.Read(s_request, out int consumed, out _));
        Assert.Equal(0, consumed);
        Assert.Equal(FcgiReadStatus.UnsupportedVersion, reader.Read([], out consumed, out _));
        Assert.Equal(0, consumed);
        var sequenceReader = new SequenceReader<byte>(new ReadOnlySequence<byte>(s_request));
        Assert.Equal(FcgiReadStatus.UnsupportedVersion, reader.Read(ref sequenceReader, out _));
        Assert.Equal(0, sequenceReader.Consumed);
        sequenceReader = new SequenceReader<byte>(ReadOnlySequence<byte>.Empty);
        Assert.Equal(FcgiReadStatus.UnsupportedVersion, reader.Read(ref sequenceReader, out _));
        Assert.True(reader.HasFailed);
    }

    [Fact]
    public void ReadDetectsABadVersionInAHeaderSplitAcrossReads()
    {
        for (int split = 1; split < 8; split++)
        {
            byte[] input = Wire.Hex("00 06 00 01 00 00 00 00");
            var reader = default(FcgiRecordReader);

            Assert.Equal(FcgiReadStatus.NeedMoreData, reader.Read(input.AsSpan(0, split), out _, out _));
            Assert.False(reader.HasFailed);
            Assert.Equal(FcgiReadStatus.UnsupportedVersion, reader.Read(input.AsSpan(split), out _, out _));
            Assert.True(reader.HasFailed);
        }
    }

    [Fact]
    public void ReadDetectsABadVersionAfterValidRecordsInASequence()
    {
        byte[] input = Wire.Concat(s_request, Wire.Hex("03 05 00 01 00 00 00 00"), s_request);
        var collector = new RecordCollector();

        Assert.Equal(FcgiReadStatus.UnsupportedVersion, collector.Feed(BufferSegment.CreateSequence(input, 3, withEmptySegments: true)));

        ReceivedRecord.AssertEqual(RequestStreamVector.ExpectedRecords(), collector.Records);
        Assert.True(collector.HasFailed);
    }

    [Fact]
    public void ResetForgetsAFailureAndAPartialRecord()
    {
        var reader = default(FcgiRecordReader);
        reader.Read(Wire.Hex("02 01 00 01 00 08 00 00"), out _, out _);
        reader.Reset();
        Assert.False(reader.HasFailed);
        Assert.True(reader.IsAtRecordBoundary);

        reader.Read(s_request.AsSpan(0, 20), out _, out _);
        reader.Reset();

        Assert.True(reader.IsAtRecordBoundary);
        Assert.Equal(FcgiReadStatus.Fragment, reader.Read(s_request, out int consumed, out FcgiRecordFragment fragment));
        Assert.Equal(16, consumed);
        Assert.Equal(FcgiRecordType.BeginRequest, fragment.Header.Type);
    }
}
