using System;
using System.Collections.Generic;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

public class WholeRecordTests
{
    [Theory]
    [MemberData(nameof(RecordTypeVectors.All), MemberType = typeof(RecordTypeVectors))]
    public void TryReadReadsTheSpecVectorOfEveryRecordType(FcgiRecordType type, ushort requestId, string content, string record)
    {
        byte[] input = Wire.Hex(record);

        Assert.Equal(FcgiReadStatus.Fragment, FcgiRecord.TryRead(input, out FcgiRecordHeader header, out ReadOnlySpan<byte> read, out int recordLength));

        Assert.Equal(type, header.Type);
        Assert.Equal(requestId, header.RequestId);
        Assert.Equal(Wire.Hex(content), read.ToArray());
        Assert.Equal(input.Length, recordLength);
    }

    [Theory]
    [MemberData(nameof(RecordTypeVectors.All), MemberType = typeof(RecordTypeVectors))]
    public void TryReadReturnsNeedMoreDataAndConsumesNothingForEveryPrefix(FcgiRecordType type, ushort requestId, string content, string record)
    {
        byte[] input = Wire.Hex(record);

        for (int length = 0; length < input.Length; length++)
        {
            FcgiReadStatus status = FcgiRecord.TryRead(input.AsSpan(0, length), out _, out ReadOnlySpan<byte> read, out int recordLength);

            Assert.Equal(FcgiReadStatus.NeedMoreData, status);
            Assert.True(read.IsEmpty);
            Assert.Equal(0, recordLength);
        }

        // The last byte is what completes it.
        Assert.Equal(FcgiReadStatus.Fragment, FcgiRecord.TryRead(input, out FcgiRecordHeader header, out ReadOnlySpan<byte> whole, out _));
        Assert.Equal(new FcgiRecordHeader(type, requestId, (ushort)whole.Length, (byte)(input.Length - 8 - whole.Length)), header);
        Assert.Equal(Wire.Hex(content), whole.ToArray());
    }

    [Fact]
    public void TryReadWaitsForThePaddingEvenWhenTheContentIsComplete()
    {
        byte[] input = Wire.Concat(Wire.Hex("01 05 00 01 00 05 03 00"), Wire.Ascii("hello"), Wire.Hex("00 00"));

        Assert.Equal(FcgiReadStatus.NeedMoreData, FcgiRecord.TryRead(input, out _, out _, out int recordLength));
        Assert.Equal(0, recordLength);
    }

    [Fact]
    public void TryReadReadsOnlyTheFirstRecordAndViewsTheInput()
    {
        byte[] input = RequestStreamVector.Bytes;

        Assert.Equal(FcgiReadStatus.Fragment, FcgiRecord.TryRead(input, out FcgiRecordHeader header, out ReadOnlySpan<byte> content, out int recordLength));

        Assert.Equal(FcgiRecordType.BeginRequest, header.Type);
        Assert.Equal(16, recordLength);
        Assert.True(content.Overlaps(input.AsSpan(8, 8)));
    }

    [Fact]
    public void TryReadWalksAWholeRequestStream()
    {
        ReadOnlySpan<byte> input = RequestStreamVector.Bytes;
        var records = new List<ReceivedRecord>();

        while (FcgiRecord.TryRead(input, out FcgiRecordHeader header, out ReadOnlySpan<byte> content, out int recordLength) == FcgiReadStatus.Fragment)
        {
            records.Add(new ReceivedRecord(header, content.ToArray()));
            input = input.Slice(recordLength);
        }

        Assert.True(input.IsEmpty);
        ReceivedRecord.AssertEqual(RequestStreamVector.ExpectedRecords(), records);
    }

    [Fact]
    public void TryReadReturnsUnsupportedVersionAsSoonAsTheHeaderIsThere()
    {
        byte[] input = Wire.Hex("02 06 00 01 00 10 00 00");

        Assert.Equal(FcgiReadStatus.UnsupportedVersion, FcgiRecord.TryRead(input, out FcgiRecordHeader header, out ReadOnlySpan<byte> content, out int recordLength));

        Assert.Equal(2, header.Version);
        Assert.True(content.IsEmpty);
        Assert.Equal(0, recordLength);
    }
}
