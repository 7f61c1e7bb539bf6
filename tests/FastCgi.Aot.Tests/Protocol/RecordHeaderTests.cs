using System;
using FastCgi.Aot.Protocol;

namespace FastCgi.Aot.Tests.Protocol;

public class RecordHeaderTests
{
    [Theory]
    [MemberData(nameof(RecordTypeVectors.All), MemberType = typeof(RecordTypeVectors))]
    public void TryReadParsesTheHeaderOfEveryRecordType(FcgiRecordType type, ushort requestId, string content, string record)
    {
        Assert.True(FcgiRecordHeader.TryRead(Wire.Hex(record), out FcgiRecordHeader header));

        int contentLength = Wire.Hex(content).Length;
        Assert.Equal(FcgiConstants.Version1, header.Version);
        Assert.Equal(type, header.Type);
        Assert.Equal(requestId, header.RequestId);
        Assert.Equal(contentLength, header.ContentLength);
        Assert.Equal(Wire.Hex(record).Length - 8 - contentLength, header.PaddingLength);
        Assert.Equal(Wire.Hex(record).Length, header.RecordLength);
        Assert.Equal(requestId == 0, header.IsManagement);
    }

    [Theory]
    [MemberData(nameof(RecordTypeVectors.All), MemberType = typeof(RecordTypeVectors))]
    public void WriteProducesTheHeaderOfEveryRecordType(FcgiRecordType type, ushort requestId, string content, string record)
    {
        int contentLength = Wire.Hex(content).Length;
        var header = new FcgiRecordHeader(type, requestId, (ushort)contentLength, FcgiRecordHeader.PaddingFor(contentLength));
        byte[] destination = new byte[8];

        header.Write(destination);

        Assert.Equal(Wire.Hex(record).AsSpan(0, 8).ToArray(), destination);
    }

    [Fact]
    public void TryReadReadsMultiByteFieldsBigEndian()
    {
        Assert.True(FcgiRecordHeader.TryRead(Wire.Hex("01 05 12 34 AB CD 07 00"), out FcgiRecordHeader header));

        Assert.Equal(FcgiRecordType.Stdin, header.Type);
        Assert.Equal(0x1234, header.RequestId);
        Assert.Equal(0xABCD, header.ContentLength);
        Assert.Equal(7, header.PaddingLength);
        Assert.Equal(8 + 0xABCD + 7, header.RecordLength);
    }

    [Fact]
    public void TryReadHandlesTheLargestContentAndPadding()
    {
        Assert.True(FcgiRecordHeader.TryRead(Wire.Hex("01 06 FF FF FF FF FF 00"), out FcgiRecordHeader header));

        Assert.Equal(ushort.MaxValue, header.RequestId);
        Assert.Equal(FcgiConstants.MaxContentLength, header.ContentLength);
        Assert.Equal(FcgiConstants.MaxPaddingLength, header.PaddingLength);
        Assert.Equal(8 + 65535 + 255, header.RecordLength);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void TryReadReturnsFalseWhenFewerThanEightBytesAreGiven(int length)
    {
        byte[] input = Wire.Hex("01 01 00 01 00 08 00 00").AsSpan(0, length).ToArray();

        Assert.False(FcgiRecordHeader.TryRead(input, out FcgiRecordHeader header));
        Assert.Equal(default, header);
    }

    [Fact]
    public void TryReadIgnoresTheReservedByte()
    {
        Assert.True(FcgiRecordHeader.TryRead(Wire.Hex("01 06 00 01 00 10 00 00"), out FcgiRecordHeader zero));
        Assert.True(FcgiRecordHeader.TryRead(Wire.Hex("01 06 00 01 00 10 00 FF"), out FcgiRecordHeader nonZero));

        Assert.Equal(zero, nonZero);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void TryReadKeepsAnyVersionForTheCallerToReject(byte version)
    {
        byte[] input = Wire.Hex("01 01 00 01 00 08 00 00");
        input[0] = version;

        Assert.True(FcgiRecordHeader.TryRead(input, out FcgiRecordHeader header));
        Assert.Equal(version, header.Version);
    }

    [Fact]
    public void TryReadKeepsATypeOutsideTheSpec()
    {
        Assert.True(FcgiRecordHeader.TryRead(Wire.Hex("01 C8 00 00 00 00 00 00"), out FcgiRecordHeader header));

        Assert.Equal((FcgiRecordType)200, header.Type);
    }

    [Fact]
    public void WriteZeroesTheReservedByteAndWritesOnlyEightBytes()
    {
        byte[] destination = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        new FcgiRecordHeader(FcgiRecordType.Stdout, 0x0102, 0x0304, 5).Write(destination);

        Assert.Equal(Wire.Hex("01 06 01 02 03 04 05 00 FF"), destination);
    }

    [Fact]
    public void WriteKeepsTheVersionItWasGiven()
    {
        byte[] destination = new byte[8];

        new FcgiRecordHeader(2, FcgiRecordType.Params, 1, 0, 0).Write(destination);

        Assert.Equal(Wire.Hex("02 04 00 01 00 00 00 00"), destination);
    }

    [Fact]
    public void WriteThrowsWhenTheDestinationIsShorterThanEightBytes()
    {
        var header = new FcgiRecordHeader(FcgiRecordType.Stdout, 1, 0, 0);

        Assert.Throws<ArgumentException>(() => header.Write(new byte[7]));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(8, 0)]
    [InlineData(9, 7)]
    [InlineData(465, 7)]
    [InlineData(65534, 2)]
    [InlineData(65535, 1)]
    public void PaddingForRoundsContentUpToAMultipleOfEight(int contentLength, int padding)
    {
        Assert.Equal(padding, FcgiRecordHeader.PaddingFor(contentLength));
    }

    [Fact]
    public void HeadersAreEqualOnlyWhenEveryFieldIsEqual()
    {
        var header = new FcgiRecordHeader(FcgiRecordType.Stdin, 1, 5, 3);

        Assert.Equal(header, new FcgiRecordHeader(FcgiRecordType.Stdin, 1, 5, 3));
        Assert.True(header == new FcgiRecordHeader(1, FcgiRecordType.Stdin, 1, 5, 3));
        Assert.True(header != new FcgiRecordHeader(2, FcgiRecordType.Stdin, 1, 5, 3));
        Assert.True(header != new FcgiRecordHeader(FcgiRecordType.Stdout, 1, 5, 3));
        Assert.True(header != new FcgiRecordHeader(FcgiRecordType.Stdin, 2, 5, 3));
        Assert.True(header != new FcgiRecordHeader(FcgiRecordType.Stdin, 1, 6, 3));
        Assert.True(header != new FcgiRecordHeader(FcgiRecordType.Stdin, 1, 5, 2));
        Assert.Equal(header.GetHashCode(), new FcgiRecordHeader(FcgiRecordType.Stdin, 1, 5, 3).GetHashCode());
    }
}
