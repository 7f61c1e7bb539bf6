using System;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

public class RecordWriterTests
{
    [Theory]
    [MemberData(nameof(RecordTypeVectors.All), MemberType = typeof(RecordTypeVectors))]
    public void WriteRecordProducesTheSpecVectorForEveryRecordType(FcgiRecordType type, ushort requestId, string content, string record)
    {
        byte[] destination = new byte[64];
        Array.Fill(destination, (byte)0xEE);

        int written = FcgiRecordWriter.WriteRecord(destination, type, requestId, Wire.Hex(content));

        Assert.Equal(Wire.Hex(record), destination.AsSpan(0, written).ToArray());
        Assert.Equal(0xEE, destination[written]);
        Assert.Equal(FcgiRecordWriter.GetRecordLength(Wire.Hex(content).Length), written);
    }

    [Fact]
    public void WriteStreamSplitsSixtySixThousandBytesIntoAFullRecordAndAPaddedTail()
    {
        // 66000 = 65535 + 465. The full record needs 1 padding byte, the tail 7; then the empty record ends the stream.
        byte[] data = Wire.Pattern(66000);
        byte[] destination = new byte[FcgiRecordWriter.GetStreamLength(66000, endStream: true)];
        Array.Fill(destination, (byte)0xEE);

        int written = FcgiRecordWriter.WriteStream(destination, FcgiRecordType.Stdin, 1, data, out int dataConsumed);
        written += FcgiRecordWriter.WriteEndOfStream(destination.AsSpan(written), FcgiRecordType.Stdin, 1);

        byte[] expected = Wire.Concat(
            Wire.Hex("01 05 00 01 FF FF 01 00"), data.AsSpan(0, 65535).ToArray(), Wire.Hex("00"),
            Wire.Hex("01 05 00 01 01 D1 07 00"), data.AsSpan(65535).ToArray(), Wire.Hex("00 00 00 00 00 00 00"),
            Wire.Hex("01 05 00 01 00 00 00 00"));
        Assert.Equal(66000, dataConsumed);
        Assert.Equal(66032, written);
        Assert.Equal(expected, destination);
    }

    [Theory]
    [InlineData(1, "01 06 00 01 00 01 07 00")]
    [InlineData(8, "01 06 00 01 00 08 00 00")]
    [InlineData(13, "01 06 00 01 00 0D 03 00")]
    [InlineData(65535, "01 06 00 01 FF FF 01 00")]
    public void WriteStreamWritesOneRecordUpToTheLargestContent(int length, string header)
    {
        byte[] data = Wire.Pattern(length);
        byte[] destination = new byte[FcgiRecordWriter.GetRecordLength(length)];

        int written = FcgiRecordWriter.WriteStream(destination, FcgiRecordType.Stdout, 1, data, out int dataConsumed);

        Assert.Equal(length, dataConsumed);
        Assert.Equal(destination.Length, written);
        Assert.Equal(Wire.Hex(header), destination.AsSpan(0, 8).ToArray());
        Assert.Equal(data, destination.AsSpan(8, length).ToArray());
        Assert.True(destination.AsSpan(8 + length).IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void WriteStreamWritesNothingForEmptyData()
    {
        byte[] destination = new byte[32];

        Assert.Equal(0, FcgiRecordWriter.WriteStream(destination, FcgiRecordType.Stdout, 1, [], out int dataConsumed));
        Assert.Equal(0, dataConsumed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    public void WriteStreamWritesNothingWhenNotEvenAPaddedRecordFits(int destinationLength)
    {
        // One data byte needs a 16-byte record: header, content, 7 padding bytes.
        byte[] destination = new byte[destinationLength];
        Array.Fill(destination, (byte)0xEE);

        Assert.Equal(0, FcgiRecordWriter.WriteStream(destination, FcgiRecordType.Stdout, 1, "x"u8, out int dataConsumed));
        Assert.Equal(0, dataConsumed);
        Assert.True(destination.AsSpan().IndexOfAnyExcept((byte)0xEE) < 0);
    }

    [Fact]
    public void WriteStreamShortensTheLastRecordToAMultipleOfEightWhenThePaddingWouldNotFit()
    {
        byte[] data = Wire.Pattern(100);
        byte[] destination = new byte[8 + 61];

        int written = FcgiRecordWriter.WriteStream(destination, FcgiRecordType.Stdout, 1, data, out int dataConsumed);

        // 61 bytes of room: 56 content bytes need no padding, 57 would need 7.
        Assert.Equal(56, dataConsumed);
        Assert.Equal(64, written);
        Assert.Equal(Wire.Hex("01 06 00 01 00 38 00 00"), destination.AsSpan(0, 8).ToArray());
    }

    [Fact]
    public void WriteStreamFramesWhatFitsAndTheRestContinuesInTheNextBuffer()
    {
        byte[] data = Wire.Pattern(1000);
        byte[] first = new byte[300];
        byte[] second = new byte[2000];

        int firstWritten = FcgiRecordWriter.WriteStream(first, FcgiRecordType.Stdout, 1, data, out int firstConsumed);
        int secondWritten = FcgiRecordWriter.WriteStream(second, FcgiRecordType.Stdout, 1, data.AsSpan(firstConsumed), out int secondConsumed);

        Assert.Equal(1000, firstConsumed + secondConsumed);
        var collector = new RecordCollector();
        collector.Feed(first.AsSpan(0, firstWritten));
        collector.Feed(second.AsSpan(0, secondWritten));
        Assert.Equal(2, collector.Records.Count);
        Assert.Equal(data, ReceivedRecord.ConcatContent(collector.Records));
    }

    [Fact]
    public void WriteStreamAlwaysFillsTheDestinationUntilLessThanAMinimalRecordIsLeft()
    {
        byte[] data = Wire.Pattern(300);
        for (int destinationLength = 0; destinationLength <= 360; destinationLength++)
        {
            for (int dataLength = 0; dataLength <= data.Length; dataLength += 37)
            {
                byte[] destination = new byte[destinationLength];
                int written = FcgiRecordWriter.WriteStream(destination, FcgiRecordType.Stderr, 9, data.AsSpan(0, dataLength), out int dataConsumed);

                Assert.InRange(written, 0, destinationLength);
                Assert.InRange(dataConsumed, 0, dataLength);
                if (dataConsumed < dataLength)
                {
                    // 16 bytes always hold a record with at least one data byte.
                    Assert.True(destinationLength - written < 16, $"destination {destinationLength}, data {dataLength}: stopped with {destinationLength - written} bytes free");
                }

                var collector = new RecordCollector();
                Assert.Equal(FcgiReadStatus.NeedMoreData, collector.Feed(destination.AsSpan(0, written)));
                Assert.True(collector.IsAtRecordBoundary);
                byte[] framed = ReceivedRecord.ConcatContent(collector.Records);
                Assert.Equal(data.AsSpan(0, dataConsumed).ToArray(), framed);
                foreach (ReceivedRecord record in collector.Records)
                {
                    Assert.Equal(FcgiRecordType.Stderr, record.Header.Type);
                    Assert.Equal(9, record.Header.RequestId);
                    Assert.NotEqual(0, record.Header.ContentLength);
                    Assert.Equal(0, record.Header.RecordLength % 8);
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(65534)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(66000)]
    [InlineData(131070)]
    [InlineData(131071)]
    [InlineData(200003)]
    public void GetStreamLengthAgreesWithWriteStream(int length)
    {
        byte[] data = Wire.Pattern(length);
        long withEnd = FcgiRecordWriter.GetStreamLength(length, endStream: true);
        byte[] destination = new byte[withEnd];

        int written = FcgiRecordWriter.WriteStream(destination, FcgiRecordType.Stdout, 1, data, out int dataConsumed);
        int ended = written + FcgiRecordWriter.WriteEndOfStream(destination.AsSpan(written), FcgiRecordType.Stdout, 1);

        Assert.Equal(length, dataConsumed);
        Assert.Equal(FcgiRecordWriter.GetStreamLength(length, endStream: false), written);
        Assert.Equal(withEnd, ended);
    }

    [Fact]
    public void GetStreamLengthHandlesLengthsBeyondInt32()
    {
        long length = 3L * int.MaxValue;
        long records = length / 65535;
        long tail = length % 65535;

        long expected = records * (8 + 65535 + 1) + 8 + tail + FcgiRecordHeader.PaddingFor((int)tail) + 8;
        Assert.Equal(expected, FcgiRecordWriter.GetStreamLength(length, endStream: true));
    }

    [Fact]
    public void GetStreamLengthRejectsANegativeLength()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FcgiRecordWriter.GetStreamLength(-1, endStream: false));
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(1, 16)]
    [InlineData(8, 16)]
    [InlineData(9, 24)]
    [InlineData(465, 480)]
    [InlineData(65535, 65544)]
    public void GetRecordLengthIncludesHeaderAndPadding(int contentLength, int expected)
    {
        Assert.Equal(expected, FcgiRecordWriter.GetRecordLength(contentLength));
    }

    [Fact]
    public void WriteRecordZeroesThePadding()
    {
        byte[] destination = new byte[24];
        Array.Fill(destination, (byte)0xEE);

        int written = FcgiRecordWriter.WriteRecord(destination, FcgiRecordType.Stdout, 1, "x"u8);

        Assert.Equal(16, written);
        Assert.Equal(Wire.Hex("01 06 00 01 00 01 07 00 78 00 00 00 00 00 00 00 EE EE EE EE EE EE EE EE"), destination);
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(1, 15)]
    [InlineData(9, 23)]
    public void WriteRecordThrowsAndWritesNothingWhenTheDestinationIsTooSmall(int contentLength, int destinationLength)
    {
        byte[] destination = new byte[destinationLength];
        Array.Fill(destination, (byte)0xEE);
        byte[] content = Wire.Pattern(contentLength);

        Assert.Throws<ArgumentException>(() => FcgiRecordWriter.WriteRecord(destination, FcgiRecordType.Stdout, 1, content));
        Assert.True(destination.AsSpan().IndexOfAnyExcept((byte)0xEE) < 0);
    }

    [Fact]
    public void WriteRecordRejectsContentLongerThanARecordCarries()
    {
        byte[] destination = new byte[70000];

        Assert.Throws<ArgumentOutOfRangeException>(() => FcgiRecordWriter.WriteRecord(destination, FcgiRecordType.Stdout, 1, new byte[65536]));
    }

    [Theory]
    [InlineData(FcgiProtocolStatus.RequestComplete, "01 03 00 01 00 08 00 00 00 00 00 00 00 00 00 00")]
    [InlineData(FcgiProtocolStatus.CantMultiplexConnection, "01 03 00 01 00 08 00 00 00 00 00 00 01 00 00 00")]
    [InlineData(FcgiProtocolStatus.Overloaded, "01 03 00 01 00 08 00 00 00 00 00 00 02 00 00 00")]
    [InlineData(FcgiProtocolStatus.UnknownRole, "01 03 00 01 00 08 00 00 00 00 00 00 03 00 00 00")]
    public void WriteEndRequestProducesTheSpecVectorForEveryProtocolStatus(FcgiProtocolStatus status, string expected)
    {
        byte[] destination = new byte[16];

        Assert.Equal(16, FcgiRecordWriter.WriteEndRequest(destination, 1, 0, status));
        Assert.Equal(Wire.Hex(expected), destination);
    }

    [Fact]
    public void WriteEndRequestWritesTheAppStatusBigEndian()
    {
        byte[] destination = new byte[16];

        FcgiRecordWriter.WriteEndRequest(destination, 0x0203, 0xDEADBEEF, FcgiProtocolStatus.RequestComplete);

        Assert.Equal(Wire.Hex("01 03 02 03 00 08 00 00 DE AD BE EF 00 00 00 00"), destination);
    }

    [Fact]
    public void WriteUnknownTypeAnswersOnTheManagementId()
    {
        byte[] destination = new byte[16];

        Assert.Equal(16, FcgiRecordWriter.WriteUnknownType(destination, 12));
        Assert.Equal(Wire.Hex("01 0B 00 00 00 08 00 00 0C 00 00 00 00 00 00 00"), destination);
    }

    [Fact]
    public void WriteGetValuesResultFramesEncodedPairsOnTheManagementId()
    {
        byte[] pairs = new byte[64];
        int length = 0;
        Assert.True(FcgiNameValueWriter.TryWrite(pairs.AsSpan(length), FcgiConstants.MaxConnections, "10"u8, out int written));
        length += written;
        Assert.True(FcgiNameValueWriter.TryWrite(pairs.AsSpan(length), FcgiConstants.MaxRequests, "50"u8, out written));
        length += written;
        Assert.True(FcgiNameValueWriter.TryWrite(pairs.AsSpan(length), FcgiConstants.MultiplexesConnections, "0"u8, out written));
        length += written;
        byte[] destination = new byte[64];

        int recordLength = FcgiRecordWriter.WriteGetValuesResult(destination, pairs.AsSpan(0, length));

        // 18 + 17 + 18 = 53 (0x35) content bytes, 3 padding bytes.
        byte[] expected = Wire.Concat(
            Wire.Hex("01 0A 00 00 00 35 03 00"),
            Wire.Hex("0E 02"), Wire.Ascii("FCGI_MAX_CONNS10"),
            Wire.Hex("0D 02"), Wire.Ascii("FCGI_MAX_REQS50"),
            Wire.Hex("0F 01"), Wire.Ascii("FCGI_MPXS_CONNS0"),
            Wire.Hex("00 00 00"));
        Assert.Equal(expected, destination.AsSpan(0, recordLength).ToArray());
    }

    [Fact]
    public void WriteBeginRequestProducesTheSpecVector()
    {
        byte[] destination = new byte[16];

        Assert.Equal(16, FcgiRecordWriter.WriteBeginRequest(destination, 1, FcgiRole.Responder, FcgiBeginRequestFlags.KeepConnection));
        Assert.Equal(Wire.Hex("01 01 00 01 00 08 00 00 00 01 01 00 00 00 00 00"), destination);
    }

    [Fact]
    public void WriteAbortRequestProducesAnEmptyRecord()
    {
        byte[] destination = new byte[8];

        Assert.Equal(8, FcgiRecordWriter.WriteAbortRequest(destination, 0x0102));
        Assert.Equal(Wire.Hex("01 02 01 02 00 00 00 00"), destination);
    }

    [Fact]
    public void WriteEndOfStreamProducesAnEmptyRecord()
    {
        byte[] destination = new byte[8];

        Assert.Equal(8, FcgiRecordWriter.WriteEndOfStream(destination, FcgiRecordType.Stdout, 1));
        Assert.Equal(Wire.Hex("01 06 00 01 00 00 00 00"), destination);
    }

    [Fact]
    public void FixedBodyWritersThrowWhenTheDestinationIsTooSmall()
    {
        byte[] destination = new byte[15];

        Assert.Throws<ArgumentException>(() => FcgiRecordWriter.WriteEndRequest(destination, 1, 0, FcgiProtocolStatus.RequestComplete));
        Assert.Throws<ArgumentException>(() => FcgiRecordWriter.WriteUnknownType(destination, 12));
        Assert.Throws<ArgumentException>(() => FcgiRecordWriter.WriteBeginRequest(destination, 1, FcgiRole.Responder, FcgiBeginRequestFlags.None));
        Assert.Throws<ArgumentException>(() => FcgiRecordWriter.WriteAbortRequest(new byte[7], 1));
    }
}
